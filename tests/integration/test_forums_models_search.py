"""Forums, Kaggle Models, search, run cancellation and file summaries: the client against the sandbox.

Every request body that goes out is also compared with kagglesdk's own serialisation of the same request
object (the official SDK is the outside oracle for field names, presence and enum spellings), and the
checks read real answers over HTTP.
"""

from __future__ import annotations

import io
import os
import tarfile

import anyio
import pytest

from kaggle_mcp.kaggle.errors import ApplicationError, InvalidReference, NotFound, UnsafePath

pytestmark = pytest.mark.anyio


def sdk_body(cls, **fields) -> dict:
    """kagglesdk's JSON for a request object built with these attributes."""
    request = cls()
    for name, value in fields.items():
        setattr(request, name, value)
    return request.to_dict()


def count_tree(comments) -> int:
    return sum(1 + count_tree(c.replies) for c in comments)


async def test_topics_of_every_forum_kind_and_their_bodies(client):
    from kagglesdk.discussions.types.discussions_api_service import (
        ApiListDatasetTopicsRequest, ApiListKernelTopicsRequest, ApiListModelTopicsRequest, ApiListTopicsRequest)
    from kagglesdk.discussions.types.discussions_enums import TopicListCategory, TopicListSortBy

    async with client() as kc:
        site = await kc.discussions.list_topics(forum_slug="titanic", sort_by="TOPIC_LIST_SORT_BY_TOP", page_size=5)
        assert kc.recorder.bodies("ListTopics")[-1] == sdk_body(
            ApiListTopicsRequest, forum_slug="titanic", sort_by=TopicListSortBy.TOPIC_LIST_SORT_BY_TOP, page_size=5,
            page_token="")
        votes = [t.votes for t in site.topics]
        assert len(site.topics) == 5 and votes == sorted(votes, reverse=True) and site.next_page_token
        competition = await kc.competitions.list_competition_topics("titanic")
        assert {t.id for t in site.topics} <= {t.id for t in competition.topics}   # one forum, two APIs

        writeups = await kc.discussions.list_topics(category="TOPIC_LIST_CATEGORY_COMPETITION_WRITE_UPS")
        assert kc.recorder.bodies("ListTopics")[-1] == sdk_body(
            ApiListTopicsRequest, category=TopicListCategory.TOPIC_LIST_CATEGORY_COMPETITION_WRITE_UPS, page_token="")
        assert len(writeups.topics) >= 3 and all("house-prices-2019" in t.url for t in writeups.topics)

        dataset = await kc.discussions.list_dataset_topics("alice", "titanic-extra-features", search_query="column")
        assert kc.recorder.bodies("ListDatasetTopics")[-1] == sdk_body(
            ApiListDatasetTopicsRequest, owner_slug="alice", dataset_slug="titanic-extra-features",
            search_query="column", page_token="")
        assert [t.title for t in dataset.topics] == ["Column meanings and units"]
        model = await kc.discussions.list_model_topics("carol", "olympiad-solver")
        assert kc.recorder.bodies("ListModelTopics")[-1] == sdk_body(
            ApiListModelTopicsRequest, owner_slug="carol", model_slug="olympiad-solver", page_token="")
        assert model.topics and all("/models/carol/olympiad-solver/discussion/" in t.url for t in model.topics)
        notebook_forum = next(t for t in (await kc.search.list_entities("", document_types=["TOPIC"],
                                                                        page_size=100)).documents
                              if "/code/" in (t.discussion_document.forum_url or ""))
        owner, slug = notebook_forum.discussion_document.forum_url.split("/code/")[1].split("/")[:2]
        kernel = await kc.discussions.list_kernel_topics(owner, slug)
        assert kc.recorder.bodies("ListKernelTopics")[-1] == sdk_body(
            ApiListKernelTopicsRequest, owner_slug=owner, kernel_slug=slug, page_token="")
        assert notebook_forum.id in {t.id for t in kernel.topics}
        with pytest.raises(NotFound):
            await kc.discussions.list_dataset_topics("nobody", "nothing")


