"""Kernel RPCs over HTTP: push runs for real, versions, status/output, log stream, quota, code submission."""

from __future__ import annotations

import json
import time

import httpx

from kaggle_mcp.sandbox import SANDBOX_TOKEN

SLOW = "import time\nfor i in range(3):\n    print('tick', i, flush=True)\n    time.sleep(0.4)\n" \
       "open('/kaggle/working/result.txt', 'w').write(str(len(open('/kaggle/input/titanic/train.csv').read())))\n"


def _wait(call, slug: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = call("K/GetKernelSessionStatus", {"userName": "sandbox-user", "kernelSlug": slug}).json()
        if status.get("status") in ("COMPLETE", "ERROR") or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def test_push_runs_streams_logs_and_serves_output(sandbox, call):
    pushed = call("K/SaveKernel", {"slug": "sandbox-user/titanic-rpc-slow-script", "newTitle": "RPC slow script", "text": SLOW,
                                   "language": "python", "kernelType": "script", "competitionDataSources": ["titanic"],
                                   "datasetDataSources": ["nobody/missing"], "modelDataSources": ["a/b/c/d/1"],
                                   "machineShape": "NvidiaTeslaT4", "isPrivate": "true"}).json()
    assert pushed["versionNumber"] == 1 and pushed["url"].endswith("/code/sandbox-user/titanic-rpc-slow-script")
    assert pushed["invalidDatasetSources"] == ["nobody/missing"] and pushed["invalidModelSources"] == ["a/b/c/d/1"]
    events = []
    with httpx.stream("GET", f"{sandbox.url}/v1/kernels/logs/stream/sandbox-user/titanic-rpc-slow-script",
                      headers={"Authorization": f"Bearer {SANDBOX_TOKEN}", "Accept": "text/event-stream"},
                      timeout=60) as r:
        assert r.status_code == 200
        streaming = r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    if streaming:
        events = [line[6:] for line in body.splitlines() if line.startswith("data: ")]
        assert events[-1] == "END_OF_LOG"
        assert any("tick 2" in json.loads(e)["data"] for e in events[:-1])
    assert _wait(call, "titanic-rpc-slow-script")["status"] == "COMPLETE"
    out = call("K/ListKernelSessionOutput", {"userName": "sandbox-user", "kernelSlug": "titanic-rpc-slow-script"}).json()
    assert [f["fileName"] for f in out["files"]] == ["result.txt"]
    expected = len(sandbox.state.competitions["titanic"].files["train.csv"].blob.read().decode())
    assert httpx.get(out["files"][0]["url"]).text == str(expected)
    log = json.loads(out["log"])
    assert [e["data"] for e in log if e["stream_name"] == "stdout"][:1] == ["tick 0\n"]
    done = httpx.get(f"{sandbox.url}/v1/kernels/logs/stream/sandbox-user/titanic-rpc-slow-script",
                     headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"})
    assert json.loads(done.text) == log
    quota = call("K/GetAcceleratorQuotaStatistics").json()
    assert quota["gpuQuota"]["hasEverRun"] is True and quota["gpuQuota"]["totalTimeAllowed"] == "108000s"
    assert quota["tpuQuota"]["timeUsed"] == "0s"
    meta = call("K/GetKernel", {"userName": "sandbox-user", "kernelSlug": "titanic-rpc-slow-script"}).json()
    assert meta["metadata"]["isPrivate"] is True and meta["metadata"]["machineShape"] == "NvidiaTeslaT4"
    assert meta["blob"]["source"] == SLOW


def test_versions_quick_save_and_errors(call):
    base = {"slug": "sandbox-user/rpc-versions", "newTitle": "RPC versions", "language": "python",
            "kernelType": "script"}
    assert call("K/SaveKernel", {**base, "text": "print('one')\n"}).json()["versionNumber"] == 1
    assert _wait(call, "rpc-versions")["status"] == "COMPLETE"
    second = call("K/SaveKernel", {**base, "text": "raise SystemExit('boom')\n"}).json()
    assert second["versionNumber"] == 2
    failed = _wait(call, "rpc-versions")
    assert failed["status"] == "ERROR" and failed["failureMessage"]
    third = call("K/SaveKernel", {**base, "text": "print(3)\n", "kernelExecutionType": "QUICK_SAVE"}).json()
    assert third["versionNumber"] == 3
    assert _wait(call, "rpc-versions")["status"] == "ERROR"   # the latest session is still version 2's
    for body in ({"kernelSlug": "rpc-versions/1"}, {"kernelSlug": "rpc-versions", "versionLabel": "v1"}):
        got = call("K/GetKernel", {"userName": "sandbox-user", **body}).json()
        assert got["blob"]["source"] == "print('one')\n"
    assert call("K/GetKernel", {"userName": "sandbox-user", "kernelSlug": "rpc-versions"}).json()["blob"]["source"] \
        == "print(3)\n"
    assert call("K/GetKernel", {"userName": "sandbox-user", "kernelSlug": "rpc-versions",
                                "versionLabel": "v9"}).status_code == 404
    not_mine = call("K/SaveKernel", {**base, "slug": "alice/titanic-eda-and-first-baseline", "text": "x"})
    assert not_mine.status_code == 403
    bad = call("K/SaveKernel", {"slug": "sandbox-user/new-notebook", "newTitle": "New notebook", "language": "python",
                                "kernelType": "notebook", "text": "not json"}).json()
    assert "ipynb" in bad["error"]


def test_code_submission_uses_the_notebook_output(fresh_call):
    call = fresh_call   # a sandbox of its own: the competition allows one submission a day
    got = call("S/CreateCodeSubmission", {"competitionName": "ai-math-olympiad-sandbox", "kernelOwner": "sandbox-user",
                                          "kernelSlug": "aimo-sandbox-starter", "fileName": "submission.csv",
                                          "submissionDescription": "code"}).json()
    assert got["message"].startswith("Successfully submitted")
    sub = call("S/GetSubmission", {"ref": got["ref"]}).json()
    assert sub["status"] == "COMPLETE" and 0.0 <= float(sub["publicScore"]) <= 1.0
    missing = call("S/CreateCodeSubmission", {"competitionName": "ai-math-olympiad-sandbox",
                                              "kernelOwner": "sandbox-user", "kernelSlug": "aimo-sandbox-starter",
                                              "fileName": "nope.csv"})
    assert missing.status_code == 400
