"""KaggleIngest's own web front end against our HTTP app, call for call.

The calls are those of KaggleIngest's `frontend/src/services/api.js` and `App.jsx` (github.com/Anand-0037/
KaggleIngest): `GET /health` (anything but `status: "healthy"` shows a warning banner), `POST /get-context`
with a JSON body, or `POST /get-context-upload?url=&top_n=&output_format=&dry_run=` with a FormData holding
only `token_file`; then `GET /jobs/{job_id}` every 2 s until `status` is `complete` or `failed`, reading
`result.metadata.title`, `result.metadata.url` and `result.stats` (`total_requested`, `successful_downloads`,
`elapsed_time`), and `GET /jobs/{job_id}/download?format=toon|txt`. The server is a real `serve --transport
http` process on the sandbox.
"""

from __future__ import annotations

import json
import os
import time

import httpx
import pytest

from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.sandbox import user_key
from kaggle_mcp.sandbox.harness import http_server_process, server_env


@pytest.fixture
def app(fresh_sandbox, tmp_path):
    (tmp_path / "ws").mkdir()
    env = server_env(os.environ, fresh_sandbox.url, tmp_path / "ws", tmp_path / "cache")
    with http_server_process(env, tmp_path / "server.stderr") as (base, _):
        yield base


def poll_job(http: httpx.Client, job_id: str, seconds: float = 60) -> dict:
    """App.jsx's loop (every 2 s there; faster here), stopping on the two statuses it knows."""
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        answer = http.get(f"/jobs/{job_id}")
        assert answer.status_code == 200, answer.text  # pollJobStatus treats anything else as an error
        body = answer.json()
        seen.append(body["status"])
        assert body["status"] in ("queued", "in_progress", "complete", "failed"), body
        if body["status"] in ("complete", "failed"):
            body["seen"] = seen
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {seen[-1]} after {seconds} s")


def test_the_front_end_builds_shows_and_downloads_a_competition(app, fresh_sandbox):
    with httpx.Client(base_url=app, timeout=30) as http:
        assert http.get("/health").json()["status"] == "healthy"  # no warning banner
        fresh_sandbox.set_latency(100)  # several round trips: the first polls see the job unfinished
        submitted = http.post("/get-context", headers={"Content-Type": "application/json"}, content=json.dumps(
            {"url": "https://www.kaggle.com/competitions/titanic", "top_n": 3, "output_format": "toon",
             "dry_run": False, "stream": False}))
        assert submitted.status_code == 200, submitted.text
        job_id = submitted.json()["job_id"]
        assert submitted.json()["status"] == "queued"
        done = poll_job(http, job_id)
        assert done["status"] == "complete" and done["seen"][0] in ("queued", "in_progress"), done["seen"]
        result = done["result"]
        assert result["metadata"]["title"] == "Titanic - Machine Learning from Disaster"
        assert result["metadata"]["url"] == "https://www.kaggle.com/competitions/titanic"
        assert result["stats"]["total_requested"] == 3 and 1 <= result["stats"]["successful_downloads"] <= 3
        assert result["stats"]["elapsed_time"] > 0 and result["built_with"] == "server credentials"

        for fmt in ("toon", "txt"):
            download = http.get(f"/jobs/{job_id}/download", params={"format": fmt})
            assert download.status_code == 200
            assert download.headers["content-disposition"] == f'attachment; filename="titanic-context.{fmt}"'
            assert decode_context(download.text)["competition"]["slug"] == "titanic"
        assert download.text == result["toon_content"]
        assert decode_context(download.text)["viewer"]["user"] == "sandbox-user"  # the reader's own part, as POST
        assert http.get(f"/jobs/{job_id}/download", params={"format": "md"}).status_code == 422

        # the same request again is answered from the store at once, as a finished job
        again = http.post("/get-context", json={"url": "titanic", "top_n": 3}).json()
        assert again["status"] == "complete" and poll_job(http, again["job_id"])["result"]["toon_content"] == download.text
        # and a job id is all another replica needs: nothing of it lives in this process's memory
        assert http.get(f"/jobs/{job_id.replace('~3~', '~4~')}").status_code == 404  # no such build


def test_the_front_end_uploads_a_kaggle_json_for_a_competition_only_its_owner_can_read(app, fresh_sandbox):
    kaggle_json = json.dumps({"username": "alice", "key": user_key("alice")}).encode()
    query = {"url": "https://www.kaggle.com/competitions/house-prices-2019", "top_n": 2, "output_format": "toon",
             "dry_run": False}
    with httpx.Client(base_url=app, timeout=30) as http:
        submitted = http.post("/get-context-upload", params=query, files={"token_file": ("kaggle.json", kaggle_json)})
        assert submitted.status_code == 200 and submitted.json()["status"] == "queued", submitted.text
        job_id = submitted.json()["job_id"]
        done = poll_job(http, job_id)
        assert done["status"] == "complete", done
        assert done["result"]["built_with"] == "uploaded kaggle.json" and done["result"]["stats"]["total_requested"] == 2
        assert decode_context(http.get(f"/jobs/{job_id}/download?format=toon").text)["competition"]["slug"] == \
            "house-prices-2019"
        # the job id is the key to that build: without its secret part there is nothing to see
        assert http.get(f"/jobs/{job_id.rsplit('~', 1)[0]}~wrong").status_code == 404
        assert http.get(f"/jobs/{job_id.rsplit('~', 1)[0]}").status_code == 404  # no shared build of it yet
        assert user_key("alice") not in submitted.text + json.dumps(done)


def test_the_front_end_reports_what_cannot_be_built(app):
    with httpx.Client(base_url=app, timeout=30) as http:
        for url in ("https://example.com/competitions/titanic", "not a slug!"):
            refused = http.post("/get-context", json={"url": url, "top_n": 2})
            assert refused.status_code == 400 and isinstance(refused.json()["detail"], str), refused.text
        assert "not a kaggle.com URL" in http.post("/get-context", json={"url": "https://example.com/competitions/titanic"}).json()["detail"]
        missing = http.post("/get-context", json={"url": "no-such-competition", "top_n": 2}).json()
        failed = poll_job(http, missing["job_id"])
        assert failed["status"] == "failed" and "not found" in failed["error"].lower()
        dry = http.post("/get-context", json={"url": "titanic", "dry_run": True}).json()
        assert dry["status"] == "complete" and dry["result"]["metadata"]["title"].startswith("Titanic")
        assert http.post("/get-context", json={"url": "no-such-competition", "dry_run": True}).status_code == 404
        assert http.get("/jobs/not-a-job").status_code == 404


def test_a_dataset_url_gets_a_dataset_context(app):
    with httpx.Client(base_url=app, timeout=30) as http:
        job = http.post("/get-context", json={"url": "https://www.kaggle.com/datasets/alice/titanic-extra-features",
                                              "top_n": 2}).json()
        done = poll_job(http, job["job_id"])
        assert done["status"] == "complete" and done["result"]["metadata"]["type"] == "dataset"
        document = decode_context(http.get(f"/jobs/{job['job_id']}/download?format=toon").text)
        assert document["dataset"]["ref"] == "alice/titanic-extra-features"
        direct = http.post("/api/get-context", json={"url": "alice/titanic-extra-features", "top_n": 2}).json()
        assert direct["status"] == "completed" and direct["toon_content"] == done["result"]["toon_content"]