async def test_a_340_comment_thread_is_read_whole_through_its_pages(client):
    from kagglesdk.discussions.types.discussions_api_service import ApiGetTopicRequest, ApiListCommentsRequest

    async with client() as kc:
        busiest = (await kc.discussions.list_topics(forum_slug="titanic", sort_by="TOPIC_LIST_SORT_BY_ACTIVE",
                                                    page_size=1)).topics[0]
        topic = await kc.discussions.get_topic(busiest.id)
        assert kc.recorder.bodies("GetTopic")[-1] == sdk_body(ApiGetTopicRequest, id=busiest.id)
        assert topic.content and topic.comment_count >= 300
        roots = [c async for c in kc.discussions.iter_comments(busiest.id)]
        assert kc.recorder.bodies("ListComments")[0] == sdk_body(ApiListCommentsRequest, topic_id=busiest.id,
                                                                  page_token="")
        assert len(kc.recorder.bodies("ListComments")) > 1   # more than one page
        assert count_tree(roots) == topic.comment_count
        depth = lambda cs: 1 + max((depth(c.replies) for c in cs), default=0) if cs else 0  # noqa: E731
        assert depth(roots) >= 4
        assert any("<pre><code" in c.content for c in roots) and any("<a href=" in c.content for c in roots)
        with pytest.raises(NotFound):
            await kc.discussions.get_topic(1)


async def test_models_instances_versions_files_with_sdk_bodies(client):
    from kagglesdk.models.types.model_api_service import (
        ApiGetModelInstanceRequest, ApiListModelInstancesRequest, ApiListModelInstanceVersionFilesRequest,
        ApiListModelInstanceVersionsRequest, ApiListModelsRequest)
    from kagglesdk.models.types.model_enums import ListModelsOrderBy, ModelFramework

    async with client() as kc:
        listed = await kc.models.list_models(search="bert")
        assert kc.recorder.bodies("ListModels")[-1] == sdk_body(
            ApiListModelsRequest, search="bert", sort_by=ListModelsOrderBy.LIST_MODELS_ORDER_BY_HOTNESS, owner="",
            page_size=20, page_token="")
        assert [m.ref for m in listed.models] == ["kaggle-sandbox/tiny-bert"]
        model = await kc.models.get_model("carol", "olympiad-solver")
        frameworks = {i.framework for i in model.instances}
        assert {"MODEL_FRAMEWORK_TRANSFORMERS", "MODEL_FRAMEWORK_GGUF", "MODEL_FRAMEWORK_PY_TORCH"} <= frameworks
        instance = await kc.models.get_model_instance("carol", "olympiad-solver", "transformers", "7b-instruct")
        assert kc.recorder.bodies("GetModelInstance")[-1] == sdk_body(
            ApiGetModelInstanceRequest, owner_slug="carol", model_slug="olympiad-solver",
            framework=ModelFramework.MODEL_FRAMEWORK_TRANSFORMERS, instance_slug="7b-instruct")
        assert instance.total_uncompressed_bytes > 300 << 20
        instances = await kc.models.list_model_instances("carol", "olympiad-solver")
        assert kc.recorder.bodies("ListModelInstances")[-1] == sdk_body(
            ApiListModelInstancesRequest, owner_slug="carol", model_slug="olympiad-solver", page_size=20,
            page_token="")
        assert {i.slug for i in instances.instances} == {i.slug for i in model.instances}
        versions = await kc.models.list_model_instance_versions("carol", "olympiad-solver", "pyTorch", "1.5b")
        assert kc.recorder.bodies("ListModelInstanceVersions")[-1] == sdk_body(
            ApiListModelInstanceVersionsRequest, owner_slug="carol", model_slug="olympiad-solver",
            framework=ModelFramework.MODEL_FRAMEWORK_PY_TORCH, instance_slug="1.5b", page_size=20, page_token="")
        assert [v.version_number for v in versions.version_list.versions] == [3, 2, 1]
        files = await kc.models.list_model_instance_version_files("carol", "olympiad-solver", "pyTorch", "1.5b", 3)
        assert kc.recorder.bodies("ListModelInstanceVersionFiles")[-1] == sdk_body(
            ApiListModelInstanceVersionFilesRequest, owner_slug="carol", model_slug="olympiad-solver",
            framework=ModelFramework.MODEL_FRAMEWORK_PY_TORCH, instance_slug="1.5b", version_number=3, page_size=20,
            page_token="")
        assert {f.name for f in files.files} == {"model.pt", "README.md"}
        with pytest.raises(NotFound):
            await kc.models.get_model_instance("carol", "olympiad-solver", "keras", "7b-instruct")
        with pytest.raises(InvalidReference):
            await kc.models.get_model_instance("carol", "olympiad-solver", "tensorflow9", "x")


