"""The proto3 presence rules and lenient response parsing (reference §1.4, §1.5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kaggle_mcp.kaggle.errors import BadRequest
from kaggle_mcp.kaggle.models.competitions import ApiCompetition, ApiListCompetitionsRequest, ApiListSubmissionsRequest
from kaggle_mcp.kaggle.models.datasets import ApiCreateDatasetRequest, ApiCreateDatasetVersionRequest, ApiCreateDatasetVersionRequestBody, ApiDatasetColumn, ApiDatasetNewFile, ApiListDatasetsRequest
from kaggle_mcp.kaggle.models.kernels import ApiGetAcceleratorQuotaStatisticsResponse, ApiGetKernelSessionStatusResponse, ApiListKernelsRequest, ApiSaveKernelRequest


def test_plain_fields_are_omitted_at_their_default_and_optional_fields_sent_when_set():
    body = ApiListSubmissionsRequest(competition_name="titanic", page=1, page_token="").to_wire()
    # sortBy/group equal their zero NAMEs and are plain: omitted; page/pageToken optional: sent even "" / 0
    assert body == {"competitionName": "titanic", "page": 1, "pageToken": ""}
    assert ApiListCompetitionsRequest().to_wire() == {}
    assert ApiListCompetitionsRequest(search="", page=0).to_wire() == {"search": "", "page": 0}


def test_enum_zero_member_omitted_for_plain_enum_but_sent_for_optional_enum():
    assert "sortBy" not in ApiListKernelsRequest(sort_by="HOTNESS").to_wire()
    assert ApiListKernelsRequest(sort_by="VOTE_COUNT").to_wire() == {"sortBy": "VOTE_COUNT"}
    assert ApiListCompetitionsRequest(category="HOST_SEGMENT_UNSPECIFIED").to_wire() == {
        "category": "HOST_SEGMENT_UNSPECIFIED"
    }


def test_unknown_enum_value_and_unknown_field_are_local_errors():
    with pytest.raises(BadRequest, match="sort_by.*VOTE_COUNT"):
        ApiListKernelsRequest(sort_by="votes")
    with pytest.raises(BadRequest, match="not_a_field"):
        ApiSaveKernelRequest(not_a_field=1)


def test_optional_false_is_sent_and_plain_false_is_not():
    assert ApiSaveKernelRequest(enable_gpu=False).to_wire() == {"enableGpu": False}
    assert ApiCreateDatasetRequest(is_private=False, title="t").to_wire() == {"title": "t"}
    assert ApiCreateDatasetRequest(is_private=True).to_wire() == {"isPrivate": True}


def test_nested_messages_and_lists_serialize_recursively():
    column = ApiDatasetColumn(order=0, name="a", type="integer", original_type="integer", description="")
    request = ApiCreateDatasetVersionRequest(
        owner_slug="alice",
        dataset_slug="ds",
        body=ApiCreateDatasetVersionRequestBody(
            version_notes="v2", files=[ApiDatasetNewFile(token="t1", columns=[column]), ApiDatasetNewFile(token="t2")]
        ),
    )
    assert request.to_wire() == {
        "ownerSlug": "alice",
        "datasetSlug": "ds",
        "body": {
            "versionNotes": "v2",
            "files": [
                {
                    "token": "t1",
                    "columns": [
                        {"order": 0, "name": "a", "type": "integer", "originalType": "integer", "description": ""}
                    ],
                },
                {"token": "t2"},
            ],
        },
    }


def test_no_null_ever_sent():
    body = ApiListDatasetsRequest(search=None, user=None).to_wire()
    assert body == {} and None not in body.values()


def test_responses_accept_int64_strings_nanosecond_timestamps_nulls_and_unknown_fields():
    comp = ApiCompetition.model_validate(
        {
            "id": "9007199254740993",
            "ref": "https://www.kaggle.com/competitions/titanic",
            "teamCount": "15000",
            "deadline": "2030-01-07T23:59:00.123456789Z",
            "title": None,
            "somethingNew": {"x": 1},
        }
    )
    assert comp.id == 9007199254740993 and comp.team_count == 15000
    assert comp.deadline == datetime(2030, 1, 7, 23, 59, 0, 123456, tzinfo=UTC)
    assert comp.title is None and comp.slug == "titanic"
    assert comp.user_has_entered is False and comp.tags == []


def test_enum_and_duration_decoding():
    assert ApiGetKernelSessionStatusResponse.model_validate({}).status == "QUEUED"
    assert ApiGetKernelSessionStatusResponse.model_validate({"status": "complete"}).status == "COMPLETE"
    quota = ApiGetAcceleratorQuotaStatisticsResponse.model_validate(
        {"gpuQuota": {"timeUsed": "3600s", "totalTimeAllowed": "108000.5s"}}
    )
    assert quota.gpu_quota.time_used == timedelta(hours=1)
    assert quota.gpu_quota.time_remaining == timedelta(seconds=108000.5 - 3600)
