"""Signed-URL downloads (302, Range, If-Range, zips, the streamed 50 MB CSV) and upload URLs."""

from __future__ import annotations

import io
import zipfile
from email.utils import parsedate_to_datetime

import httpx

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread


def _location(call, rpc, body) -> str:
    r = call(rpc, body, follow_redirects=False)
    assert r.status_code == 302, r.text
    return r.headers["location"]


def test_download_redirects_to_an_absolute_url_with_storage_headers(sandbox, call):
    url = _location(call, "S/DownloadDataFile", {"competitionName": "titanic", "fileName": "train.csv"})
    assert url.startswith(sandbox.url + "/") and url.endswith("/train.csv")
    r = httpx.get(url)   # no Authorization: the URL is the capability
    assert r.status_code == 200 and r.content.startswith(b"PassengerId,Survived,Pclass,Name")
    assert int(r.headers["content-length"]) == len(r.content) > 10_000
    assert r.headers["accept-ranges"] == "bytes" and r.headers["etag"].startswith('"')
    assert parsedate_to_datetime(r.headers["last-modified"]).year == 2025
    assert "json" not in r.headers["content-type"]
    listed = {f["name"]: f["totalBytes"] for f in call("S/ListDataFiles", {"competitionName": "titanic"}).json()["files"]}
    assert listed["train.csv"] == len(r.content)


