"""Kaggle wire messages, one module per service; names follow Kaggle's proto messages. Import them from
their service's module (each costs model-building time, so only what a call needs is loaded)."""
