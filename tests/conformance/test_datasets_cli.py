"""The unmodified ``kaggle`` CLI (2.2.5) against the sandbox: datasets.

Covers list, files, download (-f and whole), create, version and status, plus the failure paths the
CLI is built to survive: a 429 on StartBlobUpload (its retry helper waits Retry-After and tries again)
and an upload connection dropped mid-body (it probes the upload URL and resumes with Content-Range).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from cli_output import ok, rows

pytestmark = pytest.mark.conformance




def dataset_folder(tmp_path: Path, slug: str, files: dict[str, bytes], title: str = "Conformance Dataset") -> Path:
    folder = tmp_path / slug
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    meta = {"id": f"sandbox-user/{slug}", "title": title, "licenses": [{"name": "CC0-1.0"}],
            "subtitle": "Made by the conformance suite, twenty chars+",
            "resources": [{"path": name, "description": f"the {name} file",
                           "schema": {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}}
                          for name in files]}
    (folder / "dataset-metadata.json").write_text(json.dumps(meta))
    return folder


def test_datasets_list_and_search(run_kaggle):
    listed = {r["ref"]: r for r in rows(ok(run_kaggle("datasets", "list", "-v")))}
    assert {"alice/titanic-extra-features", "bob/retail-holidays", "carol/olympiad-problem-bank"} <= set(listed)
    assert listed["alice/titanic-extra-features"]["title"] == "Titanic Extra Features"
    voted = rows(ok(run_kaggle("datasets", "list", "--sort-by", "votes", "-v")))
    votes = [int(r["voteCount"]) for r in voted]
    assert votes == sorted(votes, reverse=True)
    found = rows(ok(run_kaggle("datasets", "list", "-s", "holidays", "-v")))
    assert [r["ref"] for r in found] == ["bob/retail-holidays"]
    assert [r["ref"] for r in rows(ok(run_kaggle("datasets", "list", "--user", "carol", "-v")))] == \
        ["carol/olympiad-problem-bank"]


def test_datasets_files_and_download_anonymously(run_kaggle, tmp_path: Path, sandbox):
    anonymous = {"KAGGLE_API_TOKEN": None, "KAGGLE_CONFIG_DIR": str(tmp_path / "none")}
    result = run_kaggle("datasets", "files", "alice/titanic-extra-features", "-v", env_extra=anonymous)
    listed = {r["name"]: r for r in rows(ok(result))}
    assert set(listed) == {"cabin_decks.csv", "family_features.csv"} and int(listed["cabin_decks.csv"]["size"]) > 0
    before = sandbox.call_counts["security.OAuthService/IntrospectToken"]
    ok(run_kaggle("datasets", "download", "alice/titanic-extra-features", "-f", "family_features.csv",
                  "-p", str(tmp_path / "anon"), env_extra=anonymous))
    assert (tmp_path / "anon" / "family_features.csv").read_bytes().startswith(b"PassengerId,family_size")
    assert sandbox.call_counts["security.OAuthService/IntrospectToken"] == before   # no token, no introspection
    denied = run_kaggle("competitions", "files", "titanic", env_extra=anonymous)
    assert denied.returncode != 0


def test_datasets_download_one_file_and_whole(run_kaggle, tmp_path: Path, sandbox):
    ds = sandbox.state.datasets["alice/titanic-extra-features"]
    out = tmp_path / "one"
    printed = ok(run_kaggle("datasets", "download", "alice/titanic-extra-features", "-f", "cabin_decks.csv",
                            "-p", str(out)))
    assert "License(s): CC0-1.0" in printed
    assert (out / "cabin_decks.csv").read_bytes() == ds.current.files["cabin_decks.csv"].blob.read()
    whole = tmp_path / "whole"
    ok(run_kaggle("datasets", "download", "alice/titanic-extra-features", "-p", str(whole)))
    archive = zipfile.ZipFile(whole / "titanic-extra-features.zip")
    assert sorted(archive.namelist()) == ["cabin_decks.csv", "family_features.csv"]
    unzipped = tmp_path / "unzipped"
    ok(run_kaggle("datasets", "download", "bob/retail-holidays", "-p", str(unzipped), "--unzip"))
    assert (unzipped / "holidays_events.csv").read_bytes().startswith(b"date,type,locale\n")
    assert (unzipped / "notes" / "README.md").exists() and not (unzipped / "retail-holidays.zip").exists()


def test_datasets_status(run_kaggle):
    assert ok(run_kaggle("datasets", "status", "alice/titanic-extra-features")).strip() == "ready"
    missing = run_kaggle("datasets", "status", "sandbox-user/never-created-here")
    assert missing.returncode != 0 and "not found" in missing.stderr


def test_datasets_create_then_version(run_kaggle, tmp_path: Path, sandbox):
    folder = dataset_folder(tmp_path, "conformance-created", {"data.csv": b"a,b\n1,x\n2,y\n"})
    printed = ok(run_kaggle("datasets", "create", "-p", str(folder)))
    assert "Upload successful: data.csv" in printed
    assert "Your private Dataset is being created. Please check progress at " \
           "https://www.kaggle.com/datasets/sandbox-user/conformance-created" in printed
    created = sandbox.state.datasets["sandbox-user/conformance-created"]
    assert created.is_private and created.title == "Conformance Dataset"
    assert created.current.files["data.csv"].columns[0]["name"] == "a"
    assert ok(run_kaggle("datasets", "status", "sandbox-user/conformance-created")).strip() == "ready"
    again = run_kaggle("datasets", "create", "-p", str(folder))
    assert "already in use" in again.stdout + again.stderr

    (folder / "data.csv").write_bytes(b"a,b\n1,x\n2,y\n3,z\n")
    printed = ok(run_kaggle("datasets", "version", "-p", str(folder), "-m", "third row"))
    assert "Dataset version is being created" in printed
    assert [v.number for v in created.versions] == [1, 2] and created.current.notes == "third row"
    listed = {r["name"]: r for r in rows(ok(run_kaggle("datasets", "files", "sandbox-user/conformance-created", "-v")))}
    assert int(listed["data.csv"]["size"]) == len(b"a,b\n1,x\n2,y\n3,z\n")


def test_429_on_blob_upload_is_retried(run_kaggle_on, fresh_sandbox, tmp_path: Path):
    run_kaggle = run_kaggle_on(fresh_sandbox)
    folder = dataset_folder(tmp_path, "retried-upload", {"data.csv": b"a,b\n1,x\n"}, title="Retried upload")
    fresh_sandbox.set_faults("429=1,retry_after=1,max=1,only=StartBlobUpload")
    result = run_kaggle("datasets", "create", "-p", str(folder))
    printed = ok(result)
    assert "Request failed: 429 Client Error: Too Many Requests" in result.stderr + printed
    assert "Will retry in 1.0 seconds" in result.stderr + printed
    assert "Your private Dataset is being created" in printed
    counts = fresh_sandbox.call_counts
    assert counts["blobs.BlobApiService/StartBlobUpload"] == 2
    assert counts["datasets.DatasetApiService/CreateDataset"] == 1
    ds = fresh_sandbox.state.datasets["sandbox-user/retried-upload"]
    assert ds.current.files["data.csv"].blob.read() == b"a,b\n1,x\n"


def test_dropped_upload_is_resumed(run_kaggle_on, fresh_sandbox, tmp_path: Path):
    run_kaggle = run_kaggle_on(fresh_sandbox)
    data = b"a,b\n" + b"".join(b"%d,row-%d\n" % (i, i) for i in range(60_000))
    folder = dataset_folder(tmp_path, "resumed-upload", {"big.csv": data}, title="Resumed upload")
    fresh_sandbox.set_faults("drop=1,max=1,only=PUT /uploads")
    printed = ok(run_kaggle("datasets", "create", "-p", str(folder)))
    assert "Upload successful: big.csv" in printed
    assert fresh_sandbox.call_counts["PUT /uploads"] >= 2
    assert fresh_sandbox.state.datasets["sandbox-user/resumed-upload"].current.files["big.csv"].blob.read() == data
