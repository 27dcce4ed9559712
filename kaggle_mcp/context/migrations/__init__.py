"""Versioned SQL migrations of the context store, one directory per database.

A file is `NNNN_what_it_does.sql`; its number is its version. Files are never edited once released:
a change is a new file. SQLite records the applied version in `PRAGMA user_version`, PostgreSQL in
the table `kaggle_mcp_schema_migrations` (see each store for how concurrent starts are serialised).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

__all__ = ["Migration", "migrations"]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(dialect: str) -> list[Migration]:
    """The migrations of `dialect` ("sqlite" or "postgres"), in order."""
    found = []
    for entry in resources.files(__name__).joinpath(dialect).iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"{dialect} migrations are not numbered 1..n: {[m.version for m in found]}")
    return found
