"""The seeded notebooks and scripts have the variety the issue asks for, and are well formed.

Readers of these (the notebook cleaner, the context engine, the official CLI's pull/output) must meet
Kaggle's real shapes, so the checks decode what is there: PNG bytes, widget state, logs, CSV headers.
"""

from __future__ import annotations

import base64
import json
import random
import struct
import zlib
from datetime import datetime, timedelta, timezone

import pytest

from kaggle_mcp.sandbox.notebooks_seed import SeedKernel, seed_kernels

COMPETITIONS = {"titanic", "retail-demand-forecast", "ai-math-olympiad-sandbox", "house-prices-2019"}
SUBMISSION_HEADERS = {
    "titanic": "PassengerId,Survived",
    "retail-demand-forecast": "id,unit_sales",
    "ai-math-olympiad-sandbox": "id,answer",
    "house-prices-2019": "Id,SalePrice",
}


@pytest.fixture(scope="module")
def kernels() -> list[SeedKernel]:
    return seed_kernels(random.Random(0))


def notebooks(kernels):
    return [(k, json.loads(k.source)) for k in kernels if k.kernel_type == "notebook"]


def outputs(nb: dict):
    for cell in nb["cells"]:
        yield from cell.get("outputs", [])


def text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def test_counts_owners_and_coverage(kernels):
    assert len(kernels) >= 15
    refs = [f"{k.owner}/{k.slug}" for k in kernels]
    assert len(set(refs)) == len(refs)
    assert {"alice", "bob", "carol", "dmitri", "sandbox-user"} <= {k.owner for k in kernels}
    assert {k.competition for k in kernels if k.competition} == COMPETITIONS
    assert any(k.competition is None and k.dataset_sources for k in kernels)
    assert any("alice/titanic-extra-features" in k.dataset_sources for k in kernels)
    kinds = {(k.kernel_type, k.language) for k in kernels}
    assert {("notebook", "python"), ("script", "python"), ("notebook", "r"), ("script", "r")} <= kinds
    assert sum(k.kernel_type == "notebook" for k in kernels) >= 8
    assert any(k.enable_gpu for k in kernels) and not all(k.enable_gpu for k in kernels)
    for k in kernels:  # the official CLI refuses shorter slugs and titles
        assert len(k.slug) >= 5 and len(k.title) >= 5
        assert k.slug == k.slug.lower() and " " not in k.slug


def test_votes_dates_and_scores_vary(kernels):
    votes = sorted(k.total_votes for k in kernels)
    assert votes[0] < 20 and votes[-1] > 1000 and len(set(votes)) == len(votes)
    times = [k.last_run_time for k in kernels]
    assert all(t.tzinfo is not None for t in times)
    assert max(times) <= datetime.now(timezone.utc)
    assert timedelta(days=365) <= max(times) - min(times) <= timedelta(days=731)
    scored = [k for k in kernels if k.score is not None]
    assert 5 <= len(scored) < len(kernels)


def test_notebooks_are_valid_nbformat_with_markdown_and_code(kernels):
    for k, nb in notebooks(kernels):
        assert nb["nbformat"] == 4 and isinstance(nb["metadata"]["kernelspec"], dict)
        kinds = [c["cell_type"] for c in nb["cells"]]
        assert "markdown" in kinds and "code" in kinds, k.slug
        ids = [c["id"] for c in nb["cells"] if "id" in c]
        assert len(set(ids)) == len(ids)
        for cell in nb["cells"]:
            assert isinstance(cell["source"], (list, str))
            if cell["cell_type"] == "code":
                assert isinstance(cell["execution_count"], int)
                for out in cell["outputs"]:
                    assert out["output_type"] in ("stream", "execute_result", "display_data", "error")


def test_both_saved_styles_and_kaggle_metadata(kernels):
    """Papermill style (indented, lists of lines) and the newer compact style (one line, strings)."""
    styles = {"compact" if not k.source.startswith("{\n") else "papermill" for k in kernels if k.kernel_type == "notebook"}
    assert styles == {"compact", "papermill"}
    compact = [nb for k, nb in notebooks(kernels) if not k.source.startswith("{\n")]
    assert all(isinstance(c["source"], str) and "execution" in c["metadata"]
               for nb in compact for c in nb["cells"] if c["cell_type"] == "code")
    with_meta = [(k, nb["metadata"]["kaggle"]) for k, nb in notebooks(kernels) if "kaggle" in nb["metadata"]]
    assert len(with_meta) >= 5
    for k, meta in with_meta:
        assert meta["isGpuEnabled"] == k.enable_gpu
        kinds = [s["sourceType"] for s in meta["dataSources"]]
        assert kinds.count("competition") == (1 if k.competition else 0)
        assert kinds.count("datasetVersion") == len(k.dataset_sources)


