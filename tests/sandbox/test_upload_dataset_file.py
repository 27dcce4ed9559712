"""UploadDatasetFile (the upload slot peers' tools ask for): its token names the file in CreateDataset."""

from __future__ import annotations

import httpx


def test_an_upload_dataset_file_token_creates_a_dataset(fresh_call, fresh_sandbox):
    data = b"a,b\n1,2\n"
    slot = fresh_call("datasets.DatasetApiService/UploadDatasetFile",
                      {"fileName": "tiny.csv", "contentLength": len(data), "lastModifiedEpochSeconds": 1795313474})
    assert slot.status_code == 200 and set(slot.json()) == {"token", "createUrl"}
    assert httpx.put(slot.json()["createUrl"], content=data).status_code in (200, 201)
    created = fresh_call("datasets.DatasetApiService/CreateDataset", {
        "ownerSlug": "sandbox-user", "slug": "uploaded-by-slot", "title": "Uploaded by slot",
        "files": [{"token": slot.json()["token"]}]}).json()
    assert created["status"] == "ok"
    stored = fresh_sandbox.state.datasets["sandbox-user/uploaded-by-slot"].current.files["tiny.csv"]
    assert stored.blob.read() == data
    refused = fresh_call("datasets.DatasetApiService/UploadDatasetFile", {"contentLength": 3})
    assert refused.status_code == 400 and "fileName" in refused.json()["message"]
    anonymous = fresh_call("datasets.DatasetApiService/UploadDatasetFile", {"fileName": "x", "contentLength": 1},
                           auth=False)
    assert anonymous.status_code == 401
