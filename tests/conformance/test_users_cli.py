"""The official CLI as several sandbox users: a token, or a username with its key, is that user, who sees
their own private notebooks, datasets and submissions and nobody else's."""

from __future__ import annotations

import pytest
from cli_output import ok, rows

from kaggle_mcp.sandbox import user_key, user_token

pytestmark = pytest.mark.conformance


@pytest.mark.parametrize("user, other", [("alice", "bob"), ("bob", "alice")])
def test_a_token_is_its_users(run_kaggle, user, other):
    env = {"KAGGLE_API_TOKEN": user_token(user)}
    mine = {r["ref"] for r in rows(ok(run_kaggle("kernels", "list", "--mine", "-v", "--page-size", "100", env_extra=env)))}
    private = {"alice": "alice/titanic-private-experiments", "bob": "bob/retail-private-baseline"}
    assert private[user] in mine and private[other] not in mine
    scores = sorted(r["publicScore"] for r in rows(ok(run_kaggle("competitions", "submissions", "titanic", "-v",
                                                                 env_extra=env))))
    assert scores == {"alice": ["0.76555", "0.77990"], "bob": ["0.74162"]}[user]


def test_a_username_and_its_key_are_that_user(run_kaggle, sandbox):
    legacy = {"KAGGLE_API_TOKEN": None, "KAGGLE_USERNAME": "bob", "KAGGLE_KEY": user_key("bob")}
    listed = {r["ref"] for r in rows(ok(run_kaggle("datasets", "list", "--mine", "-v", env_extra=legacy)))}
    assert "bob/retail-private-notes" in listed and "alice/titanic-private-features" not in listed
    asked = sandbox.call_counts["datasets.DatasetApiService/ListDatasets"]
    stolen = run_kaggle("datasets", "list", "--mine", env_extra={**legacy, "KAGGLE_USERNAME": "alice"})
    assert stolen.returncode == 1 and "Authentication required" in stolen.stdout
    assert sandbox.call_counts["datasets.DatasetApiService/ListDatasets"] == asked + 1  # asked, and refused
    assert "titanic-private-features" not in stolen.stdout
