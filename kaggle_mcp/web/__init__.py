"""The HTTP face of the server: one Starlette app for MCP (streamable HTTP and SSE) and the REST API."""

from kaggle_mcp.web.app import build_app

__all__ = ["build_app"]
