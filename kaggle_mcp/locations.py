"""Where kaggle-agent-mcp keeps its files when nobody says otherwise: one function per place.

Computed without importing platformdirs on Linux (the XDG rules are two lines, and the import costs a
few milliseconds of every cold start); elsewhere platformdirs knows the platform's conventions.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "kaggle-agent-mcp"


def cache_dir() -> Path:
    """`KAGGLE_MCP_CACHE_DIR`, else the user cache directory: the context store and the tool catalog."""
    override = os.environ.get("KAGGLE_MCP_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    if sys.platform.startswith("linux"):
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / APP
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def default_workspace() -> Path:
    """`KAGGLE_MCP_WORKSPACE`, else `<user data dir>/kaggle-agent-mcp/workspace`."""
    override = os.environ.get("KAGGLE_MCP_WORKSPACE")
    if override:
        return Path(override).expanduser()
    if sys.platform.startswith("linux"):
        return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share").expanduser() / APP / "workspace"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "workspace"
