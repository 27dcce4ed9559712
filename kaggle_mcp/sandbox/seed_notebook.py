"""Builds seeded notebooks cell by cell, with the metadata, outputs and session log of their last run.

A notebook saved by a Kaggle run carries papermill timings, cell ids, execution counts and outputs;
its session log holds what the cells printed, stamped with run time. Building both from the same calls
keeps them consistent (the log says what the outputs show), which is what a reader of both expects.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from kaggle_mcp.sandbox import seed_media as media

_PY_META = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                      "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                      "pygments_lexer": "ipython3", "version": "3.10.13"},
}
_R_META = {
    "kernelspec": {"display_name": "R", "language": "R", "name": "ir"},
    "language_info": {"codemirror_mode": "r", "file_extension": ".r", "mimetype": "text/x-r-source",
                      "name": "R", "pygments_lexer": "r", "version": "4.0.5"},
}
_KAGGLE_STDERR_PRELUDE = [
    "/usr/local/lib/python3.10/dist-packages/traitlets/traitlets.py:2930: FutureWarning: --Exporter.preprocessors"
    "=[\"remove_papermill_header.RemovePapermillHeader\"] for containers is deprecated in traitlets 5.0. "
    "You can pass `--Exporter.preprocessors item` ... multiple times to add items to a list.\n",
]
_KAGGLE_STDERR_EPILOGUE = [
    "[NbConvertApp] Converting notebook __notebook__.ipynb to notebook\n",
    "[NbConvertApp] Writing {size} bytes to __notebook__.ipynb\n",
    "[NbConvertApp] Converting notebook __notebook__.ipynb to html\n",
    "[NbConvertApp] Writing {html} bytes to __results__.html\n",
]


def log_json(entries: list[dict]) -> str:
    """Kaggle's session-log serialization (same as the runner's): objects joined by newline-comma."""
    body = "\n,".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entries)
    return f"[{body}]"


class SessionLog:
    """Accumulates log entries while time advances through a simulated run."""

    def __init__(self, rng: random.Random, start_s: float = 0.0):
        self.rng = rng
        self.clock = start_s
        self.entries: list[dict] = []

    def tick(self, seconds: float) -> None:
        self.clock += seconds

    def write(self, stream: str, text: str) -> None:
        for line in text.splitlines(keepends=True):
            self.clock += self.rng.uniform(0.0001, 0.003)
            self.entries.append({"stream_name": stream, "time": round(self.clock, 6), "data": line})

    def json(self) -> str:
        return log_json(self.entries)


class NotebookBuilder:
    """Append cells with :meth:`md` and :meth:`code`; :meth:`build` returns the .ipynb text.

    Two on-disk styles exist on Kaggle and readers must handle both: the papermill style (one-space
    indent, multi-line strings as lists of lines, papermill timings) and the newer compact style
    (no indent, metadata first, plain strings, ``trusted`` and iopub ``execution`` timestamps).
    ``kaggle`` is the notebook-level ``metadata.kaggle`` block (data sources, accelerator).
    """

    def __init__(self, rng: random.Random, finished: datetime, language: str = "python",
                 kaggle_ids: bool = True, compact: bool = False, kaggle: dict | None = None):
        self.rng = rng
        self.language = language
        self.finished = finished
        self.kaggle_ids = kaggle_ids
        self.compact = compact
        self.kaggle = kaggle
        self.cells: list[dict] = []
        self.count = 0
        self.widget_states: dict[str, dict] = {}
        self.log = SessionLog(rng, start_s=rng.uniform(2.5, 9.0))
        if language == "python":
            for line in _KAGGLE_STDERR_PRELUDE:
                self.log.write("stderr", line)
        self._timeline: list[tuple[dict, float, float]] = []  # (cell metadata, start offset, duration)

    # --- cells --------------------------------------------------------------------------------
    def md(self, text: str) -> None:
        meta = {} if self.compact else self._meta(0.02)
        self.cells.append({"cell_type": "markdown", "id": self._id(), "metadata": meta,
                           "source": _lines(text.strip("\n"))})

    def code(self, source: str, *outputs: dict, seconds: float | None = None) -> None:
        self.count += 1
        duration = seconds if seconds is not None else self.rng.uniform(0.01, 1.5)
        started = self.log.clock
        cell_outputs = []
        for out in outputs:
            out = dict(out)
            if out["output_type"] == "execute_result":
                out["execution_count"] = self.count
            if out["output_type"] == "stream":
                self.log.write(out["name"], out["text"])
                out["text"] = _lines(out["text"])
            cell_outputs.append(out)
        self.log.tick(duration)
        meta = {"trusted": True} if self.compact else self._meta(duration)
        if self.kaggle_ids and not self.cells:
            meta.update(_cell_guid=self._uuid(), _uuid=self._uuid())
        self._timeline.append((meta, started, duration))
        self.cells.append({"cell_type": "code", "execution_count": self.count, "id": self._id(),
                           "metadata": meta, "outputs": cell_outputs, "source": _lines(source.strip("\n"))})

    # --- outputs ------------------------------------------------------------------------------
    @staticmethod
    def stream(text: str, name: str = "stdout") -> dict:
        return {"name": name, "output_type": "stream", "text": text}

    @staticmethod
    def result(plain: str, html: str | None = None, **extra: str) -> dict:
        data = {"text/plain": _lines(plain)}
        if html is not None:
            data["text/html"] = _lines(html)
        data.update({mime: _lines(value) for mime, value in extra.items()})
        return {"data": data, "execution_count": None, "metadata": {}, "output_type": "execute_result"}

    @staticmethod
    def image(png: bytes, plain: str = "<Figure size 1000x600 with 1 Axes>") -> dict:
        return {"data": {"image/png": media.b64(png), "text/plain": _lines(plain)},
                "metadata": {}, "output_type": "display_data"}

    @staticmethod
    def display(**mimes: str) -> dict:
        """``display_data`` with the given mime bundle (keys use ``_`` for ``/``: text_html=...)."""
        return {"data": {k.replace("_", "/", 1): _lines(v) for k, v in mimes.items()},
                "metadata": {}, "output_type": "display_data"}

    @staticmethod
    def plotly(figure: dict, div_id: str) -> dict:
        """A plotly figure as notebooks save it: the JSON spec plus the HTML/JS that renders it."""
        html = (f'<div>                            <div id="{div_id}" class="plotly-graph-div" '
                'style="height:525px; width:100%;"></div>            <script type="text/javascript">'
                '                require(["plotly"], function(Plotly) {                    window.PLOTLYENV=window.'
                f'PLOTLYENV || {{}};                                    if (document.getElementById("{div_id}")) '
                f'{{                    Plotly.newPlot(                        "{div_id}",                        '
                f'{json.dumps(figure["data"])},                        {json.dumps(figure["layout"])},'
                '                        {"responsive": true}                    )                };'
                '                            })                };                            </script>        </div>')
        return {"data": {"application/vnd.plotly.v1+json": {"config": {"plotlyServerURL": "https://plot.ly"},
                                                             **figure},
                         "text/html": _lines(html)}, "metadata": {}, "output_type": "display_data"}

    def progress(self, total: int, label: str) -> dict:
        """A tqdm.notebook bar: a widget view output plus its saved state in the notebook metadata."""
        model_id = media.widget_id(self.rng)
        self.widget_states.update(media.progress_widget_state(self.rng, model_id, total, label))
        return {"data": {"application/vnd.jupyter.widget-view+json":
                         {"model_id": model_id, "version_major": 2, "version_minor": 0},
                         "text/plain": f"{label}:   0%|          | 0/{total} [00:00<?, ?it/s]"},
                "metadata": {}, "output_type": "display_data"}

    # --- result -------------------------------------------------------------------------------
    def build(self) -> str:
        """The notebook JSON, with run timings derived from the simulated clock."""
        total = self.log.clock
        started = self.finished - timedelta(seconds=total)
        metadata = dict(_PY_META if self.language == "python" else _R_META)
        if self.kaggle is not None:
            metadata["kaggle"] = self.kaggle
        if self.language == "python" and not self.compact:
            metadata["papermill"] = {
                "default_parameters": {}, "duration": round(total, 6), "end_time": _iso(self.finished),
                "environment_variables": {}, "exception": None, "input_path": "__notebook__.ipynb",
                "output_path": "__notebook__.ipynb", "parameters": {}, "start_time": _iso(started),
                "version": "2.5.0",
            }
        if self.widget_states:
            metadata["widgets"] = media.widget_metadata(self.widget_states)
        if self.compact:
            text = self._compact_json(metadata, started)
        else:
            text = json.dumps({"cells": self.cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 4},
                              indent=1, ensure_ascii=False)
        if self.language == "python":
            html = len(text) // 3 + self.rng.randint(250_000, 300_000)
            for line in _KAGGLE_STDERR_EPILOGUE:
                self.log.write("stderr", line.format(size=len(text), html=html))
        return text

    def _compact_json(self, metadata: dict, started: datetime) -> str:
        for meta, offset, duration in self._timeline:
            begin = started + timedelta(seconds=offset)
            end = begin + timedelta(seconds=duration)
            meta["execution"] = {
                "iopub.status.busy": _iso(begin) + "Z", "iopub.execute_input": _iso(begin + _MS) + "Z",
                "iopub.status.idle": _iso(end) + "Z", "shell.execute_reply.started": _iso(begin + _MS) + "Z",
                "shell.execute_reply": _iso(end - _MS) + "Z"}
        cells = [{"cell_type": c["cell_type"], "source": "".join(c["source"]), "metadata": c["metadata"],
                  **({"outputs": [_joined(o) for o in c["outputs"]], "execution_count": c["execution_count"]}
                     if c["cell_type"] == "code" else {})} for c in self.cells]
        notebook = {"metadata": metadata, "nbformat_minor": 4, "nbformat": 4, "cells": cells}
        return json.dumps(notebook, ensure_ascii=False, separators=(",", ":"))

    # --- helpers ------------------------------------------------------------------------------
    def _id(self) -> str:
        return self.rng.randbytes(4).hex()

    def _uuid(self) -> str:
        h = self.rng.randbytes(16).hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _meta(self, duration: float) -> dict:
        if self.language != "python":
            return {}
        return {"papermill": {"duration": round(duration, 6), "exception": False, "status": "completed"},
                "tags": []}


_MS = timedelta(milliseconds=1)


def kaggle_metadata(rng: random.Random, competition: str | None = None, datasets: tuple[str, ...] = (),
                    gpu: bool = False) -> dict:
    """``metadata.kaggle`` as Kaggle writes it: where the inputs came from and what machine ran it."""
    sources = [{"sourceId": rng.randint(3000, 90000), "databundleVersionId": rng.randint(20000, 9000000),
                "sourceType": "competition"}] if competition else []
    sources += [{"sourceId": rng.randint(100000, 9000000), "sourceType": "datasetVersion",
                 "datasetId": rng.randint(10000, 5000000)} for _ in datasets]
    return {"accelerator": "nvidiaTeslaT4" if gpu else "none", "dataSources": sources,
            "dockerImageVersionId": rng.randint(30400, 31200), "isGpuEnabled": gpu, "isInternetEnabled": not gpu,
            "language": "python", "sourceType": "notebook"}


def _joined(output: dict) -> dict:
    """Compact style: multi-line strings as one string (JSON mime bundles stay objects)."""
    out = dict(output)
    if isinstance(out.get("text"), list):
        out["text"] = "".join(out["text"])
    if "data" in out:
        out["data"] = {k: "".join(v) if isinstance(v, list) else v for k, v in out["data"].items()}
    return out


def script_log(rng: random.Random, stdout: str, stderr: str = "") -> str:
    """The session log of a script run: its stderr warnings first, then what it printed."""
    log = SessionLog(rng, start_s=rng.uniform(1.0, 4.0))
    if stderr:
        log.write("stderr", stderr)
    for line in stdout.splitlines(keepends=True):
        log.tick(rng.expovariate(4.0))
        log.write("stdout", line)
    return log.json()


def _lines(text: str) -> list[str]:
    """nbformat's multiline-string form: a list of lines, each keeping its newline."""
    return text.splitlines(keepends=True)


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
