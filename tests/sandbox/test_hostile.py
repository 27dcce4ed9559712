"""``hostile=True`` serves names that try to escape a client's directory (for the client's safety tests)."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import unquote

import httpx

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread


def test_hostile_world_serves_escaping_names(call_on):
    with serve_in_thread(SandboxSettings(hostile=True)) as sb:
        call = call_on(sb)
        names = [f["name"] for f in call("S/ListDataFiles", {"competitionName": "hostile-files"}).json()["files"]]
        assert "../escape.csv" in names and "/tmp/absolute.csv" in names
        url = call("S/DownloadDataFile", {"competitionName": "hostile-files", "fileName": "../escape.csv"},
                   follow_redirects=False).headers["location"]
        assert unquote(url.rsplit("/", 1)[1]) == "../escape.csv"
        assert httpx.get(url).content.startswith(b"id,value")
        zip_url = call("S/DownloadDataFiles", {"competitionName": "hostile-files"},
                       follow_redirects=False).headers["location"]
        members = zipfile.ZipFile(io.BytesIO(httpx.get(zip_url).content)).namelist()
        assert "../escape.csv" in members and "nested/../../climb.csv" in members
        out = call("K/ListKernelSessionOutput", {"userName": "mallory", "kernelSlug": "hostile-output"}).json()
        assert {f["fileName"] for f in out["files"]} == {"../escaped.txt", "/tmp/absolute.txt", "ok.txt"}
        ds = call("D/ListDatasetFiles", {"ownerSlug": "mallory", "datasetSlug": "zip-slip"}).json()["datasetFiles"]
        assert "../escape.csv" in [f["name"] for f in ds]


def test_default_world_has_no_hostile_entities(sandbox):
    assert "hostile-files" not in sandbox.state.competitions
    assert "mallory/zip-slip" not in sandbox.state.datasets
