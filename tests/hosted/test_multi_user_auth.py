"""Issue 14 item 1: in multi-user mode each request brings its caller's own Kaggle credentials.

A real `serve --transport http --multi-user` process with no Kaggle credentials of its own, the sandbox (which
knows alice, bob and carol by their tokens and legacy keys) behind it, and the official MCP client in front.
"""

from __future__ import annotations

import json
import subprocess
import sys

import anyio
import httpx
import pytest
from hosted_helpers import as_user, basic, bearer, multi_user_env

from kaggle_mcp.sandbox import user_key, user_token

pytestmark = pytest.mark.anyio

INTROSPECT = "security.OAuthService/IntrospectToken"
QUOTA = "kernels.KernelsApiService/GetAcceleratorQuotaStatistics"


def test_no_credentials_is_a_401_with_a_challenge_and_a_fix(hosted):
    base, _, _ = hosted
    for method, path in (("POST", "/mcp"), ("GET", "/api/competitions/titanic"), ("POST", "/api/get-context")):
        answer = httpx.request(method, f"{base}{path}", json={}, timeout=10)
        assert answer.status_code == 401, (path, answer.text)
        challenge = answer.headers["www-authenticate"]
        assert challenge.startswith("Bearer ") and "Basic " in challenge
        message = answer.json()["message"]
        assert "\n" not in message and "Authorization: Bearer" in message and "kaggle.com/settings" in message
    for path in ("/health", "/health/ready", "/metrics"):  # what a load balancer and Prometheus ask, unauthenticated
        assert httpx.get(f"{base}{path}", timeout=10).status_code == 200, path


@pytest.mark.parametrize("authorization", [
    f"Bearer KGAT_{'0' * 31}x",  # not a token Kaggle knows
    "Basic " + "YWxpY2U6" + "MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=",  # alice with someone else's key
    "Basic not-base64!",
    "Digest username=alice",
    "Bearer",
])
def test_credentials_kaggle_refuses_are_a_401(hosted, authorization):
    base, _, _ = hosted
    answer = httpx.post(f"{base}/mcp", json={}, headers={"Authorization": authorization}, timeout=10)
    assert answer.status_code == 401, answer.text
    assert "Bearer" in answer.headers["www-authenticate"]
    credential = authorization.partition(" ")[2]
    assert not credential or credential not in answer.text


async def test_each_caller_acts_as_their_own_kaggle_user(hosted, hosted_sandbox):
    base, stderr, root = hosted
    async with as_user(base, bearer("alice")) as alice, as_user(base, basic("bob")) as bob:
        alice_me = (await alice.call_tool("whoami", {})).structured_content
        bob_me = (await bob.call_tool("whoami", {})).structured_content
    assert alice_me["username"] == "alice" and alice_me["credential_kind"] == "token"
    assert bob_me["username"] == "bob" and bob_me["credential_kind"] == "legacy_key"
    # each their own folder, named without the server's own path
    assert (alice_me["workspace"], bob_me["workspace"]) == ("<workspace>/alice", "<workspace>/bob")
    assert str(root) not in json.dumps([alice_me, bob_me])
    assert alice_me["gpu_quota"] != bob_me["gpu_quota"]  # alice's private notebook ran longer on a GPU
    log = stderr.read_text()
    assert user_token("alice") not in log and user_key("bob") not in log and "caller alice validated" in log


async def test_a_credential_is_checked_with_kaggle_once_then_remembered(hosted, hosted_sandbox):
    base, _, _ = hosted
    before = hosted_sandbox.call_counts[INTROSPECT]
    async with as_user(base, bearer("carol")) as carol:  # a user no other test of this module signs in as
        for _ in range(5):
            me = (await carol.call_tool("whoami", {})).structured_content
            assert me["username"] == "carol"
    # the first request asked who this is; the client's own whoami asks nothing more (the user name is known)
    assert hosted_sandbox.call_counts[INTROSPECT] - before == 1


async def test_concurrent_first_requests_share_one_check(hosted, hosted_sandbox):
    base, _, _ = hosted
    before = hosted_sandbox.call_counts[QUOTA]
    headers = basic("dmitri")  # a legacy key is checked with one quota call
    statuses: list[int] = []

    async def ask() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            statuses.append((await http.get(f"{base}/api/competitions/no-context-yet", headers=headers)).status_code)

    async with anyio.create_task_group() as tg:
        for _ in range(6):
            tg.start_soon(ask)
    assert statuses == [404] * 6  # admitted (no context built yet), not 401
    assert hosted_sandbox.call_counts[QUOTA] - before == 1


async def test_the_metrics_never_carry_a_user_or_a_credential(hosted):
    base, _, _ = hosted
    async with as_user(base, bearer("erin")) as erin:
        await erin.call_tool("whoami", {})
    text = httpx.get(f"{base}/metrics", timeout=10).text
    assert 'kaggle_mcp_tool_calls_total{outcome="ok",tool="whoami"}' in text
    assert "erin" not in text and user_token("erin") not in text


@pytest.mark.parametrize(("args", "env", "says"), [
    (["--transport", "http", "--multi-user"], {"KAGGLE_MCP_HTTP_TOKEN": "shared-secret"}, "KAGGLE_MCP_HTTP_TOKEN"),
    (["--transport", "sse", "--multi-user"], {}, "streamable HTTP only"),
    (["--transport", "http", "--multi-user", "--sandbox"], {}, "sandbox"),
])
def test_multi_user_mode_refuses_what_it_excludes(tmp_path, args, env, says):
    (tmp_path / "home").mkdir()
    base_env = multi_user_env("http://127.0.0.1:9", tmp_path) | env
    base_env.pop("KAGGLE_MCP_MULTI_USER")
    done = subprocess.run([sys.executable, "-m", "kaggle_mcp", "serve", *args, "--port", "0"], env=base_env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "shared-secret" not in done.stderr