def _check_png(data: bytes) -> tuple[int, int]:
    """Decode a PNG enough to prove it is real: signature, chunk CRCs, inflatable pixel data."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(tag + body) == crc
        if tag == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = size
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)
    return size


def test_rich_outputs_images_html_widgets_long_text(kernels):
    images = html_tables = 0
    longest = 0
    widget_notebooks = 0
    for _k, nb in notebooks(kernels):
        views = set()
        for out in outputs(nb):
            data = out.get("data", {})
            if "image/png" in data:
                _check_png(base64.b64decode(data["image/png"]))
                images += 1
            if "<table" in text(data.get("text/html", "")):
                html_tables += 1
            if "application/vnd.jupyter.widget-view+json" in data:
                views.add(data["application/vnd.jupyter.widget-view+json"]["model_id"])
            if out["output_type"] == "stream":
                longest = max(longest, len(text(out["text"]).splitlines()))
        if views:
            state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
            assert views <= set(state)
            assert all(state[v]["model_name"] == "HBoxModel" for v in views)
            widget_notebooks += 1
    assert images >= 10 and html_tables >= 5 and widget_notebooks >= 2
    plotly = [o for _k, nb in notebooks(kernels) for o in outputs(nb) if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert plotly and all("<script" in text(o["data"]["text/html"]) for o in plotly)
    assert longest >= 2000


def test_one_notebook_over_a_megabyte_and_r_flavours(kernels):
    assert any(len(k.source.encode()) > 1_000_000 for k in kernels if k.kernel_type == "notebook")
    r_notebook = next(k for k in kernels if k.language == "r" and k.kernel_type == "notebook")
    meta = json.loads(r_notebook.source)["metadata"]
    assert meta["kernelspec"]["name"] == "ir" and meta["kernelspec"]["language"] == "R"
    r_script = next(k for k in kernels if k.language == "r" and k.kernel_type == "script")
    assert "library(" in r_script.source and not r_script.source.lstrip().startswith("{")


def test_titanic_notebooks_read_kaggle_paths(kernels):
    titanic = [k for k in kernels if k.competition == "titanic" and k.language == "python"]
    assert len(titanic) >= 5
    assert all("/input/titanic" in k.source for k in titanic)
    assert any("pd.read_csv(" in k.source for k in titanic)


def test_outputs_and_logs_of_the_last_run(kernels):
    for k in kernels:
        entries = json.loads(k.log)
        assert isinstance(entries, list) and entries, k.slug
        times = [e["time"] for e in entries]
        assert times == sorted(times)
        for e in entries:
            assert set(e) == {"stream_name", "time", "data"} and e["stream_name"] in ("stdout", "stderr")
        if "submission.csv" in k.output_files:
            header = k.output_files["submission.csv"].decode().splitlines()[0]
            assert header == SUBMISSION_HEADERS[k.competition], k.slug
    with_submission = [k for k in kernels if "submission.csv" in k.output_files]
    assert len(with_submission) >= 10
    assert any(len(json.loads(k.log)) >= 2000 for k in kernels)
    assert any(len(k.output_files) > 1 for k in kernels)


def test_notebook_log_matches_its_stream_outputs(kernels):
    k, nb = next((k, nb) for k, nb in notebooks(kernels) if k.slug == "titanic-eda-and-first-baseline")
    printed = "".join(text(o["text"]) for o in outputs(nb) if o["output_type"] == "stream" and o["name"] == "stdout")
    logged = "".join(e["data"] for e in json.loads(k.log) if e["stream_name"] == "stdout")
    assert printed == logged


def test_deterministic_per_seed(kernels):
    again = seed_kernels(random.Random(0))
    assert [(k.source, k.log, k.output_files, k.total_votes) for k in again] == \
        [(k.source, k.log, k.output_files, k.total_votes) for k in kernels]
    other = seed_kernels(random.Random(1))
    assert [k.slug for k in other] == [k.slug for k in kernels]
    assert [k.source for k in other] != [k.source for k in kernels]


def test_html_tables_agree_with_their_plain_text(kernels):
    """Both renderings of a displayed table carry the same values (readers may pick either)."""
    import re

    checked = 0
    for _k, nb in notebooks(kernels):
        for out in outputs(nb):
            data = out.get("data", {})
            html, plain = text(data.get("text/html", "")), text(data.get("text/plain", ""))
            if "<table" in html and plain:
                cells = re.findall(r"<td>(.*?)</td>", html)
                assert all(c.strip() in plain for c in cells), (html[:300], plain[:300])
                checked += 1
    assert checked >= 5
