"""The sandbox knows several users: each token names its user, who sees only their own private work."""

from __future__ import annotations

import base64

import pytest

from kaggle_mcp.sandbox import SANDBOX_TOKEN, user_key, user_token

SEEDED = ["sandbox-user", "alice", "bob", "carol", "dmitri", "erin", "kaggle-sandbox"]


def bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_token(user)}"}


def basic(user: str, key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()}


def as_user(call, user: str):
    def send(rpc: str, body: dict | None = None):
        return call(rpc, body, auth=False, headers=bearer(user))

    return send


def test_each_token_introspects_to_its_own_user(call):
    answers = [call("O/IntrospectToken", {"token": user_token(u)}, auth=False, headers=bearer(u)).json() for u in SEEDED]
    assert [a["username"] for a in answers] == SEEDED and all(a["active"] for a in answers)
    assert len({a["userId"] for a in answers}) == len(SEEDED)
    assert answers[0]["userId"] == 1_000_001
    assert len({user_token(u) for u in SEEDED}) == len(SEEDED)
    assert user_token("alice") == user_token("alice") and user_token("alice")[:5] == "KGAT_"  # derived: stable
    # any other well-shaped token is still sandbox-user (the official CLI and older tests send those)
    for token in (SANDBOX_TOKEN, "KGAT_" + "0" * 32):
        assert call("O/IntrospectToken", {"token": token}).json()["username"] == "sandbox-user"
    assert call("O/IntrospectToken", {"token": "KGAT_nope"}).json() == {"active": False}


def test_hello_answers_the_caller(call):
    for user in ("alice", "bob"):
        assert as_user(call, user)("api.v1.DiagnosticsService/Hello").json()["userName"] == user
        by_key = call("api.v1.DiagnosticsService/Hello", auth=False, headers=basic(user, user_key(user)))
        assert by_key.json()["userName"] == user


@pytest.mark.parametrize("user, key", [("alice", user_key("bob")), ("alice", "ab" * 16), ("mallory", user_key("bob"))])
def test_a_seeded_users_key_is_theirs_alone(call, user, key):
    refused = call("api.v1.DiagnosticsService/Hello", auth=False, headers=basic(user, key))
    assert refused.status_code == 401


def test_private_notebooks_are_their_owners(call):
    alice, bob = as_user(call, "alice"), as_user(call, "bob")
    mine = alice("K/ListKernels", {"group": "PROFILE", "pageSize": 100}).json()["kernels"]
    assert "alice/titanic-private-experiments" in {k["ref"] for k in mine}
    assert alice("K/GetKernel", {"userName": "alice", "kernelSlug": "titanic-private-experiments"}).status_code == 200
    for other in (bob, as_user(call, "sandbox-user")):
        listed = other("K/ListKernels", {"competition": "titanic", "pageSize": 100}).json()["kernels"]
        assert "alice/titanic-private-experiments" not in {k["ref"] for k in listed}
        assert other("K/GetKernel", {"userName": "alice", "kernelSlug": "titanic-private-experiments"}).status_code == 403
    assert "bob/retail-private-baseline" in {k["ref"] for k in bob("K/ListKernels", {"group": "PROFILE"}).json()["kernels"]}


def test_private_datasets_are_their_owners(call):
    alice, bob = as_user(call, "alice"), as_user(call, "bob")
    ref = {"ownerSlug": "alice", "datasetSlug": "titanic-private-features"}
    assert alice("D/ListDatasetFiles", ref).json()["datasetFiles"][0]["name"] == "features.csv"
    assert bob("D/ListDatasetFiles", ref).status_code == 404
    assert call("D/ListDatasetFiles", ref).status_code == 404  # sandbox-user
    everything = bob("D/ListDatasets", {"group": "DATASET_SELECTION_GROUP_ALL", "pageSize": 100}).json()["datasets"]
    refs = {d["ref"] for d in everything}
    assert "bob/retail-private-notes" in refs and "alice/titanic-private-features" not in refs


def test_submissions_and_quota_are_per_user(call):
    def submissions(user: str) -> list[str]:
        answer = as_user(call, user)("S/ListSubmissions", {"competitionName": "titanic"}).json()
        return sorted(s["publicScore"] for s in answer.get("submissions", []))

    assert submissions("alice") == ["0.76555", "0.77990"]
    assert submissions("bob") == ["0.74162"]
    assert submissions("carol") == []

    def gpu_seconds(user: str) -> int:
        quota = as_user(call, user)("K/GetAcceleratorQuotaStatistics").json()["gpuQuota"]
        return int(quota["timeUsed"].rstrip("s"))

    assert (gpu_seconds("alice"), gpu_seconds("bob"), gpu_seconds("carol")) == (27000, 7200, 0)


def test_seeded_submissions_are_not_persisted_twice(tmp_path):
    from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

    for _ in range(2):  # the second start restores what the first one saved
        with serve_in_thread(SandboxSettings(seed=0, data_dir=tmp_path), host="127.0.0.1", port=0) as sb:
            seeded = [s for s in sb.state.submissions if s.user == "alice"]
            assert len(seeded) == 2
