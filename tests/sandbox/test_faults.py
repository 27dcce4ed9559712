"""Fault injection: deterministic with the seed, the right shapes, and recoverable the way Kaggle's are."""

from __future__ import annotations

import time

import httpx
import pytest

from kaggle_mcp.sandbox import FaultSpec, SandboxSettings, serve_in_thread

LIST = "S/ListCompetitions"


def _statuses(sb, call, n: int = 40) -> list[int]:
    out = []
    for _ in range(n):
        try:
            r = call(LIST)
            out.append(r.status_code if r.status_code != 200 or r.text.endswith("}") else -1)
        except httpx.HTTPError:
            out.append(0)
    return out


def test_same_seed_same_faults_other_seed_other_faults(call_on):
    spec = "429=0.2,5xx=0.2,drop=0.1,truncate=0.1"
    runs = []
    for seed in (7, 7, 8):
        with serve_in_thread(SandboxSettings(seed=seed, faults=spec)) as sb:
            runs.append(_statuses(sb, call_on(sb)))
            assert sb.call_counts["competitions.CompetitionApiService/ListCompetitions"] == 40
    assert runs[0] == runs[1] != runs[2]
    assert {429, 200} <= set(runs[0]) and ({502, 503, 504} & set(runs[0]))
    assert 0 in runs[0] + runs[2] and -1 in runs[0] + runs[2]   # dropped and truncated answers


def test_429_shape_and_max_then_success(fresh_sandbox, fresh_call):
    fresh_sandbox.set_faults("429=1,retry_after=2-2,max=1,only=ListCompetitions")
    first = fresh_call(LIST)
    assert first.status_code == 429 and first.headers["retry-after"] == "2"
    assert first.json() == {"error": {"code": 429, "message": "Too many requests", "status": "RESOURCE_EXHAUSTED"}}
    assert fresh_call(LIST).status_code == 200
    assert fresh_call("S/ListDataFiles", {"competitionName": "titanic"}).status_code == 200
    assert fresh_sandbox.call_counts["competitions.CompetitionApiService/ListCompetitions"] == 2
    fresh_sandbox.set_faults("5xx=1")
    r = fresh_call(LIST)
    assert r.status_code in (502, 503, 504) and r.json()["code"] == r.status_code
    fresh_sandbox.set_faults("")
    assert fresh_call(LIST).status_code == 200


def test_truncated_rpc_body_is_invalid_json(fresh_sandbox, fresh_call):
    fresh_sandbox.set_faults("truncate=1,only=ListCompetitions")
    r = fresh_call(LIST)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


def test_dropped_download_resumes_with_range(fresh_sandbox, fresh_call):
    url = fresh_call("S/DownloadDataFile", {"competitionName": "titanic", "fileName": "train.csv"},
                     follow_redirects=False).headers["location"]
    whole = httpx.get(url).content
    fresh_sandbox.set_faults("drop=1,max=1,only=GET /blobs")
    got = bytearray()
    with pytest.raises(httpx.HTTPError):
        with httpx.stream("GET", url) as r:
            etag = r.headers["etag"]
            for chunk in r.iter_bytes():
                got += chunk
    assert 0 < len(got) < len(whole)
    rest = httpx.get(url, headers={"Range": f"bytes={len(got)}-", "If-Range": etag})
    assert rest.status_code == 206 and bytes(got) + rest.content == whole


def test_dropped_upload_keeps_the_received_prefix(fresh_sandbox, fresh_call):
    data = bytes(range(256)) * 400
    start = fresh_call("B/StartBlobUpload", {"type": "DATASET", "name": "x.bin", "contentLength": len(data)}).json()
    fresh_sandbox.set_faults("drop=1,max=1,only=PUT /uploads")
    with pytest.raises(httpx.HTTPError):
        httpx.put(start["createUrl"], content=data)
    probe = httpx.put(start["createUrl"], content=b"", headers={"Content-Range": f"bytes */{len(data)}"})
    assert probe.status_code == 308
    have = int(probe.headers["range"].rsplit("-", 1)[1]) + 1
    assert 0 < have < len(data)
    done = httpx.put(start["createUrl"], content=data[have:],
                     headers={"Content-Range": f"bytes {have}-{len(data) - 1}/{len(data)}"})
    assert done.status_code == 200
    assert bytes(fresh_sandbox.state.uploads[start["token"]].data) == data


def test_latency_is_added_per_request(fresh_sandbox, fresh_call):
    fresh_sandbox.set_latency(150)
    began = time.monotonic()
    fresh_call(LIST)
    assert time.monotonic() - began >= 0.15
    fresh_sandbox.set_latency(0)


@pytest.mark.parametrize("spec", ["429=2", "bogus=0.1", "429", "retry_after=3-1", "max=lots"])
def test_bad_fault_specs_are_rejected(spec, fresh_sandbox):
    with pytest.raises(ValueError):
        FaultSpec.parse(spec)
    with pytest.raises(ValueError):
        fresh_sandbox.set_faults(spec)
