"""RPC surface of the sandbox over real HTTP: seeded world, paging, auth and the error shapes."""

from __future__ import annotations

import base64

import httpx
import pytest

from kaggle_mcp.sandbox import SANDBOX_TOKEN, user_key


def test_seeded_competitions_have_the_contract_names(call):
    refs = [c["ref"] for c in call("S/ListCompetitions", {"page": 1}).json()["competitions"]]
    for slug in ("titanic", "retail-demand-forecast", "ai-math-olympiad-sandbox", "house-prices-2019"):
        assert f"https://www.kaggle.com/competitions/{slug}" in refs


def test_get_competition_flags(call):
    titanic = call("S/GetCompetition", {"competitionName": "titanic"}).json()
    assert titanic["userHasEntered"] is True and titanic["maxDailySubmissions"] == 10
    code = call("S/GetCompetition", {"competitionName": "ai-math-olympiad-sandbox"}).json()
    assert code["isKernelsSubmissionsOnly"] is True
    retail = call("S/GetCompetition", {"competitionName": "retail-demand-forecast"}).json()
    assert "userHasEntered" not in retail          # proto3: false is omitted
    ended = call("S/GetCompetition", {"competitionName": "house-prices-2019"}).json()
    assert ended["deadline"].startswith("2019-12-31T23:59:00.000Z"[:10])


def test_list_competitions_filters_and_sorts(call):
    body = {"category": "HOST_SEGMENT_FEATURED", "sortBy": "COMPETITION_SORT_BY_PRIZE", "search": ""}
    refs = [c["ref"].rsplit("/", 1)[1] for c in call("S/ListCompetitions", body).json()["competitions"]]
    assert refs == ["ai-math-olympiad-sandbox", "retail-demand-forecast"]
    entered = call("S/ListCompetitions", {"group": "COMPETITION_LIST_TAB_ENTERED"}).json()["competitions"]
    assert {c["ref"].rsplit("/", 1)[1] for c in entered} == {"titanic", "ai-math-olympiad-sandbox"}
    assert call("S/ListCompetitions", {"search": "house"}).json()["competitions"][0]["ref"].endswith("house-prices-2019")


def test_pages_topics_limits_and_leaderboard(call):
    pages = call("S/ListCompetitionPages", {"competitionName": "titanic"}).json()["pages"]
    names = {p["name"]: p for p in pages}
    assert {"description", "evaluation", "rules", "data-description"} <= set(names)
    assert names["rules"]["mimeType"] == "text/html" and "<li>" in names["rules"]["content"]
    topics = call("S/ListCompetitionTopics", {"competitionName": "titanic"}).json()
    assert topics["totalCount"] >= 10 and topics["topics"][0]["isSticky"] is True
    limits = call("S/GetSubmissionLimits", {"competitionName": "house-prices-2019"}).json()
    assert limits["numAllowedNow"] == 5
    board = call("S/GetLeaderboard", {"competitionName": "titanic", "pageSize": 1000}).json()["submissions"]
    assert len(board) >= 100
    scores = [float(r["score"]) for r in board]
    assert scores == sorted(scores, reverse=True) and isinstance(board[0]["score"], str)


