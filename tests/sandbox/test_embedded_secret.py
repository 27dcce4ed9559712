"""Issue 11 item 4: the embedded sandbox answers only to the server that started it.

Before, any local process could read the embedded sandbox's URL from the server's log and push a kernel
there with any well-shaped token; the kernel then ran as the server's user (also under --read-only). With
`SandboxSettings.embedded()` every route but the random upload URLs needs this process's secret. Standalone
(`kaggle-agent-mcp sandbox`) still accepts any well-shaped credential, which the official CLI needs.
"""

from __future__ import annotations

import base64
import secrets

import anyio
import httpx
import pytest

from kaggle_mcp.sandbox import SANDBOX_TOKEN, SandboxSettings, serve_in_thread

STRANGERS = {
    "the documented sandbox token": {"Authorization": f"Bearer {SANDBOX_TOKEN}"},
    "another well-shaped token": {"Authorization": f"Bearer KGAT_{secrets.token_hex(16)}"},
    "a well-shaped legacy key": {"Authorization": "Basic " + base64.b64encode(f"me:{secrets.token_hex(16)}".encode()).decode()},
    "no credentials": {},
}
PUSH = {"slug": "sandbox-user/intruder", "newTitle": "Intruder", "text": "print('pwned')", "language": "python",
        "kernelType": "script"}


@pytest.fixture(scope="module")
def embedded():
    settings = SandboxSettings.embedded(seed=0)
    with serve_in_thread(settings, host="127.0.0.1", port=0) as sb:
        yield sb, settings.secret


@pytest.mark.parametrize("who", STRANGERS)
def test_without_the_secret_nothing_is_served_and_no_kernel_runs(embedded, http, call_on, who):
    sb, _ = embedded
    call = call_on(sb)
    for rpc, body in (("K/SaveKernel", PUSH), ("S/ListCompetitions", {}), ("O/IntrospectToken", {"token": SANDBOX_TOKEN}),
                      ("S/DownloadDataFile", {"competitionName": "titanic", "fileName": "train.csv"})):
        answer = call(rpc, body, auth=False, headers=STRANGERS[who])
        assert answer.status_code == 401, (rpc, answer.text)
    assert "sandbox-user/intruder" not in sb.state.kernels
    # a seeded file's storage URL is guessable; it is refused too
    assert http.get(f"{sb.url}/blobs/comp-titanic-test.csv/test.csv", headers=STRANGERS[who]).status_code == 401


def test_the_secret_opens_everything_and_uploads_stay_capability_urls(embedded, http, call_on):
    sb, secret = embedded
    assert secret.startswith("KGAT_") and len(secret) == 37 and secret != SANDBOX_TOKEN
    auth = {"Authorization": f"Bearer {secret}"}
    call = call_on(sb)
    assert call("S/ListCompetitions", {}, auth=False, headers=auth).status_code == 200
    assert call("O/IntrospectToken", {"token": secret}, auth=False, headers=auth).json()["active"] is True
    redirect = call("S/DownloadDataFile", {"competitionName": "titanic", "fileName": "test.csv"}, auth=False, headers=auth)
    assert http.get(redirect.headers["location"], headers=auth).content.startswith(b"PassengerId")
    slot = call("B/StartBlobUpload", {"type": "DATASET", "name": "a.csv", "contentLength": 2}, auth=False,
                headers=auth).json()
    assert http.put(slot["createUrl"], content=b"ok").status_code in (200, 201)  # no Authorization, as on Kaggle


@pytest.mark.anyio
async def test_the_client_works_with_the_secret_as_its_token(embedded, tmp_path):
    from kaggle_mcp.kaggle import ClientSettings, Credentials, KaggleClient

    sb, secret = embedded
    async with KaggleClient(ClientSettings(endpoint=sb.url), Credentials.token(secret, source="embedded sandbox")) as kc:
        assert await kc.username() == "sandbox-user"
        got = await kc.competitions.download_data_file("titanic", "test.csv", tmp_path)
    assert got.path.read_bytes().startswith(b"PassengerId")


def test_standalone_accepts_any_well_shaped_credential(sandbox, call_on):
    call = call_on(sandbox)
    for who in ("another well-shaped token", "a well-shaped legacy key"):
        assert call("S/ListCompetitions", {}, auth=False, headers=STRANGERS[who]).status_code == 200
    assert SandboxSettings().secret is None