def test_range_if_range_and_416(call):
    url = _location(call, "S/DownloadDataFile", {"competitionName": "titanic", "fileName": "test.csv"})
    full = httpx.get(url)
    part = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == full.content[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(full.content)}"
    tail = httpx.get(url, headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.content == full.content[-5:]
    resumed = httpx.get(url, headers={"Range": "bytes=100-", "If-Range": full.headers["etag"]})
    assert resumed.status_code == 206 and resumed.content == full.content[100:]
    by_date = httpx.get(url, headers={"Range": "bytes=100-", "If-Range": full.headers["last-modified"]})
    assert by_date.status_code == 206
    stale = httpx.get(url, headers={"Range": "bytes=100-", "If-Range": '"some-other-etag"'})
    assert stale.status_code == 200 and stale.content == full.content
    beyond = httpx.get(url, headers={"Range": f"bytes={len(full.content)}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(full.content)}"
    head = httpx.head(url)
    assert head.status_code == 200 and head.headers["content-length"] == str(len(full.content))


def test_big_csv_is_streamed_deterministic_and_range_readable(sandbox, call):
    sandbox.state.accept_rules("sandbox-user", "retail-demand-forecast")
    try:
        url = _location(call, "S/DownloadDataFile", {"competitionName": "retail-demand-forecast",
                                                     "fileName": "train.csv"})
    finally:
        sandbox.state.competitions["retail-demand-forecast"].entrants.discard("sandbox-user")
    head = httpx.get(url, headers={"Range": "bytes=0-4095"})
    size = int(head.headers["content-range"].rsplit("/", 1)[1])
    assert size >= 50 * 1024 * 1024
    assert head.content.startswith(b"id,date,store_nbr,item_nbr,onpromotion,unit_sales\n")
    middle = httpx.get(url, headers={"Range": f"bytes={size // 2}-{size // 2 + 999}"}).content
    end = httpx.get(url, headers={"Range": "bytes=-200"}).content
    assert len(middle) == 1000 and end.endswith(b"\n")
    # the blob is not stored: the world holds a generator, and another sandbox with the seed agrees
    blob = sandbox.state.competitions["retail-demand-forecast"].files["train.csv"].blob
    assert not hasattr(blob, "data")
    with serve_in_thread(SandboxSettings(seed=0)) as other:
        again = other.state.competitions["retail-demand-forecast"].files["train.csv"].blob
        assert again.read(size // 2, size // 2 + 1000) == middle
    with serve_in_thread(SandboxSettings(seed=1)) as different:
        assert different.state.competitions["retail-demand-forecast"].files["train.csv"].blob.read(
            size // 2, size // 2 + 1000) != middle


def test_download_all_is_a_valid_zip(call):
    url = _location(call, "S/DownloadDataFiles", {"competitionName": "titanic"})
    assert url.endswith("/titanic.zip")
    archive = zipfile.ZipFile(io.BytesIO(httpx.get(url).content))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == ["gender_submission.csv", "test.csv", "train.csv"]
    ds_url = _location(call, "D/DownloadDataset", {"ownerSlug": "alice", "datasetSlug": "titanic-extra-features"})
    assert ds_url.endswith("/titanic-extra-features.zip")
    assert zipfile.ZipFile(io.BytesIO(httpx.get(ds_url).content)).testzip() is None


def _start_blob(call, data: bytes, name: str = "a.csv") -> dict:
    body = {"type": "DATASET", "name": name, "contentLength": len(data), "lastModifiedEpochSeconds": 1_700_000_000}
    return call("B/StartBlobUpload", body).json()


def test_upload_resumable_protocol(call):
    data = b"a,b\n" + b"1,2\n" * 5000
    started = _start_blob(call, data)
    url = started["createUrl"]
    assert url.startswith("http") and started["token"]
    probe = httpx.put(url, content=b"", headers={"Content-Range": f"bytes */{len(data)}"})
    assert probe.status_code == 308 and "range" not in probe.headers
    first = httpx.put(url, content=data[:7000], headers={"Content-Range": f"bytes 0-6999/{len(data)}"})
    assert first.status_code == 308 and first.headers["range"] == "bytes=0-6999"
    probe = httpx.put(url, content=b"", headers={"Content-Range": f"bytes */{len(data)}"})
    assert probe.status_code == 308 and probe.headers["range"] == "bytes=0-6999"
    rest = httpx.put(url, content=data[7000:], headers={"Content-Range": f"bytes 7000-{len(data) - 1}/{len(data)}"})
    assert rest.status_code == 200
    done = httpx.put(url, content=b"", headers={"Content-Range": f"bytes */{len(data)}"})
    assert done.status_code == 200
    assert httpx.put(url.rsplit("/", 1)[0] + "/unknown-token", content=b"x").status_code == 404
    created = call("D/CreateDataset", {"ownerSlug": "sandbox-user", "slug": "resumed-upload-ds",
                                       "title": "Resumed upload", "licenseName": "CC0-1.0", "isPrivate": True,
                                       "files": [{"token": started["token"]}]}).json()
    assert created["status"] == "ok" and created["ref"] == "sandbox-user/resumed-upload-ds"
    url = _location(call, "D/DownloadDataset", {"ownerSlug": "sandbox-user", "datasetSlug": "resumed-upload-ds",
                                                "fileName": "a.csv"})
    assert httpx.get(url).content == data


def test_create_dataset_application_errors_come_in_200(call):
    body = {"ownerSlug": "sandbox-user", "slug": "x", "title": "Tiny", "files": []}
    r = call("D/CreateDataset", body)
    assert r.status_code == 200 and r.json()["status"] == "error" and r.json()["error"]
    started = _start_blob(call, b"123456")
    r = call("D/CreateDataset", {"ownerSlug": "sandbox-user", "slug": "half-uploaded", "title": "Half uploaded",
                                 "files": [{"token": started["token"]}]})
    assert "incomplete" in r.json()["error"]
    assert call("D/CreateDataset", {"ownerSlug": "alice", "slug": "not-mine", "title": "Not mine at all"}).status_code == 403


def test_submission_flow_scores_against_the_hidden_solution(sandbox, call):
    test_csv = httpx.get(_location(call, "S/DownloadDataFile", {"competitionName": "titanic",
                                                                 "fileName": "gender_submission.csv"})).content
    start = call("S/StartSubmissionUpload", {"competitionName": "titanic", "contentLength": len(test_csv),
                                            "lastModifiedEpochSeconds": 1, "fileName": "gender.csv"}).json()
    assert httpx.put(start["createUrl"], content=test_csv).status_code == 200
    before = sandbox.call_counts["competitions.CompetitionApiService/CreateSubmission"]
    created = call("S/CreateSubmission", {"competitionName": "titanic", "blobFileTokens": start["token"],
                                          "submissionDescription": "gender baseline"}).json()
    assert created["message"].startswith("Successfully submitted to Titanic") and created["ref"] > 0
    assert sandbox.call_counts["competitions.CompetitionApiService/CreateSubmission"] == before + 1
    subs = call("S/ListSubmissions", {"competitionName": "titanic"}).json()["submissions"]
    mine = next(s for s in subs if s["ref"] == created["ref"])
    assert mine["status"] == "COMPLETE" and 0.5 < float(mine["publicScore"]) <= 1.0
    assert mine["description"] == "gender baseline" and mine["fileName"] == "gender.csv"
    again = call("S/CreateSubmission", {"competitionName": "titanic", "blobFileTokens": start["token"]})
    assert again.status_code == 400   # a token is single-use
    bad = b"PassengerId,Prediction\n892,1\n"
    start = call("S/StartSubmissionUpload", {"competitionName": "titanic", "contentLength": len(bad),
                                            "fileName": "bad.csv"}).json()
    httpx.put(start["createUrl"], content=bad)
    ref = call("S/CreateSubmission", {"competitionName": "titanic", "blobFileTokens": start["token"]}).json()["ref"]
    got = call("S/GetSubmission", {"ref": ref}).json()
    assert got["status"] == "ERROR" and "PassengerId,Survived" in got["errorDescription"]


def test_ended_and_code_competitions_refuse_file_submissions(sandbox, call):
    sandbox.state.accept_rules("sandbox-user", "house-prices-2019")
    r = call("S/StartSubmissionUpload", {"competitionName": "house-prices-2019", "contentLength": 3, "fileName": "s.csv"})
    assert r.status_code == 400 and "ended" in r.json()["message"]
    r = call("S/StartSubmissionUpload", {"competitionName": "ai-math-olympiad-sandbox", "contentLength": 3,
                                         "fileName": "s.csv"})
    assert r.status_code == 400 and "code competition" in r.json()["message"]