def test_token_paging_walks_everything_once(call):
    seen, token, pages = [], "", 0
    while True:
        body = call("K/ListKernels", {"pageSize": 4, "pageToken": token, "sortBy": "VOTE_COUNT"}).json()
        seen += [k["ref"] for k in body["kernels"]]
        token, pages = body.get("nextPageToken", ""), pages + 1
        if not token:
            break
    assert len(seen) == len(set(seen)) >= 15 and pages == -(-len(seen) // 4)
    page2 = call("K/ListKernels", {"pageSize": 4, "page": 2, "sortBy": "VOTE_COUNT"}).json()["kernels"]
    assert [k["ref"] for k in page2] == seen[4:8]


def test_kernel_list_filters(call):
    body = {"competition": "titanic", "language": "python", "kernelType": "all", "sortBy": "VOTE_COUNT",
            "group": "EVERYONE", "dataset": "", "parentKernel": "", "search": "", "user": "", "outputType": "all"}
    kernels = call("K/ListKernels", body).json()["kernels"]
    votes = [k.get("totalVotes", 0) for k in kernels]
    assert kernels and votes == sorted(votes, reverse=True)
    assert all("titanic" in k["competitionDataSources"] and k["language"] == "python" for k in kernels)
    r_kernels = call("K/ListKernels", {"language": "r"}).json()["kernels"]
    assert r_kernels and all(k["language"] == "r" for k in r_kernels)


def test_api_v1_prefix_works_too(call):
    assert call("S/ListDataFiles", {"competitionName": "titanic"}, prefix="/api/v1").status_code == 200


@pytest.mark.parametrize("body, status, fragment", [
    (b"{not json", 400, "Invalid JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (b'{"competitionName": 5}', 400, "competitionName"),
    (b'{"competitionName": "titanic", "pageSize": "lots"}', 400, "pageSize"),
    (b'{"competitionName": "titanic", "pageToken": "!!!"}', 400, "page token"),
    (b'{"competitionName": "nope"}', 404, "nope"),
])
def test_bad_input_gets_json_errors(sandbox, body, status, fragment):
    r = httpx.post(f"{sandbox.url}/v1/competitions.CompetitionApiService/ListDataFiles", content=body,
                   headers={"Authorization": f"Bearer {SANDBOX_TOKEN}", "Content-Type": "application/json"})
    assert r.status_code == status
    assert r.json()["code"] == status and fragment in r.json()["message"]


def test_unknown_names_oversized_and_wrong_verbs(sandbox, call):
    assert call("nope.NopeService/Do").json() == {"code": 404, "message": "Unknown service 'nope.NopeService'"}
    assert call("S/NoSuchMethod").status_code == 404
    huge = b'{"search": "' + b"x" * (33 * 1024 * 1024) + b'"}'
    r = httpx.post(f"{sandbox.url}/v1/competitions.CompetitionApiService/ListCompetitions", content=huge)
    assert r.status_code == 413 and r.json()["code"] == 413
    r = httpx.get(f"{sandbox.url}/v1/competitions.CompetitionApiService/ListCompetitions")
    assert r.status_code == 405 and r.json()["code"] == 405
    assert httpx.get(f"{sandbox.url}/nowhere").json()["code"] == 404
    # the server is still fine
    assert call("S/ListCompetitions").status_code == 200


def test_auth_rules(sandbox, call):
    assert call("S/ListDataFiles", {"competitionName": "titanic"}, auth=False).json() == \
        {"code": 401, "message": "Unauthorized"}
    assert call("D/ListDatasetFiles", {"ownerSlug": "alice", "datasetSlug": "titanic-extra-features"},
                auth=False).status_code == 200
    basic = base64.b64encode(f"alice:{user_key('alice')}".encode()).decode()
    assert call("S/ListSubmissions", {"competitionName": "titanic"}, auth=False,
                headers={"Authorization": f"Basic {basic}"}).status_code == 200
    wrong = base64.b64encode(b"alice:" + b"ab" * 16).decode()  # a seeded user needs that user's own key
    assert call("S/ListSubmissions", {"competitionName": "titanic"}, auth=False,
                headers={"Authorization": f"Basic {wrong}"}).status_code == 401
    guest = base64.b64encode(b"someone-else:" + b"ab" * 16).decode()  # any other name: any 32-hex key
    assert call("S/ListSubmissions", {"competitionName": "titanic"}, auth=False,
                headers={"Authorization": f"Basic {guest}"}).status_code == 200
    bad = call("S/ListCompetitions", headers={"Authorization": "Bearer KGAT_short"})
    assert bad.status_code == 401


def test_introspect_token_never_401(call):
    good = call("O/IntrospectToken", {"token": SANDBOX_TOKEN}).json()
    assert good["active"] is True and good["username"] == "sandbox-user"
    for headers in ({"Authorization": "Bearer garbage"}, {}):
        r = call("O/IntrospectToken", {"token": "garbage"}, auth=False, headers=headers)
        assert r.status_code == 200 and r.json() == {"active": False}


def test_dataset_status_is_404_when_absent(call):
    assert call("D/GetDatasetStatus", {"ownerSlug": "alice", "datasetSlug": "titanic-extra-features"}).json() == \
        {"status": "READY"}
    r = call("D/GetDatasetStatus", {"ownerSlug": "sandbox-user", "datasetSlug": "does-not-exist"})
    assert r.status_code == 404 and r.json()["code"] == 404


def test_rules_not_accepted_is_403_with_a_rules_message(sandbox, call):
    r = call("S/DownloadDataFile", {"competitionName": "retail-demand-forecast", "fileName": "stores.csv"},
             follow_redirects=False)
    assert r.status_code == 403 and "rules" in r.json()["message"]
    r = call("S/StartSubmissionUpload", {"competitionName": "retail-demand-forecast", "contentLength": 3,
                                         "fileName": "s.csv"})
    assert r.status_code == 403


def test_discussion_service_agrees_with_competition_topics(call):
    topics = call("S/ListCompetitionTopics", {"competitionName": "titanic"}).json()["topics"]
    listed = call("discussions.DiscussionApiService/ListTopics", {"forumSlug": "titanic", "pageSize": 50}).json()
    assert {t["id"] for t in listed["topics"]} == {t["id"] for t in topics}
    one = call("discussions.DiscussionApiService/GetTopic", {"id": topics[0]["id"]}).json()["topic"]
    assert one["title"] == topics[0]["title"] and one["content"]
    assert call("discussions.DiscussionApiService/GetTopic", {"id": 1}).status_code == 404
