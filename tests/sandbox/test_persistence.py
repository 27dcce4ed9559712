"""``data_dir``: what users create survives a restart; the seeded world is regenerated, not stored."""

from __future__ import annotations

import httpx

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread


def test_state_survives_a_restart(tmp_path, call_on):
    settings = SandboxSettings(seed=0, data_dir=tmp_path / "state")
    with serve_in_thread(settings) as sb:
        call = call_on(sb)
        data = b"a,b\n1,2\n"
        up = call("B/StartBlobUpload", {"type": "DATASET", "name": "kept.csv", "contentLength": len(data)}).json()
        assert httpx.put(up["createUrl"], content=data).status_code == 200
        created = call("D/CreateDataset", {"ownerSlug": "sandbox-user", "slug": "kept-dataset", "title": "Kept dataset",
                                           "files": [{"token": up["token"]}]}).json()
        assert created["status"] == "ok"
        sample = sb.state.competitions["titanic"].files["gender_submission.csv"].blob.read()
        start = call("S/StartSubmissionUpload", {"competitionName": "titanic", "contentLength": len(sample),
                                                 "fileName": "g.csv"}).json()
        httpx.put(start["createUrl"], content=sample)
        ref = call("S/CreateSubmission", {"competitionName": "titanic", "blobFileTokens": start["token"]}).json()["ref"]
        pushed = call("K/SaveKernel", {"slug": "sandbox-user/kept-script", "newTitle": "Kept script",
                                       "text": "open('out.txt', 'w').write('kept')\nprint('ran')\n",
                                       "language": "python", "kernelType": "script"}).json()
        assert pushed["versionNumber"] == 1
        sb.state.kernels["sandbox-user/kept-script"].versions[-1].run.wait(60)
    assert (tmp_path / "state" / "state.json").exists()

    with serve_in_thread(settings) as sb:
        call = call_on(sb)
        files = call("D/ListDatasetFiles", {"ownerSlug": "sandbox-user", "datasetSlug": "kept-dataset"}).json()
        assert [f["name"] for f in files["datasetFiles"]] == ["kept.csv"]
        url = call("D/DownloadDataset", {"ownerSlug": "sandbox-user", "datasetSlug": "kept-dataset",
                                         "fileName": "kept.csv"}, follow_redirects=False).headers["location"]
        assert httpx.get(url).content == data
        subs = call("S/ListSubmissions", {"competitionName": "titanic"}).json()["submissions"]
        assert ref in [s["ref"] for s in subs]
        status = call("K/GetKernelSessionStatus", {"userName": "sandbox-user", "kernelSlug": "kept-script"}).json()
        assert status["status"] == "COMPLETE"
        out = call("K/ListKernelSessionOutput", {"userName": "sandbox-user", "kernelSlug": "kept-script"}).json()
        assert [f["fileName"] for f in out["files"]] == ["out.txt"] and "ran" in out["log"]
        assert httpx.get(out["files"][0]["url"]).content == b"kept"
        # new ids do not collide with restored ones
        again = call("K/SaveKernel", {"slug": "sandbox-user/kept-script", "text": "print(2)\n"}).json()
        assert again["versionNumber"] == 2 and again["kernelId"] == pushed["kernelId"]
