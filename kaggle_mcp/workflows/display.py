"""How values are shown to an agent: dates without the time of day, sizes in human units."""

from __future__ import annotations

from datetime import date, datetime


def day(value: datetime | date | None) -> str | None:
    """A timestamp shown as its date (the time of day rarely matters to an agent and costs tokens)."""
    return value.isoformat()[:10] if value is not None else None


def human_bytes(n: int | None) -> str:
    if n is None:
        return "?"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover - the loop always returns
