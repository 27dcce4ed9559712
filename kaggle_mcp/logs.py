"""Where log lines go and what they look like: stderr always (stdout belongs to the stdio protocol), as text,
or with `KAGGLE_MCP_LOG_FORMAT=json` one JSON object per line (python-json-logger) for a log pipeline.

Every line carries the id of the HTTP request it was written for (`request_id`, set by the HTTP app for the
length of a request and of each tool call it runs), so the lines of one request can be found among those
of a hundred concurrent ones. Nothing here adds a credential: log calls name sources, never secrets.
"""

from __future__ import annotations

import logging
import os
import sys
from contextvars import ContextVar

__all__ = ["REQUEST_ID", "configure_logging"]

REQUEST_ID: ContextVar[str | None] = ContextVar("kaggle_mcp_request_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _RequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def configure_logging(level: str | None = None, log_format: str | None = None) -> None:
    """The root logger to stderr at `level` (default KAGGLE_MCP_LOG_LEVEL, else WARNING), as text or JSON
    (default KAGGLE_MCP_LOG_FORMAT)."""
    level = (level or os.environ.get("KAGGLE_MCP_LOG_LEVEL") or "WARNING").upper()
    log_format = (log_format or os.environ.get("KAGGLE_MCP_LOG_FORMAT") or "text").lower()
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RequestId())
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                                           rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[handler], force=True)
