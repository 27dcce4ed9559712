"""Rich-output material for seeded notebooks: real PNG charts, pandas-style HTML tables, widget state.

Seeded notebooks must look like what Kaggle serves (base64 PNGs, HTML dataframes, ipywidgets state)
so the notebook cleaner and token budgets meet the same blobs they meet in production. Everything is
drawn here with zlib/struct from a seeded ``random.Random``: no third-party files, same bytes per seed.
"""

from __future__ import annotations

import base64
import random
import struct
import zlib
from collections.abc import Sequence

Color = tuple[int, int, int]
PALETTE: list[Color] = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]
_WHITE: Color = (255, 255, 255)
_AXIS: Color = (60, 60, 60)


def png_bytes(width: int, height: int, rgb: bytes | bytearray, level: int = 6) -> bytes:
    """Encode 8-bit RGB pixels as a PNG (one filter byte per scanline, as the format requires)."""
    stride = width * 3
    raw = b"".join(b"\x00" + bytes(rgb[y * stride:(y + 1) * stride]) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, level)) + chunk(b"IEND", b""))


class Canvas:
    """A tiny raster to draw matplotlib-looking charts without matplotlib."""

    def __init__(self, width: int, height: int, background: Color = _WHITE):
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(background) * (width * height))

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: Color) -> None:
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        row = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            start = (y * self.width + x0) * 3
            self.pixels[start:start + len(row)] = row

    def axes(self, margin: int = 24) -> tuple[int, int, int, int]:
        """Draw the left and bottom spines; return the plotting box (x0, y0, x1, y1)."""
        box = (margin, 8, self.width - 8, self.height - margin)
        self.rect(box[0] - 1, box[1], box[0], box[3], _AXIS)
        self.rect(box[0], box[3], box[2], box[3] + 1, _AXIS)
        return box

    def png(self, level: int = 6) -> bytes:
        return png_bytes(self.width, self.height, self.pixels, level)


