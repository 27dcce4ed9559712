"""Notebooks and scripts as compact cells: what a reader needs, none of what a renderer needs.

A Kaggle notebook is mostly not text: base64 PNGs, HTML tables, widget state and plotly JSON make
up 95-99% of a typical `.ipynb`. An agent needs the markdown (the author's reasoning), the code and
the short text results (a score, a shape, a head). So cleaning keeps exactly those:

- markdown and code cells, their `source` as list or string (nbformat 4) or `input` (nbformat 3,
  with `heading` cells turned into markdown headings);
- outputs only as short text: `stream` stdout, `execute_result`/`display_data` `text/plain` and
  errors as `Name: value`; images, HTML, JSON payloads and widget views are dropped; reprs such as
  `<Figure size 640x480 with 1 Axes>` are dropped; progress-bar carriage returns and ANSI colour
  codes are resolved; long outputs keep their first lines;
- inline base64 (`data:` URIs, long base64 runs in code) and HTML blobs in markdown are replaced by
  short placeholders; long cells keep their head and end with a marker saying how much was cut.

Input is untrusted and often damaged: malformed or truncated JSON is salvaged cell by cell (each
JSON string decoded on its own), and anything that is not a notebook is treated as a script.
Scripts are split into cells (`# %%`/`# In[ ]` markers, R Markdown chunks, else blank-line blocks)
so the same budgeting applies to both.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from .textclean import (
    ANSI,
    REPR_NOISE,
    as_text,
    cap,
    clean_code,
    clean_markdown,
    resolve_terminal,
    tidy,
    trim_marker,
)
from .tokens import estimate_tokens

__all__ = ["CleanCell", "RenderStats", "clean_notebook", "fit_cells", "render_cells"]

CellKind = Literal["markdown", "code", "output"]

CODE_MAX_LINES = 60
MARKDOWN_MAX_LINES = 40
CELL_MAX_CHARS = 4000
OUTPUT_MAX_LINES = 8
OUTPUT_MAX_CHARS = 600
SCRIPT_BLOCK_LINES = 40
OUTPUT_KEEP_CHARS = 64 * 1024  # what parsing keeps of one output's text: far more than a cell ever shows
_DROPPED = "_kmcp_dropped_lines"


@dataclass(frozen=True, slots=True)
class CleanCell:
    """One cleaned cell. `trimmed` is True when cleaning cut part of it (a marker says where)."""

    kind: CellKind
    text: str
    trimmed: bool = False


@dataclass(frozen=True, slots=True)
class RenderStats:
    """What `render_cells` showed: cells [start, end) of total; `next_start` to continue, or None."""

    total_cells: int
    start: int
    end: int
    tokens: int
    truncated: bool
    next_start: int | None


# --- notebook outputs ---------------------------------------------------------------------------


def _output_text(output: dict[str, Any]) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name", output.get("stream")) == "stderr":
            return ""  # warnings and progress noise
        return resolve_terminal(as_text(output.get("text")))
    if kind in ("error", "pyerr"):
        return f"{output.get('ename', 'Error')}: {ANSI.sub('', str(output.get('evalue', '')))}"
    if kind in ("execute_result", "display_data", "pyout"):
        data = output.get("data")
        text = as_text(data.get("text/plain")) if isinstance(data, dict) else as_text(output.get("text"))
        text = resolve_terminal(text)
        return "" if REPR_NOISE.match(text) else text
    return ""


def _clean_outputs(outputs: Any) -> list[CleanCell]:
    if not isinstance(outputs, list):
        return []
    texts = [_output_text(o) for o in outputs if isinstance(o, dict)]
    text = tidy("\n".join(t for t in texts if t.strip()))
    if not text:
        return []
    dropped = sum(o.get(_DROPPED, 0) for o in outputs if isinstance(o, dict))
    lines = text.count("\n") + 1
    text, trimmed = cap(text, OUTPUT_MAX_LINES, OUTPUT_MAX_CHARS)
    if dropped:  # parsing already cut these lines (see _shrink_output): count them in the marker
        shown = text.count("\n") + (0 if trimmed else 1)
        text = "\n".join(text.split("\n")[:shown]) + "\n" + trim_marker(lines - shown + dropped)
        trimmed = True
    return [CleanCell("output", text, trimmed)]


def _line_count(text: str) -> int:
    return text.count("\n") + (not text.endswith("\n"))


def _head(value: Any) -> tuple[Any, int]:
    """(at most OUTPUT_KEEP_CHARS of the text, how many whole lines were cut after it)."""
    text = as_text(value)
    if len(text) <= OUTPUT_KEEP_CHARS:
        return value, 0
    head = text[:OUTPUT_KEEP_CHARS]
    return head, _line_count(text) - _line_count(head)


def _shrink_output(obj: dict[str, Any]) -> dict[str, Any]:
    """`json.loads` object_hook: cut each output as soon as it is parsed.

    Outputs are 95-99% of a notebook and cleaning keeps a few lines of text from each, so holding them
    whole until then would cost the notebook's full size again (a notebook with 100 MB of output is
    real). Images, HTML and JSON payloads go at once; long text keeps its head and counts the rest.
    """
    if "output_type" not in obj:
        return obj
    dropped = 0
    data = obj.get("data")
    if isinstance(data, dict):
        obj["data"] = {}
        if "text/plain" in data:
            obj["data"]["text/plain"], dropped = _head(data["text/plain"])
    if "text" in obj:
        obj["text"], more = _head(obj["text"])
        dropped += more
    if dropped:
        obj[_DROPPED] = dropped
    return obj


# --- notebooks ----------------------------------------------------------------------------------


def _cell_from(raw: dict[str, Any]) -> list[CleanCell]:
    kind = raw.get("cell_type")
    source = as_text(raw.get("source", raw.get("input")))
    if kind == "heading":
        source = "#" * int(raw.get("level") or 1) + " " + source
        kind = "markdown"
    if kind == "markdown":
        text = clean_markdown(source)
        limit = MARKDOWN_MAX_LINES
    elif kind == "code":
        text = clean_code(source)
        limit = CODE_MAX_LINES
    else:  # raw cells are nbconvert directives, not content
        return []
    cells: list[CleanCell] = []
    if text.strip():
        text, trimmed = cap(text, limit, CELL_MAX_CHARS)
        cells.append(CleanCell(kind, text, trimmed))
    if kind == "code":
        cells.extend(_clean_outputs(raw.get("outputs")))
    return cells


def _raw_cells(nb: Any) -> list[dict[str, Any]] | None:
    if not isinstance(nb, dict):
        return None
    if isinstance(nb.get("cells"), list):
        return [c for c in nb["cells"] if isinstance(c, dict)]
    if isinstance(nb.get("worksheets"), list):  # nbformat 3
        return [
            c
            for ws in nb["worksheets"]
            if isinstance(ws, dict) and isinstance(ws.get("cells"), list)
            for c in ws["cells"]
            if isinstance(c, dict)
        ]
    return None


_CELL_TYPE = re.compile(r'"cell_type"\s*:\s*"(\w+)"')
_SOURCE_KEY = re.compile(r'"(?:source|input)"\s*:\s*')


def _salvage(text: str) -> list[dict[str, Any]]:
    """Cells recovered from broken JSON: each cell's type and source decoded where they parse."""
    decoder = json.JSONDecoder()
    found = list(_CELL_TYPE.finditer(text))
    cells = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        key = _SOURCE_KEY.search(text, match.end(), end)
        if key is None:
            continue
        try:
            source, _ = decoder.raw_decode(text, key.end())
        except ValueError:
            continue
        cells.append({"cell_type": match.group(1), "source": source})
    return cells