async def test_model_downloads_one_file_a_whole_version_and_refuse_unsafe_paths(client, tmp_path):
    from kagglesdk.models.types.model_api_service import ApiDownloadModelInstanceVersionRequest
    from kagglesdk.models.types.model_enums import ModelFramework

    async with client() as kc:
        nested = await kc.models.download_model_instance_version(
            "kaggle-sandbox", "tiny-bert", "tensorFlow2", "tiny", 1, tmp_path / "one", path="variables/variables.index")
        assert kc.recorder.bodies("DownloadModelInstanceVersion")[-1] == sdk_body(
            ApiDownloadModelInstanceVersionRequest, owner_slug="kaggle-sandbox", model_slug="tiny-bert",
            framework=ModelFramework.MODEL_FRAMEWORK_TENSOR_FLOW_2, instance_slug="tiny", version_number=1,
            path="variables/variables.index")
        assert nested.path == tmp_path / "one" / "variables" / "variables.index" and nested.bytes == 2000
        whole = await kc.models.download_model_instance_version("kaggle-sandbox", "tiny-bert", "tensorFlow2", "tiny",
                                                                1, tmp_path / "all")
        assert whole.path.name == "tiny-bert.tar.gz"
        with tarfile.open(whole.path, "r:gz") as archive:
            members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
        assert members["variables/variables.index"] == nested.path.read_bytes()
        assert set(members) == {"saved_model.pb", "variables/variables.index",
                                "variables/variables.data-00000-of-00001", "vocab.txt"}
        sent = len(kc.recorder.sent)
        with pytest.raises(UnsafePath):
            await kc.models.download_model_instance_version("kaggle-sandbox", "tiny-bert", "tensorFlow2", "tiny", 1,
                                                            tmp_path, path="../escape")
        assert len(kc.recorder.sent) == sent   # refused before any request


async def test_the_large_weights_shard_is_read_by_range_from_both_ends(client):
    async with client() as kc:
        url = await kc.transfers.resolve("models.ModelApiService", "DownloadModelInstanceVersion",
                                         _download_request("model-00001-of-00002.safetensors"))
        head = await kc.transfers.read_head(url, 4096)
        tail = await kc.transfers.read_tail(url, 4096)
        assert head.total_size == tail.total_size == 320 << 20
        header_length = int.from_bytes(head.data[:8], "little")
        assert head.data[8:8 + header_length].startswith(b'{"__metadata__"')
        assert len(tail.data) == 4096 and tail.data != head.data
        ranged = [s for s in kc.recorder.sent if s.method == "GET" and "range" in s.headers]
        assert {s.headers["range"] for s in ranged} >= {"bytes=0-4095", "bytes=-4096"}


def _download_request(path: str):
    from kaggle_mcp.kaggle.models.model_hub import ApiDownloadModelInstanceVersionRequest

    return ApiDownloadModelInstanceVersionRequest(owner_slug="carol", model_slug="olympiad-solver",
                                                  framework="MODEL_FRAMEWORK_TRANSFORMERS",
                                                  instance_slug="7b-instruct", version_number=1, path=path)


