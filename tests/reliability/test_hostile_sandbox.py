"""The hostile sandbox itself serves what it claims, without holding the big answers in memory."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
import pytest
from hostile_world import hostile_sandbox

from kaggle_mcp.sandbox.harness import rss_mb

from kaggle_mcp.sandbox import SANDBOX_TOKEN

K = "kernels.KernelsApiService"


@pytest.fixture
def hostile(monkeypatch):
    with hostile_sandbox(monkeypatch) as sb:
        yield sb


def _get_kernel(sb, slug: str, stream: bool = False):
    body = {"userName": "mallory", "kernelSlug": slug}
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    if stream:
        return httpx.stream("POST", f"{sb.url}/v1/{K}/GetKernel", json=body, headers=headers, timeout=60)
    return httpx.post(f"{sb.url}/v1/{K}/GetKernel", json=body, headers=headers, timeout=60)


def test_the_100_mb_notebook_is_streamed_not_held(hostile):
    import os

    size, head, tail = 0, b"", b""
    before = rss_mb(os.getpid())
    with _get_kernel(hostile, "huge-outputs", stream=True) as response:
        assert response.status_code == 200
        for chunk in response.iter_raw():
            head = head or chunk[:200]
            tail = (tail + chunk)[-200:]
            size += len(chunk)
    growth = rss_mb(os.getpid()) - before
    assert size > 100 * 1024 * 1024, size
    assert head.startswith(b'{"metadata": {') and tail.endswith(b'"}}'), (head, tail)
    assert growth < 40, f"the sandbox held the answer: RSS +{growth:.0f} MB"


def test_deep_raw_and_surrogate_answers(hostile):
    deep = _get_kernel(hostile, "deep-answer").content
    assert deep.count(b"[") >= 100_000
    with pytest.raises(RecursionError):
        json.loads(deep)
    assert b"\xff\xfe" in _get_kernel(hostile, "raw-bytes").content
    with pytest.raises(UnicodeDecodeError):
        _get_kernel(hostile, "raw-bytes").content.decode("utf-8")
    notebook = json.loads(_get_kernel(hostile, "deep-json").content)["blob"]["source"]
    with pytest.raises(RecursionError):
        json.loads(notebook)
    bad = json.loads(_get_kernel(hostile, "bad-utf8").content)["blob"]["source"]
    with pytest.raises(UnicodeEncodeError):
        json.loads(bad)["cells"][0]["source"][0].encode("utf-8")


def test_bad_archive_cannot_be_opened_naively(hostile):
    blob = hostile.state.datasets["mallory/bad-archives"].versions[-1].files["bad-names.zip"].blob
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(io.BytesIO(blob.read()))
    names = [f.name for f in hostile.state.competitions["hostile-content"].files.values()]
    assert any("\udcff" in n for n in names)