def clean_notebook(
    source: str | bytes | dict[str, Any], kernel_type: str = "notebook", language: str = "python"
) -> list[CleanCell]:
    """Clean a notebook (JSON text, bytes or parsed dict) or a script into compact cells.

    `kernel_type`/`language` are hints: text that parses as a notebook is cleaned as one whatever
    the hint says, and a "notebook" that is not JSON at all is split as a script.
    """
    if isinstance(source, bytes):
        source = source.decode("utf-8", errors="replace")
    parsed: Any = source
    if isinstance(source, str):
        stripped = source.lstrip()
        parsed = None
        if stripped.startswith("{"):
            try:
                parsed = json.loads(stripped, object_hook=_shrink_output)
            except (ValueError, RecursionError):  # damaged, or nested deeper than a notebook ever is
                salvaged = _salvage(stripped)
                if salvaged:
                    return [c for raw in salvaged for c in _cell_from(raw)]
        if parsed is None:
            return split_script(source, language)
    raw_cells = _raw_cells(parsed)
    if raw_cells is None:
        return split_script(json.dumps(parsed, ensure_ascii=False), language)
    return [c for raw in raw_cells for c in _cell_from(raw)]


# --- scripts ------------------------------------------------------------------------------------

_CELL_MARKER = re.compile(r"^(# ?%%.*|# In\[[ \d]*\]:?\s*)$", re.M)
_RMD_CHUNK = re.compile(r"^```\{[^}]*\}\s*\n(.*?)^```\s*$", re.S | re.M)


def _code_cells(text: str) -> list[CleanCell]:
    text = clean_code(text)
    if not text.strip():
        return []
    text, trimmed = cap(text, CODE_MAX_LINES, CELL_MAX_CHARS)
    return [CleanCell("code", text, trimmed)]


