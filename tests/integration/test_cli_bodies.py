"""Our request bodies equal the official CLI's captured bodies (reference §4, §7), field for field.

Production is known to accept exactly these bodies, so matching them is what makes the client work
"the day a user gives it real credentials". Each test calls the client with the arguments that
correspond to the CLI invocation, over HTTP to the sandbox, and compares what went on the wire
(recorded at the transport) with the JSON quoted in the reference. Names that must exist in the
sandbox replace the reference's placeholders (``alice/ds`` -> a seeded dataset, blob tokens -> real
ones); every other key and value is the reference's, verbatim.
"""

from __future__ import annotations

import os

import pytest

from kaggle_mcp.kaggle.errors import KaggleError
from kaggle_mcp.kaggle.models.datasets import ApiCreateDatasetVersionRequestBody, ApiDatasetColumn, ApiDatasetNewFile

pytestmark = pytest.mark.anyio

DS_OWNER, DS_SLUG = "alice", "titanic-extra-features"


async def test_competitions_list_files_download_leaderboard_submissions(client, tmp_path):
    async with client() as kc:
        await kc.competitions.list_competitions()
        assert kc.recorder.bodies("ListCompetitions")[-1] == {
            "group": "COMPETITION_LIST_TAB_EVERYTHING", "category": "HOST_SEGMENT_UNSPECIFIED",
            "sortBy": "COMPETITION_SORT_BY_BEST", "search": "", "page": 1, "pageToken": "",
        }  # fmt: skip
        await kc.competitions.list_data_files("titanic")
        assert kc.recorder.bodies("ListDataFiles")[-1] == {
            "competitionName": "titanic",
            "pageSize": 20,
            "pageToken": "",
        }
        await kc.competitions.download_data_file("titanic", "train.csv", tmp_path)
        assert kc.recorder.bodies("DownloadDataFile")[-1] == {"competitionName": "titanic", "fileName": "train.csv"}
        await kc.competitions.download_data_files("titanic", tmp_path)
        assert kc.recorder.bodies("DownloadDataFiles")[-1] == {"competitionName": "titanic"}
        await kc.competitions.get_leaderboard("titanic")
        assert kc.recorder.bodies("GetLeaderboard")[-1] == {"competitionName": "titanic", "pageToken": ""}
        await kc.competitions.list_submissions("titanic")
        assert kc.recorder.bodies("ListSubmissions")[-1] == {"competitionName": "titanic", "page": 1, "pageToken": ""}
        await kc.competitions.get_submission_limits("titanic")
        assert kc.recorder.bodies("GetSubmissionLimits")[-1] == {"competitionName": "titanic"}


async def test_submit_sequence(own_client, tmp_path):
    path = tmp_path / "sub.csv"
    path.write_bytes(b"a,b\n")  # 4 bytes, as in the capture
    os.utime(path, (1795313472, 1795313472))
    async with own_client() as kc:
        try:
            answer = await kc.competitions.submit("titanic", path, "my msg")
        except KaggleError:  # the sandbox may score-reject a 4-byte file; the bodies are what matter
            answer = None
        start = kc.recorder.bodies("StartSubmissionUpload")[-1]
        assert start == {
            "competitionName": "titanic",
            "contentLength": 4,
            "lastModifiedEpochSeconds": 1795313472,
            "fileName": "sub.csv",
        }
        create = kc.recorder.bodies("CreateSubmission")[-1]
        token = create["blobFileTokens"]
        assert token and create == {
            "competitionName": "titanic",
            "blobFileTokens": token,
            "submissionDescription": "my msg",
        }
        assert answer is None or answer.ref


