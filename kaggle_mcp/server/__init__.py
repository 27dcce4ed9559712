"""The MCP adapter: tools, resources and a prompt, each a thin caller of one workflow."""

from kaggle_mcp.server.app import build_server

__all__ = ["build_server"]