def _blocks(text: str) -> list[str]:
    """Blank-line separated blocks, merged up to SCRIPT_BLOCK_LINES so cells stay meaningful."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        starts_top_level = line[:1] not in ("", " ", "\t", ")", "]", "}")
        if current and starts_top_level and len(current) >= SCRIPT_BLOCK_LINES // 2:
            if not current[-1].strip():
                blocks.append("\n".join(current))
                current = []
        current.append(line)
        if len(current) >= SCRIPT_BLOCK_LINES * 2:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def split_script(text: str, language: str = "python") -> list[CleanCell]:
    """A script as cells: cell markers if it has them, R Markdown chunks, else line blocks."""
    if language.lower() == "rmarkdown" or _RMD_CHUNK.search(text):
        cells: list[CleanCell] = []
        pos = 0
        for chunk in _RMD_CHUNK.finditer(text):
            prose = clean_markdown(text[pos : chunk.start()])
            if prose.strip():
                prose, trimmed = cap(prose, MARKDOWN_MAX_LINES, CELL_MAX_CHARS)
                cells.append(CleanCell("markdown", prose, trimmed))
            cells.extend(_code_cells(chunk.group(1)))
            pos = chunk.end()
        tail = clean_markdown(text[pos:])
        if tail.strip():
            cells.append(CleanCell("markdown", cap(tail, MARKDOWN_MAX_LINES, CELL_MAX_CHARS)[0]))
        return cells
    parts = _CELL_MARKER.split(text) if _CELL_MARKER.search(text) else _blocks(text)
    return [
        c
        for part in parts
        if part and not _CELL_MARKER.fullmatch(part)
        for c in _code_cells(part)
    ]


# --- budgeted rendering -------------------------------------------------------------------------

CELL_OVERHEAD_TOKENS = 4  # fences or a TOON row prefix


def cell_tokens(cell: CleanCell) -> int:
    return estimate_tokens(cell.text) + CELL_OVERHEAD_TOKENS


def _shrink(cell: CleanCell, max_tokens: int) -> CleanCell | None:
    """The head of one cell that fits `max_tokens`, or None if not even a line fits."""
    lines = cell.text.split("\n")
    lo, hi = 0, len(lines)
    while lo < hi:  # largest prefix that fits, with its marker
        mid = (lo + hi + 1) // 2
        candidate = "\n".join(lines[:mid] + [trim_marker(len(lines) - mid)])
        if estimate_tokens(candidate) + CELL_OVERHEAD_TOKENS <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        return None
    return CleanCell(cell.kind, "\n".join(lines[:lo] + [trim_marker(len(lines) - lo)]), True)


def fit_cells(cells: list[CleanCell], max_tokens: int, start: int = 0) -> tuple[list[CleanCell], int]:
    """The longest run of cells from `start` within `max_tokens` (the tail is what gets cut).

    Returns (cells, next_index). If the first cell alone is too big, its head is kept, trimmed,
    so every call makes progress.
    """
    kept: list[CleanCell] = []
    used = 0
    index = start
    while index < len(cells):
        cost = cell_tokens(cells[index])
        if used + cost > max_tokens:
            if not kept:
                head = _shrink(cells[index], max_tokens - used)
                if head is not None:
                    kept.append(head)
                    index += 1
            break
        kept.append(cells[index])
        used += cost
        index += 1
    return kept, index


def _render_one(cell: CleanCell, language: str) -> str:
    if cell.kind == "markdown":
        return cell.text
    fence = language.lower() if cell.kind == "code" else "output"
    return f"```{fence}\n{cell.text}\n```"


def render_cells(
    cells: list[CleanCell], max_tokens: int, *, start: int = 0, language: str = "python"
) -> tuple[str, RenderStats]:
    """Cells as markdown (code fenced, outputs in ```output fences) within `max_tokens`.

    When not everything fits, the text ends with a line saying how many cells were left out and
    `stats.next_start` is the index to pass as `start` for the next part.
    """
    start = max(0, min(start, len(cells)))
    reserve = 20  # the continuation line
    kept, end = fit_cells(cells, max(1, max_tokens - reserve), start)
    parts = [_render_one(c, language) for c in kept]
    truncated = end < len(cells)
    if truncated:
        parts.append(f"[… {len(cells) - end} more cells not shown; continue from cell {end}]")
    text = "\n\n".join(parts)
    stats = RenderStats(
        total_cells=len(cells),
        start=start,
        end=end,
        tokens=estimate_tokens(text),
        truncated=truncated or any(c.trimmed for c in kept),
        next_start=end if truncated else None,
    )
    return text, stats