async def test_kernels_list_captures(client):
    async with client() as kc:
        # kaggle kernels list --sort-by voteCount --competition titanic --language python
        #   --kernel-type notebook --page-size 50 -m --user bob
        await kc.kernels.list_kernels(sort_by="VOTE_COUNT", competition="titanic", language="python",
                                      kernel_type="notebook", page_size=50, group="PROFILE", user="bob")  # fmt: skip
        assert kc.recorder.bodies("ListKernels")[-1] == {
            "competition": "titanic", "dataset": "", "parentKernel": "", "group": "PROFILE", "kernelType": "notebook",
            "language": "python", "outputType": "all", "search": "", "sortBy": "VOTE_COUNT", "user": "bob", "page": 1,
            "pageSize": 50, "pageToken": "",
        }  # fmt: skip
        # kaggle kernels list -s foo --sort-by scoreDescending --dataset alice/ds --page 2
        await kc.kernels.list_kernels(search="foo", sort_by="SCORE_DESCENDING", dataset="alice/ds", page=2)
        assert kc.recorder.bodies("ListKernels")[-1] == {
            "competition": "", "dataset": "alice/ds", "parentKernel": "", "group": "EVERYONE", "kernelType": "all",
            "language": "all", "outputType": "all", "search": "foo", "sortBy": "SCORE_DESCENDING", "user": "",
            "page": 2, "pageSize": 20, "pageToken": "",
        }  # fmt: skip


async def test_kernels_push_status_pull_output(own_client):
    async with own_client() as kc:
        fields = dict(
            slug="sandbox-user/my-notebook", new_title="My Notebook", text='print("hi")\n', language="python",
            kernel_type="script", dataset_data_sources=[f"{DS_OWNER}/{DS_SLUG}"], competition_data_sources=["titanic"],
            is_private=True, enable_gpu=False, enable_internet=True, enable_tpu=False, session_timeout_seconds=600,
            machine_shape="NvidiaTeslaT4x2",
        )  # fmt: skip
        try:
            await kc.kernels.save_kernel(**fields)
        except KaggleError:  # an unknown machine shape may be refused; the body is what matters here
            pass
        assert kc.recorder.bodies("SaveKernel")[-1] == {
            "slug": "sandbox-user/my-notebook", "newTitle": "My Notebook", "text": 'print("hi")\n',
            "language": "python", "kernelType": "script", "datasetDataSources": [f"{DS_OWNER}/{DS_SLUG}"],
            "competitionDataSources": ["titanic"], "isPrivate": True, "enableGpu": False, "enableInternet": True,
            "enableTpu": False, "sessionTimeoutSeconds": 600, "machineShape": "NvidiaTeslaT4x2",
        }  # fmt: skip
        await kc.kernels.get_kernel_session_status("sandbox-user", "aimo-sandbox-starter")
        assert kc.recorder.bodies("GetKernelSessionStatus")[-1] == {
            "userName": "sandbox-user",
            "kernelSlug": "aimo-sandbox-starter",
        }
        await kc.kernels.get_kernel("sandbox-user", "aimo-sandbox-starter")
        assert kc.recorder.bodies("GetKernel")[-1] == {"userName": "sandbox-user", "kernelSlug": "aimo-sandbox-starter"}
        await kc.kernels.list_kernel_session_output("sandbox-user", "aimo-sandbox-starter")
        assert kc.recorder.bodies("ListKernelSessionOutput")[-1] == {
            "userName": "sandbox-user",
            "kernelSlug": "aimo-sandbox-starter",
            "pageSize": 20,
            "pageToken": "",
        }


