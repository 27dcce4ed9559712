"""Every DatasetApiService (and BlobApiService) RPC the product uses, against the sandbox."""

from __future__ import annotations

import pytest

from kaggle_mcp.kaggle.errors import NotFound

pytestmark = pytest.mark.anyio


async def test_list_get_files_metadata_status(client):
    async with client() as kc:
        found = await kc.datasets.list_datasets(search="titanic")
        assert "alice/titanic-extra-features" in [d.ref for d in found.datasets]
        every = [d.ref async for d in kc.datasets.iter_datasets(page_size=1)]
        assert len(every) >= 3 and len(every) == len(set(every))

        ds = await kc.datasets.get_dataset("alice", "titanic-extra-features")
        assert ds.ref == "alice/titanic-extra-features" and ds.title

        files = await kc.datasets.list_dataset_files("alice", "titanic-extra-features")
        assert files.dataset_files and all(f.name and f.total_bytes > 0 for f in files.dataset_files)
        listed = [f.name async for f in kc.datasets.iter_dataset_files("alice", "titanic-extra-features", page_size=1)]
        assert sorted(listed) == sorted(f.name for f in files.dataset_files)

        meta = await kc.datasets.get_dataset_metadata("alice", "titanic-extra-features")
        assert meta.info.title == ds.title and [lic.name for lic in meta.info.licenses] == ["CC0-1.0"]

        status = await kc.datasets.get_dataset_status("alice", "titanic-extra-features")
        assert status.status == "READY"
        with pytest.raises(NotFound):
            await kc.datasets.get_dataset_status("alice", "does-not-exist")


async def test_download_whole_dataset_and_one_file(client, tmp_path):
    async with client() as kc:
        files = (await kc.datasets.list_dataset_files("alice", "titanic-extra-features")).dataset_files
        whole = await kc.datasets.download_dataset("alice", "titanic-extra-features", tmp_path)
        assert whole.path == tmp_path / "titanic-extra-features.zip" and whole.bytes == whole.path.stat().st_size
        one = await kc.datasets.download_dataset("alice", "titanic-extra-features", tmp_path, file_name=files[0].name)
        assert one.path.name == files[0].name.rsplit("/", 1)[-1] and one.bytes == files[0].total_bytes


async def test_create_dataset_then_new_version(own_client, tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("x,y\n1,2\n")
    b = tmp_path / "b.csv"
    b.write_bytes(b"k,v\n" + b"1,2\n" * 50_000)
    seen: list[tuple[int, int | None]] = []

    async def progress(done, total):
        seen.append((done, total))

    async with own_client() as kc:
        created = await kc.datasets.create_dataset_from_files(
            "sandbox-user", "client-test-dataset", "Client Test Dataset", [a, b], progress=progress
        )
        assert created.status == "ok" and created.ref == "sandbox-user/client-test-dataset"
        total = a.stat().st_size + b.stat().st_size
        assert seen[-1] == (total, total)
        body = kc.recorder.bodies("CreateDataset")[-1]
        assert body["isPrivate"] is True and len(body["files"]) == 2 and body["licenseName"] == "CC0-1.0"
        starts = kc.recorder.bodies("StartBlobUpload")
        assert [s["name"] for s in starts] == ["a.csv", "b.csv"] and all(s["type"] == "DATASET" for s in starts)
        puts = [s for s in kc.recorder.sent if s.method == "PUT"]
        assert puts and all("authorization" not in p.headers for p in puts)

        names = {
            f.name for f in (await kc.datasets.list_dataset_files("sandbox-user", "client-test-dataset")).dataset_files
        }
        assert names == {"a.csv", "b.csv"}

        version = await kc.datasets.create_version_from_files("sandbox-user", "client-test-dataset", [a], "only a now")
        assert version.status == "ok"
        got = await kc.datasets.get_dataset("sandbox-user", "client-test-dataset")
        assert got.current_version_number == 2


async def test_application_errors_inside_200_are_raised(own_client, tmp_path):
    from kaggle_mcp.kaggle.errors import ApplicationError

    path = tmp_path / "x.csv"
    path.write_text("a\n1\n")
    async with own_client() as kc:
        await kc.datasets.create_dataset_from_files("sandbox-user", "taken-slug-test", "Taken slug test", [path])
        with pytest.raises(ApplicationError, match="already in use") as info:
            await kc.datasets.create_dataset_from_files("sandbox-user", "taken-slug-test", "Taken slug test", [path])
        assert info.value.rpc.endswith("/CreateDataset")
        assert len(kc.recorder.bodies("CreateDataset")) == 2  # an application error is not retried
