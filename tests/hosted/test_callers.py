"""The callers' pool of one replica (`kaggle_mcp.callers.Callers`), in process against the sandbox, with an
injectable clock: a credential is checked once per TTL, idle clients are closed, the pool is bounded, and
what is remembered is keyed by an HMAC, never the credential."""

from __future__ import annotations

import anyio
import pytest

from kaggle_mcp import callers as callers_module
from kaggle_mcp.callers import CALLER_TTL_SECONDS, IDLE_SECONDS, SWEEP_SECONDS, CallerRefused, Callers
from kaggle_mcp.deployment import Deployment
from kaggle_mcp.sandbox import user_token
from kaggle_mcp.settings import Settings

pytestmark = pytest.mark.anyio

INTROSPECT = "security.OAuthService/IntrospectToken"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def pool(fresh_sandbox, tmp_path):
    settings = Settings(endpoint=fresh_sandbox.url, workspace=tmp_path / "workspace", multi_user=True)
    deployment = Deployment(settings)
    clock = Clock()
    callers = Callers(settings, deployment.client, deployment.store, clock=clock)
    yield callers, clock
    await callers.aclose()
    await deployment.aclose()


def bearer(user: str) -> str:
    return f"Bearer {user_token(user)}"


async def _use(callers: Callers, authorization: str) -> str:
    async with callers.admitted(authorization) as caller:
        return caller.user


async def test_a_credential_is_checked_again_only_after_its_ttl(pool, fresh_sandbox):
    callers, clock = pool
    assert [await _use(callers, bearer("alice")) for _ in range(3)] == ["alice"] * 3
    assert fresh_sandbox.call_counts[INTROSPECT] == 1
    async with callers.admitted(bearer("alice")) as first:
        old_client = first.account.client
    clock.now += CALLER_TTL_SECONDS + 1
    assert await _use(callers, bearer("alice")) == "alice"
    assert fresh_sandbox.call_counts[INTROSPECT] == 2
    assert old_client.http.is_closed  # the replaced client, idle, is closed at once


async def test_idle_clients_are_closed_and_reopened_on_demand(pool, fresh_sandbox):
    callers, clock = pool
    async with callers.admitted(bearer("alice")) as alice:
        client = alice.account.client
    assert callers.stats()["clients_open"] == 1
    clock.now += IDLE_SECONDS + SWEEP_SECONDS + 1
    assert await _use(callers, bearer("bob")) == "bob"  # a request sweeps the idle ones
    assert client.http.is_closed and callers.stats()["clients_open"] == 1


async def test_the_pool_is_bounded_and_never_closes_a_busy_client(pool, monkeypatch):
    callers, _ = pool
    monkeypatch.setattr(callers_module, "MAX_CALLERS", 2)
    async with callers.admitted(bearer("alice")) as alice, callers.admitted(bearer("bob")):
        with pytest.raises(CallerRefused) as full:
            await _use(callers, bearer("carol"))
        assert full.value.status == 503 and full.value.retry_after
        assert not alice.account.client.http.is_closed
    assert await _use(callers, bearer("carol")) == "carol"  # now alice (least recently used, idle) makes room
    assert alice.account.client.http.is_closed and callers.stats()["clients_open"] == 2


async def test_calls_in_flight_are_limited_per_user(pool, monkeypatch):
    callers, _ = pool
    monkeypatch.setattr(callers_module, "CALLS_PER_USER", 2)
    async with callers.admitted(bearer("alice")), callers.admitted(bearer("alice")):
        with pytest.raises(CallerRefused) as busy:
            await _use(callers, bearer("alice"))
        assert busy.value.status == 429 and "2 calls in flight" in busy.value.message
        assert await _use(callers, bearer("bob")) == "bob"  # another user is not held up
    assert await _use(callers, bearer("alice")) == "alice"


async def test_a_refused_credential_is_remembered_briefly(pool, fresh_sandbox):
    callers, clock = pool
    bad = "Bearer KGAT_" + "z" * 32
    for _ in range(3):
        with pytest.raises(CallerRefused) as refused:
            await _use(callers, bad)
        assert refused.value.status == 401
    assert fresh_sandbox.call_counts[INTROSPECT] == 1
    clock.now += callers_module.REFUSAL_TTL_SECONDS + 1
    with pytest.raises(CallerRefused):
        await _use(callers, bad)
    assert fresh_sandbox.call_counts[INTROSPECT] == 2


async def test_concurrent_first_requests_of_one_credential_ask_kaggle_once(pool, fresh_sandbox):
    callers, _ = pool
    fresh_sandbox.set_latency(200)
    users: list[str] = []

    async def ask() -> None:
        users.append(await _use(callers, bearer("alice")))

    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(ask)
    assert users == ["alice"] * 8 and fresh_sandbox.call_counts[INTROSPECT] == 1


async def test_nothing_remembered_holds_the_credential(pool):
    callers, _ = pool
    token = user_token("alice")
    await _use(callers, f"Bearer {token}")
    with pytest.raises(CallerRefused):
        await _use(callers, "Bearer KGAT_" + "z" * 32)  # refused, and remembered as such
    remembered = [*callers._callers, *callers._refused]
    assert len(remembered) == 2 and all(token not in key and "z" * 32 not in key for key in remembered)
    assert callers.digest(f"Bearer {token}") in remembered
    assert Callers(callers.settings, callers._new_client, callers._store).digest(f"Bearer {token}") not in remembered


async def test_a_busy_callers_replaced_client_is_closed_not_leaked(pool, fresh_sandbox):
    """A caller in steady use is never idle, so no sweep closes the client its re-check replaced: the re-check
    itself must (else every active user leaks a client per TTL)."""
    callers, clock = pool
    async with callers.admitted(bearer("alice")) as first:
        old_client = first.account.client
    for _ in range(int(CALLER_TTL_SECONDS // 10) + 1):  # a request every 10 s, past the TTL
        clock.now += 10
        assert await _use(callers, bearer("alice")) == "alice"
    assert fresh_sandbox.call_counts[INTROSPECT] == 2
    assert old_client.http.is_closed and callers.stats()["clients_open"] == 1


async def test_a_hold_keeps_a_client_open_for_work_after_its_request(pool):
    """A build answered before it runs uses the caller's client after the request ended: while it holds the
    client, neither the idle sweep nor a re-check closes it; its release does."""
    callers, clock = pool
    async with callers.admitted(bearer("alice")) as alice:
        client = alice.account.client
        release = callers.hold(alice.account)
    clock.now += max(CALLER_TTL_SECONDS, IDLE_SECONDS) + SWEEP_SECONDS + 1
    assert await _use(callers, bearer("alice")) == "alice"  # re-checked and swept meanwhile
    assert not client.http.is_closed
    await release()
    assert client.http.is_closed
    assert callers.stats()["clients_open"] == 1
