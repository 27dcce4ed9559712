"""What a user does with Kaggle, free of MCP: run notebooks and read their output, submit, publish,
download, read notebooks, build contexts.

Each workflow is a plain async function over an `Account` (whose client, workspace and settings one
request acts as) with typed arguments and a typed result. A request it cannot carry out raises
`WorkflowError`, which carries the next step for the agent; the client's own `KaggleError`s pass
through. The MCP adapter (`kaggle_mcp.server`), the REST API and the CLI are thin callers that render
the results their own way and map both error families in one place.
"""
