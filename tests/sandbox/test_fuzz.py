"""Whatever JSON arrives, every RPC answers a 2xx/3xx or a 4xx in Kaggle's error shape — never a 500."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaggle_mcp.sandbox import SANDBOX_TOKEN
from kaggle_mcp.sandbox.rpc import REGISTRY

FIELDS = ["competitionName", "fileName", "pageSize", "pageToken", "page", "ownerSlug", "datasetSlug", "userName",
          "kernelSlug", "versionLabel", "search", "sortBy", "group", "category", "token", "contentLength", "ref",
          "files", "body", "id", "slug", "title", "type", "name", "datasetVersionNumber", "blobFileTokens",
          "topicId", "kernelOwner", "kernelVersion", "settings", "user", "competition", "dataset", "language"]
SEEDED = st.sampled_from(["titanic", "alice", "titanic-extra-features", "sandbox-user", "train.csv", "v1",
                          "titanic-eda-and-first-baseline", "DATASET", "VOTE_COUNT", ""])
VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False, allow_infinity=False)
                      | st.text(max_size=20) | SEEDED,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner,
                                                                                   max_size=3), max_leaves=6)
METHODS = sorted(f"{service}/{method}" for service, methods in REGISTRY.items() for method in methods
                 if method != "SaveKernel")   # random source text is not something to execute


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}) as c:
        yield c


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(METHODS), body=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6))
def test_random_bodies_never_crash_the_sandbox(sandbox, client, method, body):
    r = client.post(f"{sandbox.url}/v1/{method}", json=body)
    assert r.status_code < 500, (method, body, r.text)
    if r.status_code >= 400:
        assert r.json()["code"] == r.status_code
    elif r.status_code == 200 and r.headers["content-type"].startswith("application/json"):
        assert isinstance(r.json(), dict)