async def test_search_every_kind_write_ups_and_the_cli_body(client):
    from kagglesdk.search.types.search_api_service import ListEntitiesFilters, ListEntitiesRequest
    from kagglesdk.search.types.search_enums import DocumentType, ListSearchContentOrderBy

    async with client() as kc:
        found = await kc.search.list_entities("titanic", page_size=50)
        filters = ListEntitiesFilters()
        filters.query = "titanic"
        filters.document_types = [DocumentType[t] for t in
                                  ("COMPETITION", "DATASET", "KERNEL", "MODEL", "USER", "TOPIC", "BENCHMARK")]
        assert kc.recorder.bodies("ListEntities")[-1] == sdk_body(
            ListEntitiesRequest, filters=filters, page_size=50,
            canonical_order_by=ListSearchContentOrderBy.LIST_SEARCH_CONTENT_ORDER_BY_UNSPECIFIED)
        kinds = {d.document_type for d in found.documents}
        assert {"COMPETITION", "DATASET", "KERNEL", "MODEL", "TOPIC"} <= kinds
        assert any(d.slug == "titanic" and d.document_type == "COMPETITION" for d in found.documents)
        users = await kc.search.list_entities("alice", document_types=["USER"])
        assert [d.slug for d in users.documents] == ["alice"]

        from kaggle_mcp.kaggle.models.search import ApiSearchDiscussionsFilters

        writeups = await kc.search.list_entities("", document_types=["TOPIC"], discussion_filters=
                                                 ApiSearchDiscussionsFilters(write_up_inclusion_type=
                                                                             "WRITE_UP_INCLUSION_TYPE_ONLY",
                                                                             write_up_types=["COMPETITION_SOLUTION"]))
        assert kc.recorder.bodies("ListEntities")[-1]["filters"]["discussionFilters"] == {
            "writeUpInclusionType": "WRITE_UP_INCLUSION_TYPE_ONLY", "writeUpTypes": ["COMPETITION_SOLUTION"]}
        places = sorted(d.discussion_document.write_up_metadata.competition_info.write_up_leaderboard_rank
                        for d in writeups.documents)
        assert places == [1, 2, 4, 37]


async def test_cancelling_a_running_notebook_stops_its_process(own_client, fresh_sandbox):
    from kagglesdk.kernels.types.kernels_api_service import ApiCancelKernelSessionRequest

    source = ("import os, time\nopen('pid.txt', 'w').write(str(os.getpid()))\nprint('started', flush=True)\n"
              "while True:\n    time.sleep(0.05)\n")
    async with own_client() as kc:
        await kc.kernels.save_kernel(slug="sandbox-user/cancel-me", new_title="Cancel me", text=source,
                                     language="python", kernel_type="script", is_private=True)
        run = None
        with anyio.fail_after(60):
            while run is None or not (run.output_dir / "pid.txt").exists():   # wait until it really runs
                version = fresh_sandbox.state.kernels["sandbox-user/cancel-me"].versions[-1]
                run = version.run
                await anyio.sleep(0.05)
        pid = int((run.output_dir / "pid.txt").read_text())
        mine = await kc.search.list_entities("cancel-me", document_types=["KERNEL"],
                                             list_type="API_LIST_TYPE_YOUR_WORK")
        (document,) = mine.documents
        session = document.kernel_document.session_id
        assert session == version.session_id
        await kc.kernels.cancel_kernel_session(session)
        assert kc.recorder.bodies("CancelKernelSession")[-1] == sdk_body(ApiCancelKernelSessionRequest,
                                                                         kernel_session_id=session)
        with anyio.fail_after(30):
            while (await kc.kernels.get_kernel_session_status("sandbox-user", "cancel-me")).status != \
                    "CANCEL_ACKNOWLEDGED":
                await anyio.sleep(0.1)
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)   # the session's process is gone, not merely reported as stopped
        with pytest.raises(ApplicationError):
            await kc.kernels.cancel_kernel_session(123)


async def test_data_files_summary_and_a_dataset_file_tail(client, tmp_path):
    from kagglesdk.competitions.types.competition_api_service import ApiGetCompetitionDataFilesSummaryRequest

    async with client() as kc:
        summary = await kc.competitions.get_competition_data_files_summary("titanic")
        assert kc.recorder.bodies("GetCompetitionDataFilesSummary")[-1] == sdk_body(
            ApiGetCompetitionDataFilesSummaryRequest, competition_name="titanic")
        listed = [f async for f in kc.competitions.iter_data_files("titanic")]
        (csv,) = summary.file_summary_info.file_types
        assert summary.file_summary_info.total_file_count == len(listed) == csv.file_count
        assert csv.total_size == sum(f.total_bytes for f in listed)
        assert summary.column_summary_info.total_column_count > 0
        url = await kc.datasets.dataset_file_url("alice", "titanic-extra-features", "family_features.csv")
        tail = await kc.transfers.read_tail(url, 100)
        whole = await kc.datasets.download_dataset("alice", "titanic-extra-features", tmp_path,
                                                   file_name="family_features.csv")
        assert tail.data == whole.path.read_bytes()[-100:] and tail.total_size == whole.bytes
        small = await kc.transfers.read_tail(url, 10 << 20)   # more than the file: the whole file
        assert small.data == whole.path.read_bytes() and io.BytesIO(small.data).read(11) == b"PassengerId"
