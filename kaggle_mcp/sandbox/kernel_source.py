"""Turns a pushed kernel's source into what the local runner executes.

Kaggle code hard-codes its container's layout (``pd.read_csv('/kaggle/input/titanic/train.csv')``,
``df.to_csv('/kaggle/working/submission.csv')``). The sandbox cannot write to ``/kaggle`` on the host,
so the runner rewrites those literal prefixes to the run's own directories before executing; together
with the ``KAGGLE_INPUT_DIR``/``KAGGLE_WORKING_DIR`` variables and the working directory as cwd (so
``../input/...`` works too), unmodified Kaggle code finds its files.

Notebooks run cell by cell in one process. IPython syntax is not Python, so magics (``%``/``!`` lines)
are rewritten into Python with the same indentation: ``%time stmt`` runs ``stmt``, display magics
vanish, shell commands and shell/HTML cell magics are skipped with a note on stderr, and
``%%writefile`` writes its file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

KAGGLE_PREFIXES = ("/kaggle/input", "/kaggle/working", "/kaggle/temp")

# Cell magics whose body is not Python: the whole cell is skipped.
_NON_PYTHON_CELL_MAGICS = {
    "bash", "sh", "script", "html", "HTML", "javascript", "js", "latex", "markdown", "svg", "perl",
    "ruby", "system", "sx",
}
# Magics that only affect display or reloading: dropped without a note.
_QUIET_LINE_MAGICS = {"matplotlib", "config", "load_ext", "reload_ext", "autoreload", "precision"}
_MAGIC_LINE = re.compile(r"^(?P<indent>[ \t]*)(?:[%!]|[A-Za-z_][\w, \t]*=[ \t]*[%!])")


@dataclass(frozen=True)
class CodeCell:
    """A runnable cell: ``index`` is its 1-based position among all cells, as a reader counts them."""

    index: int
    id: str
    source: str


class SourceError(ValueError):
    """The pushed text cannot be run at all (not a notebook, no cells...)."""


def rewrite_kaggle_paths(source: str, dirs: dict[str, Path]) -> str:
    """Replace each literal ``/kaggle/<name>`` prefix by the run's directory of that name.

    Forward slashes even on Windows: the path lands inside string literals, where a backslash
    would start an escape sequence.
    """
    for prefix in KAGGLE_PREFIXES:
        name = prefix.rsplit("/", 1)[1]
        if name in dirs:
            source = source.replace(prefix, Path(dirs[name]).as_posix())
    return source


def strip_magics(source: str) -> str:
    """Python source with IPython magics neutralised.

    ``%time stmt`` runs ``stmt``; display-only magics (``%matplotlib`` ...) become ``pass``; anything
    else (``!pip install``, ``x = !ls``, ``%%bash`` cells) is replaced by a note on stderr, so that
    a later ImportError or NameError in the log has its explanation right above it.
    """
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        head = lines[0].lstrip()[2:].split()
        magic = head[0] if head else ""
        if magic == "writefile":
            return _writefile(head, lines[1:])
        if magic in _NON_PYTHON_CELL_MAGICS:
            return _skipped("", lines[0]) + "\n"
        lines[0] = ""  # %%time, %%capture, %%timeit...: the body is Python
    out: list[str] = []
    continuing = False  # a magic line ending in a backslash continues on the next line
    quote = None  # the triple quote we are inside, if any: "%s" lines in a SQL string are not magics
    for line in lines:
        if continuing:
            out.append("")  # keeps traceback line numbers equal to the cell's
        elif quote is None and (match := _MAGIC_LINE.match(line)):
            out.append(_replacement(match.group("indent"), line.strip()))
        else:
            out.append(line)
            quote = _triple_quote_state(line, quote)
            continue
        continuing = line.rstrip().endswith("\\")
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def _triple_quote_state(line: str, quote: str | None) -> str | None:
    """Which triple-quoted string is still open after ``line`` (a cheap scan, not a tokenizer)."""
    pos = 0
    while True:
        if quote is None:
            starts = [(line.find(q, pos), q) for q in ('"""', "'''") if line.find(q, pos) >= 0]
            if not starts:
                return None
            pos, quote = min(starts)
            pos += 3
        else:
            end = line.find(quote, pos)
            if end < 0:
                return quote
            pos, quote = end + 3, None


def _replacement(indent: str, magic: str) -> str:
    name = magic[1:].split(maxsplit=1)[0] if magic.startswith("%") and len(magic) > 1 else ""
    if name == "time" and len(magic.split(maxsplit=1)) == 2:
        return indent + magic.split(maxsplit=1)[1]
    if name in _QUIET_LINE_MAGICS:
        return f"{indent}pass  # IPython magic skipped by the sandbox"
    return _skipped(indent, magic)


def _skipped(indent: str, magic: str) -> str:
    note = f"[sandbox] skipped IPython magic (not run here): {magic.strip()}\n"
    return f"{indent}__import__('sys').stderr.write({note!r})"


def _writefile(head: list[str], body: list[str]) -> str:
    """``%%writefile path`` becomes Python that writes the body, so later cells can import it."""
    args = [a for a in head[1:] if not a.startswith("-")]
    append = "-a" in head[1:] or "--append" in head[1:]
    if not args:
        return ""
    text = "\n".join(body) + "\n"
    mode = "a" if append else "w"
    return f"with open({args[0]!r}, {mode!r}, encoding='utf-8') as _f:\n    _f.write({text!r})\n"


def notebook_code_cells(text: str) -> list[CodeCell]:
    """The code cells of an ``.ipynb`` JSON text, in order, magics stripped, empty cells dropped."""
    runnable = []
    for cell in _raw_code_cells(text):
        stripped = strip_magics(cell.source)
        if stripped.strip():
            runnable.append(CodeCell(cell.index, cell.id, stripped))
    return runnable


def r_notebook_script(text: str) -> str:
    """An R notebook (``.irnb``) as one R script: its code cells joined in order."""
    parts = [f"# ---- cell {cell.index} ----\n{cell.source}" for cell in _raw_code_cells(text)]
    return "\n\n".join(parts) + "\n"


def _raw_code_cells(text: str) -> list[CodeCell]:
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"the notebook is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise SourceError("the notebook has no 'cells' list (is it an .ipynb/.irnb file?)")
    out = []
    for position, cell in enumerate(cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(map(str, source)) if isinstance(source, list) else str(source)
            out.append(CodeCell(position, str(cell.get("id", "")), source))
    return out
