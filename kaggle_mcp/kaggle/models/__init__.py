"""Kaggle wire messages, one module per service; names follow Kaggle's proto messages."""

from .blobs import *  # noqa: F403
from .competitions import *  # noqa: F403
from .datasets import *  # noqa: F403
from .kernels import *  # noqa: F403
from .security import *  # noqa: F403