async def test_datasets_list_files_status_download(client, tmp_path):
    async with client() as kc:
        await kc.datasets.list_datasets(
            group="DATASET_SELECTION_GROUP_USER", sort_by="DATASET_SORT_BY_VOTES",
            file_type="DATASET_FILE_TYPE_GROUP_CSV", license="DATASET_LICENSE_GROUP_CC", tag_ids="123",
            search="foo", user="bob", min_size=10, max_size=100000,
        )  # fmt: skip
        assert kc.recorder.bodies("ListDatasets")[-1] == {
            "group": "DATASET_SELECTION_GROUP_USER", "sortBy": "DATASET_SORT_BY_VOTES",
            "fileType": "DATASET_FILE_TYPE_GROUP_CSV", "license": "DATASET_LICENSE_GROUP_CC", "tagIds": "123",
            "search": "foo", "user": "bob", "minSize": 10, "maxSize": 100000, "page": 1, "pageToken": "",
        }  # fmt: skip
        await kc.datasets.list_dataset_files(DS_OWNER, DS_SLUG)
        assert kc.recorder.bodies("ListDatasetFiles")[-1] == {
            "ownerSlug": DS_OWNER,
            "datasetSlug": DS_SLUG,
            "pageToken": "",
            "pageSize": 20,
        }
        await kc.datasets.get_dataset_status(DS_OWNER, DS_SLUG)
        assert kc.recorder.bodies("GetDatasetStatus")[-1] == {"ownerSlug": DS_OWNER, "datasetSlug": DS_SLUG}
        await kc.datasets.download_dataset(DS_OWNER, DS_SLUG, tmp_path)
        assert kc.recorder.bodies("DownloadDataset")[-1] == {"ownerSlug": DS_OWNER, "datasetSlug": DS_SLUG}
        name = (await kc.datasets.list_dataset_files(DS_OWNER, DS_SLUG)).dataset_files[0].name
        await kc.datasets.download_dataset(DS_OWNER, DS_SLUG, tmp_path, file_name=name)
        assert kc.recorder.bodies("DownloadDataset")[-1] == {
            "ownerSlug": DS_OWNER,
            "datasetSlug": DS_SLUG,
            "fileName": name,
        }


async def test_dataset_create_and_version(own_client, tmp_path):
    a = tmp_path / "a.csv"
    a.write_bytes(b"a,b\n")
    os.utime(a, (1795313474, 1795313474))
    async with own_client() as kc:
        slot = await kc.blobs.start_blob_upload(type="DATASET", name="a.csv", content_length=4,
                                                last_modified_epoch_seconds=1795313474)  # fmt: skip
        assert kc.recorder.bodies("StartBlobUpload")[-1] == {
            "type": "DATASET",
            "name": "a.csv",
            "contentLength": 4,
            "lastModifiedEpochSeconds": 1795313474,
        }
        await kc.transfers.upload(slot.create_url, a)
        columns = [
            ApiDatasetColumn(order=0, name="a", type="integer", original_type="integer", description=""),
            ApiDatasetColumn(order=1, name="b", type="string", original_type="string", description="col b"),
        ]
        # kaggle datasets create --dir-mode zip -u (public: isPrivate omitted)
        await kc.datasets.create_dataset(
            owner_slug="sandbox-user", slug="newds-slug", title="New dataset title", license_name="CC0-1.0",
            files=[ApiDatasetNewFile(token=slot.token, description="file a", columns=columns)],
            subtitle="A subtitle that is long enough", description="desc", category_ids=["tabular"], is_private=False,
        )  # fmt: skip
        file_a = {"token": slot.token, "description": "file a", "columns": [
            {"order": 0, "name": "a", "type": "integer", "originalType": "integer", "description": ""},
            {"order": 1, "name": "b", "type": "string", "originalType": "string", "description": "col b"}]}  # fmt: skip
        assert kc.recorder.bodies("CreateDataset")[-1] == {
            "ownerSlug": "sandbox-user", "slug": "newds-slug", "title": "New dataset title", "licenseName": "CC0-1.0",
            "files": [file_a], "subtitle": "A subtitle that is long enough", "description": "desc",
            "categoryIds": ["tabular"],
        }  # fmt: skip

        slot2 = await kc.blobs.start_blob_upload(type="DATASET", name="a.csv", content_length=4)
        await kc.transfers.upload(slot2.create_url, a)
        body = ApiCreateDatasetVersionRequestBody(
            version_notes="notes v2", delete_old_versions=True,
            files=[ApiDatasetNewFile(token=slot2.token, description="file a", columns=columns)],
            subtitle="A subtitle that is long enough", description="desc", category_ids=["tabular"],
        )  # fmt: skip
        await kc.datasets.create_dataset_version("sandbox-user", "newds-slug", body)
        assert kc.recorder.bodies("CreateDatasetVersion")[-1] == {
            "ownerSlug": "sandbox-user", "datasetSlug": "newds-slug", "body": {
                "versionNotes": "notes v2", "deleteOldVersions": True, "files": [{**file_a, "token": slot2.token}],
                "subtitle": "A subtitle that is long enough", "description": "desc", "categoryIds": ["tabular"]},
        }  # fmt: skip
