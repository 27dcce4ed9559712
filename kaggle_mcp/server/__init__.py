"""The MCP adapter: tools, resources and a prompt over the Kaggle client and the context engine."""

from kaggle_mcp.server.app import build_server
from kaggle_mcp.server.settings import ServerSettings

__all__ = ["ServerSettings", "build_server"]
