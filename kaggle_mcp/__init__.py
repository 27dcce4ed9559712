"""kaggle-agent-mcp: Kaggle for LLM agents over the Model Context Protocol."""

from __future__ import annotations

DISTRIBUTION = "kaggle-agent-mcp"


def __getattr__(name: str) -> str:
    """`__version__` is read from the installed package's metadata, so pyproject.toml is its one source.

    Looked up on first use rather than at import: importing `importlib.metadata` costs ~40 ms, which
    the sandbox's kernel runner and other light imports of this package should not pay."""
    if name == "__version__":
        from importlib.metadata import version

        value = version(DISTRIBUTION)
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
