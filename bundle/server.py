"""The bundle's entry point: the host runs it with uv in the bundle's project, whose one dependency is the
kaggle-agent-mcp wheel shipped inside the bundle. It serves MCP over stdio, like the bare command."""

from kaggle_mcp.cli import main

raise SystemExit(main())
