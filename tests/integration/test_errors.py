"""Error shapes (reference §1.5, §1.6) and the retry policy (§6), against the sandbox's fault injection.

Two shapes the sandbox never sends (an HTML 502 from a front end, and a 200 carrying
``{"code": 4xx}``) use httpx.MockTransport; everything else is real HTTP.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient
from kaggle_mcp.kaggle.errors import (
    BadRequest,
    Forbidden,
    KaggleError,
    NetworkError,
    NotFound,
    ProtocolError,
    RateLimited,
    ServerError,
    Unauthorized,
)
from kaggle_mcp.kaggle.protocol import parse_retry_after

from .conftest import open_client

pytestmark = pytest.mark.anyio

GET_COMP = "competitions.CompetitionApiService/GetCompetition"
CREATE_SUB = "competitions.CompetitionApiService/CreateSubmission"


async def test_code_message_404_and_400(client):
    async with client() as kc:
        with pytest.raises(NotFound) as info:
            await kc.competitions.get_competition("nope-nope")
        assert info.value.rpc == GET_COMP and info.value.status == 404
        with pytest.raises(BadRequest) as info:
            await kc.competitions.get_competition("")
        assert info.value.status == 400 and "competitionName" in info.value.message


async def test_wrong_credentials_are_unauthorized(sandbox):
    async with open_client(sandbox, credentials=Credentials.token("KGAT_not-valid")) as kc:
        with pytest.raises(Unauthorized) as info:
            await kc.competitions.get_competition("titanic")
        assert info.value.status == 401 and "KGAT_not-valid" not in str(info.value)


async def test_forbidden_rules(client, tmp_path):
    async with client() as kc:
        with pytest.raises(Forbidden) as info:
            await kc.competitions.submit("retail-demand-forecast", _csv(tmp_path), "x")
        assert info.value.rules_not_accepted


async def test_google_style_429_with_retry_after_when_budget_is_spent(fresh_sandbox):
    fresh_sandbox.set_faults(f"429=1.0,retry_after=7,only={GET_COMP}")
    async with open_client(fresh_sandbox, retry_seconds=1.0) as kc:
        with pytest.raises(RateLimited) as info:
            await kc.competitions.get_competition("titanic")
    assert info.value.retry_after == 7 and info.value.message == "Too many requests"
    # a 7 s wait does not fit a 1 s budget: no second attempt was made
    assert fresh_sandbox.call_counts[GET_COMP] == 1


async def test_429_then_success_honours_retry_after(fresh_sandbox):
    fresh_sandbox.set_faults(f"429=1.0,max=1,retry_after=1,only={GET_COMP}")
    async with open_client(fresh_sandbox) as kc:
        started = time.monotonic()
        comp = await kc.competitions.get_competition("titanic")
        elapsed = time.monotonic() - started
    assert comp.slug == "titanic" and fresh_sandbox.call_counts[GET_COMP] == 2
    assert elapsed >= 0.9


async def test_5xx_retried_only_when_transient(fresh_sandbox):
    """502/503 are retried; 500 is not (retrying a server bug does not fix it)."""
    outcomes = set()
    async with open_client(fresh_sandbox) as kc:
        for _ in range(12):
            fresh_sandbox.set_faults(f"5xx=1.0,max=1,only={GET_COMP}")
            before = fresh_sandbox.call_counts[GET_COMP]
            try:
                await kc.competitions.get_competition("titanic")
                outcomes.add("retried")
                assert fresh_sandbox.call_counts[GET_COMP] - before == 2
            except ServerError as exc:
                outcomes.add("500")
                assert exc.status == 500 and fresh_sandbox.call_counts[GET_COMP] - before == 1
    assert "retried" in outcomes


async def test_dropped_and_truncated_answers_are_retried_for_reads(fresh_sandbox):
    async with open_client(fresh_sandbox) as kc:
        for kind in ("drop", "truncate"):
            fresh_sandbox.set_faults(f"{kind}=1.0,max=1,only={GET_COMP}")
            before = fresh_sandbox.call_counts[GET_COMP]
            assert (await kc.competitions.get_competition("titanic")).slug == "titanic"
            assert fresh_sandbox.call_counts[GET_COMP] - before == 2


async def test_create_submission_is_never_retried(fresh_sandbox, tmp_path):
    async with open_client(fresh_sandbox) as kc:
        path = _csv(tmp_path)
        slot = await kc.competitions.start_submission_upload("titanic", path.stat().st_size, 1_700_000_000, path.name)
        await kc.transfers.upload(slot.create_url, path)
        fresh_sandbox.set_faults(f"5xx=1.0,only={CREATE_SUB}")
        with pytest.raises(ServerError):
            await kc.competitions.create_submission("titanic", slot.token, "m")
        assert fresh_sandbox.call_counts[CREATE_SUB] == 1
        fresh_sandbox.set_faults(f"drop=1.0,only={CREATE_SUB}")
        with pytest.raises(NetworkError) as info:
            await kc.competitions.create_submission("titanic", slot.token, "m")
        assert fresh_sandbox.call_counts[CREATE_SUB] == 2 and "check whether it took effect" in str(info.value)


async def test_dataset_writes_retry_only_when_kaggle_never_acted(fresh_sandbox, tmp_path):
    """A 429 proves CreateDataset was refused, so it is repeated; a lost answer may hide a success,
    so it is not: publishing twice would fail on 'slug in use' or add a second version."""
    create = "datasets.DatasetApiService/CreateDataset"
    path = tmp_path / "a.csv"
    path.write_text("a,b\n1,2\n")
    async with open_client(fresh_sandbox) as kc:
        fresh_sandbox.set_faults(f"429=1.0,max=1,retry_after=0,only={create.split('/')[1]}")
        made = await kc.datasets.create_dataset_from_files("sandbox-user", "retry-after-429", "Retry after 429", [path])
        assert made.status.lower() == "ok" and fresh_sandbox.call_counts[create] == 2
        fresh_sandbox.set_faults(f"drop=1.0,max=1,only={create.split('/')[1]}")
        with pytest.raises(NetworkError) as info:
            await kc.datasets.create_dataset_from_files("sandbox-user", "lost-answer", "Lost answer", [path])
        assert fresh_sandbox.call_counts[create] == 3 and "check whether it took effect" in str(info.value)


async def test_blob_start_upload_is_retried(fresh_sandbox):
    fresh_sandbox.set_faults("429=1.0,max=1,retry_after=0,only=StartBlobUpload")
    async with open_client(fresh_sandbox) as kc:
        slot = await kc.blobs.start_blob_upload(type="DATASET", name="a.csv", content_length=4)
    assert slot.token and slot.create_url.startswith("http")
    assert fresh_sandbox.call_counts["blobs.BlobApiService/StartBlobUpload"] == 2


async def test_unreachable_endpoint_is_network_error():
    settings = ClientSettings(endpoint="http://127.0.0.1:9", retry_seconds=0.5, connect_timeout=0.5)
    async with KaggleClient(settings, Credentials.anonymous()) as kc:
        with pytest.raises(NetworkError):
            await kc.competitions.list_competitions()


def test_retry_after_parsing():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


# -- shapes the sandbox does not produce (front-end HTML, 200 with an error code) ---------------


def _mock(handler) -> KaggleClient:
    settings = ClientSettings(endpoint="https://api.example.test", retry_seconds=0)
    return KaggleClient(settings, Credentials.anonymous(), transport=httpx.MockTransport(handler))


async def test_html_502_from_a_front_end_and_200_with_error_code():
    async with _mock(lambda r: httpx.Response(502, html="<html>Bad Gateway</html>")) as kc:
        with pytest.raises(ServerError) as info:
            await kc.competitions.get_competition("titanic")
        assert info.value.status == 502 and "Bad Gateway" in info.value.message
    async with _mock(lambda r: httpx.Response(200, json={"code": 403, "message": "Permission denied"})) as kc:
        with pytest.raises(Forbidden, match="Permission denied"):
            await kc.competitions.get_competition("titanic")
    async with _mock(lambda r: httpx.Response(200, json=[1, 2])) as kc:
        with pytest.raises(ProtocolError):
            await kc.competitions.get_competition("titanic")


async def test_error_message_fields_inside_200_are_raised():
    from kaggle_mcp.kaggle.errors import ApplicationError

    async with _mock(lambda r: httpx.Response(200, json={"errorMessage": "Dataset is being processed"})) as kc:
        with pytest.raises(ApplicationError, match="being processed"):
            await kc.datasets.list_dataset_files("alice", "ds")
        with pytest.raises(ApplicationError, match="being processed"):
            await kc.datasets.get_dataset_metadata("alice", "ds")


def test_every_error_is_a_kaggle_error():
    for cls in (NotFound, Unauthorized, Forbidden, RateLimited, ServerError, ProtocolError, NetworkError, BadRequest):
        assert issubclass(cls, KaggleError)


def _csv(tmp_path):
    path = tmp_path / "sub.csv"
    path.write_text("PassengerId,Survived\n892,0\n")
    return path


async def test_lone_surrogates_from_kaggle_are_replaced_where_answers_are_parsed():
    """JSON may escape half a surrogate pair; left in, it breaks every UTF-8 writer downstream."""
    from kaggle_mcp.sandbox import SandboxSettings, serve

    async with serve(SandboxSettings(seed=0, hostile=True), host="127.0.0.1", port=0) as sb:
        async with open_client(sb) as kc:
            names = [f.name async for f in kc.competitions.iter_data_files("hostile-content")]
    assert "bad-\ufffd-name.csv" in names
    for name in names:
        name.encode("utf-8")  # raises on any lone surrogate left