def bar_chart(values: Sequence[float], width: int = 360, height: int = 240, stacked: int = 1) -> bytes:
    """Bars (optionally in ``stacked`` colour groups), like ``sns.countplot`` / ``df.plot.bar``."""
    canvas = Canvas(width, height)
    x0, y0, x1, y1 = canvas.axes()
    top = max(values) or 1.0
    slot = (x1 - x0) / max(1, len(values))
    for i, value in enumerate(values):
        bar_h = int((y1 - y0) * value / top)
        left = int(x0 + i * slot + slot * 0.15)
        canvas.rect(left, y1 - bar_h, int(left + slot * 0.7), y1, PALETTE[(i // stacked) % len(PALETTE)])
    return canvas.png()


def histogram(rng: random.Random, mean: float, sd: float, bins: int = 30, n: int = 800) -> bytes:
    """A histogram of a normal sample (ages, fares, log-prices...)."""
    sample = [rng.gauss(mean, sd) for _ in range(n)]
    lo, hi = min(sample), max(sample)
    counts = [0] * bins
    for value in sample:
        counts[min(bins - 1, int((value - lo) / (hi - lo + 1e-9) * bins))] += 1
    return bar_chart(counts, 400, 260)


def scatter(rng: random.Random, n: int = 300, width: int = 360, height: int = 260) -> bytes:
    """A correlated scatter plot (e.g. GrLivArea vs SalePrice)."""
    canvas = Canvas(width, height)
    x0, y0, x1, y1 = canvas.axes()
    for _ in range(n):
        u = rng.random()
        v = min(1.0, max(0.0, 0.8 * u + rng.gauss(0, 0.1)))
        px, py = int(x0 + u * (x1 - x0 - 4)), int(y1 - v * (y1 - y0 - 4))
        canvas.rect(px, py - 3, px + 3, py, PALETTE[0])
    return canvas.png()


def line_chart(series: Sequence[Sequence[float]], width: int = 480, height: int = 220) -> bytes:
    """Time series lines (sales per day, loss curves)."""
    canvas = Canvas(width, height)
    x0, y0, x1, y1 = canvas.axes()
    flat = [v for s in series for v in s]
    lo, hi = min(flat), max(flat)
    for k, values in enumerate(series):
        for i, value in enumerate(values):
            px = int(x0 + i * (x1 - x0 - 2) / max(1, len(values) - 1))
            py = int(y1 - (value - lo) / (hi - lo + 1e-9) * (y1 - y0 - 2))
            canvas.rect(px, py - 1, px + 2, py + 1, PALETTE[k % len(PALETTE)])
    return canvas.png()


def heatmap(rng: random.Random, cells: int = 10, size: int = 300) -> bytes:
    """A correlation-matrix heatmap (``sns.heatmap(df.corr())``)."""
    canvas = Canvas(size, size)
    step = size // cells
    for i in range(cells):
        for j in range(cells):
            c = 1.0 if i == j else abs(rng.gauss(0, 0.35))
            shade = (int(255 - 200 * min(c, 1)), int(255 - 120 * min(c, 1)), 255)
            canvas.rect(i * step, j * step, (i + 1) * step - 1, (j + 1) * step - 1, shade)
    return canvas.png()


def photo(rng: random.Random, width: int, height: int) -> bytes:
    """A noisy photo-like image: PNG cannot compress it, which is how real notebooks pass 1 MB."""
    noise = bytearray(rng.randbytes(width * height * 3))
    tint = rng.choice(PALETTE)
    noise[0::3] = bytes(noise[0::3]).translate(bytes((b + tint[0]) // 2 for b in range(256)))
    return png_bytes(width, height, noise, level=1)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- pandas-like tables -----------------------------------------------------------------------
_DF_STYLE = (
    "<style scoped>\n    .dataframe tbody tr th:only-of-type {\n        vertical-align: middle;\n    }\n\n"
    "    .dataframe tbody tr th {\n        vertical-align: top;\n    }\n\n"
    "    .dataframe thead th {\n        text-align: right;\n    }\n</style>\n"
)


def dataframe_html(columns: Sequence[str], rows: Sequence[Sequence[object]], shape: tuple[int, int] | None = None,
                   index: Sequence[object] | None = None) -> str:
    """The HTML pandas writes for ``df.head()`` in a notebook (execute_result ``text/html``)."""
    index = list(index) if index is not None else list(range(len(rows)))
    head = "".join(f"      <th>{c}</th>\n" for c in columns)
    body = "".join(
        "    <tr>\n      <th>{}</th>\n{}    </tr>\n".format(idx, "".join(f"      <td>{_cell(v)}</td>\n" for v in row))
        for idx, row in zip(index, rows)
    )
    footer = f"<p>{shape[0]} rows × {shape[1]} columns</p>\n" if shape else ""
    return (f"<div>\n{_DF_STYLE}<table border=\"1\" class=\"dataframe\">\n  <thead>\n"
            f"    <tr style=\"text-align: right;\">\n      <th></th>\n{head}    </tr>\n  </thead>\n"
            f"  <tbody>\n{body}  </tbody>\n</table>\n{footer}</div>")


def dataframe_text(columns: Sequence[str], rows: Sequence[Sequence[object]], index: Sequence[object] | None = None) -> str:
    """The ``text/plain`` twin of :func:`dataframe_html` (right-aligned columns)."""
    index = [str(i) for i in (index if index is not None else range(len(rows)))]
    table = [[""] + list(columns)] + [[i] + [_cell(v) for v in row] for i, row in zip(index, rows)]
    widths = [max(len(str(r[k])) for r in table) for k in range(len(table[0]))]
    return "\n".join("  ".join(str(v).rjust(w) for v, w in zip(r, widths)).rstrip() for r in table)


def _cell(value: object) -> str:
    if value is None:
        return "NaN"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


# --- ipywidgets (tqdm.notebook progress bars) --------------------------------------------------
def widget_id(rng: random.Random) -> str:
    return rng.randbytes(16).hex()


def progress_widget_state(rng: random.Random, model_id: str, total: int, label: str) -> dict[str, dict]:
    """The widget-state entries Jupyter saves for one ``tqdm.notebook`` bar (HBox of 3 children)."""
    ids = [widget_id(rng) for _ in range(7)]
    layout = {"model_module": "@jupyter-widgets/base", "model_module_version": "1.2.0",
              "model_name": "LayoutModel", "state": {"_model_module": "@jupyter-widgets/base",
                                                     "_view_name": "LayoutView", "width": None}}
    style = {"model_module": "@jupyter-widgets/controls", "model_module_version": "1.5.0",
             "model_name": "DescriptionStyleModel", "state": {"description_width": ""}}

    def control(name: str, state: dict) -> dict:
        return {"model_module": "@jupyter-widgets/controls", "model_module_version": "1.5.0",
                "model_name": name, "state": {"_view_name": name.replace("Model", "View"), **state}}

    return {
        model_id: control("HBoxModel", {"children": [f"IPY_MODEL_{ids[0]}", f"IPY_MODEL_{ids[1]}",
                                                     f"IPY_MODEL_{ids[2]}"], "layout": f"IPY_MODEL_{ids[3]}"}),
        ids[0]: control("HTMLModel", {"value": label, "layout": f"IPY_MODEL_{ids[4]}", "style": f"IPY_MODEL_{ids[5]}"}),
        ids[1]: control("FloatProgressModel", {"bar_style": "success", "max": total, "value": total,
                                               "layout": f"IPY_MODEL_{ids[6]}"}),
        ids[2]: control("HTMLModel", {"value": f" {total}/{total} [00:{rng.randint(10, 59)}&lt;00:00, "
                                               f"{rng.uniform(1, 9):.2f}it/s]"}),
        ids[3]: layout, ids[4]: layout, ids[5]: style, ids[6]: layout,
    }


def widget_metadata(states: dict[str, dict]) -> dict:
    """Notebook-level ``metadata.widgets`` in the form Jupyter writes (state + version)."""
    return {"application/vnd.jupyter.widget-state+json": {"state": states, "version_major": 2, "version_minor": 0}}
