"""Every CompetitionApiService RPC the product uses, over HTTP against the sandbox."""

from __future__ import annotations

import pytest

from kaggle_mcp.kaggle.errors import Forbidden, NotFound

pytestmark = pytest.mark.anyio


async def test_list_competitions_search_and_paging(client):
    async with client() as kc:
        found = await kc.competitions.list_competitions(search="titanic")
        assert [c.slug for c in found.competitions] == ["titanic"]
        titanic = found.competitions[0]
        assert titanic.title and titanic.deadline is not None and titanic.team_count > 0
        everything = [c.slug async for c in kc.competitions.iter_competitions()]
        assert {"titanic", "retail-demand-forecast", "ai-math-olympiad-sandbox", "house-prices-2019"} <= set(everything)
        assert len(everything) == len(set(everything))
        featured = await kc.competitions.list_competitions(category="HOST_SEGMENT_FEATURED")
        assert "retail-demand-forecast" in [c.slug for c in featured.competitions]
        assert "titanic" not in [c.slug for c in featured.competitions]


async def test_get_competition_and_unknown_is_not_found(client):
    async with client() as kc:
        comp = await kc.competitions.get_competition("titanic")
        assert comp.slug == "titanic" and comp.user_has_entered and comp.max_daily_submissions > 0
        code = await kc.competitions.get_competition("ai-math-olympiad-sandbox")
        assert code.is_kernels_submissions_only
        with pytest.raises(NotFound) as info:
            await kc.competitions.get_competition("no-such-competition")
        assert info.value.status == 404 and "no-such-competition" in info.value.message


async def test_pages_topics_leaderboard_limits(client):
    async with client() as kc:
        pages = await kc.competitions.list_competition_pages("titanic")
        names = {p.name for p in pages.pages}
        assert {"description", "evaluation", "rules"} <= names and all(p.content for p in pages.pages)
        one = await kc.competitions.list_competition_pages("titanic", page_name="evaluation")
        assert [p.name for p in one.pages] == ["evaluation"]

        topics = await kc.competitions.list_competition_topics("titanic")
        assert topics.topics and topics.topics[0].title
        thread = await kc.competitions.list_topic_messages("titanic", topics.topics[0].id)
        assert thread.messages and thread.messages[0].raw_markdown

        first = await kc.competitions.get_leaderboard("titanic")
        assert first.submissions and first.submissions[0].team_name
        rows = [row async for row in kc.competitions.iter_leaderboard("titanic", page_size=50)]
        assert len(rows) >= 100 and len({r.team_id for r in rows}) == len(rows)

        limits = await kc.competitions.get_submission_limits("titanic")
        assert limits.num_allowed_now >= 0 and limits.num_allowed_now + limits.num_today > 0


async def test_leaderboard_top_n_pages_until_it_has_n_rows(client):
    async with client() as kc:
        everything = [row async for row in kc.competitions.iter_leaderboard("titanic", page_size=1000)]
        kc.recorder.sent.clear()
        top = await kc.competitions.get_leaderboard_top("titanic", 150)
        assert [r.team_id for r in top] == [r.team_id for r in everything[:150]]
        bodies = kc.recorder.bodies("GetLeaderboard")
        assert [b["pageSize"] for b in bodies] == [100, 100] and bodies[1]["pageToken"]
        assert len(await kc.competitions.get_leaderboard_top("titanic", 7)) == 7
        assert kc.recorder.bodies("GetLeaderboard")[-1] == {"competitionName": "titanic", "pageSize": 7, "pageToken": ""}
        assert len(await kc.competitions.get_leaderboard_top("titanic", len(everything) + 50)) == len(everything)


async def test_data_files_listing_follows_tokens(client):
    async with client() as kc:
        page = await kc.competitions.list_data_files("titanic", page_size=1)
        assert len(page.files) == 1 and page.next_page_token
        names = [f.name async for f in kc.competitions.iter_data_files("titanic", page_size=1)]
        assert {"train.csv", "test.csv", "gender_submission.csv"} <= set(names)
        sizes = {f.name: f.total_bytes async for f in kc.competitions.iter_data_files("titanic")}
        assert sizes["train.csv"] > 1000


async def test_download_one_file_and_all_files(client, tmp_path):
    async with client() as kc:
        sizes = {f.name: f.total_bytes async for f in kc.competitions.iter_data_files("titanic")}
        seen: list[tuple[int, int | None]] = []

        async def progress(done, total):
            seen.append((done, total))

        one = await kc.competitions.download_data_file("titanic", "train.csv", tmp_path, progress=progress)
        assert one.path == tmp_path / "train.csv" and one.bytes == sizes["train.csv"] == one.path.stat().st_size
        assert one.path.read_bytes().startswith(b"PassengerId")
        assert seen[-1] == (one.bytes, one.bytes)
        assert not list(tmp_path.glob("*.part*"))

        everything = await kc.competitions.download_data_files("titanic", tmp_path)
        assert everything.path.name == "titanic.zip" and everything.bytes > 0
        from kaggle_mcp.kaggle.archives import safe_unzip

        extracted = safe_unzip(everything.path, tmp_path / "all")
        assert {"train.csv", "test.csv", "gender_submission.csv"} <= {p.name for p in extracted.files}
        assert extracted.skipped == []


async def test_read_head_uses_range_not_the_whole_file(client):
    async with client() as kc:
        head = await kc.competitions.read_data_file_head("titanic", "train.csv", max_bytes=200)
        assert len(head.data) == 200 and head.data.startswith(b"PassengerId")
        assert head.total_size and head.total_size > 200 and head.final_name == "train.csv"
        ranged = [s for s in kc.recorder.sent if s.method == "GET"]
        assert ranged[-1].headers["range"] == "bytes=0-199"


async def test_rules_not_accepted_is_forbidden_with_a_hint(client, tmp_path):
    async with client() as kc:
        with pytest.raises(Forbidden) as info:
            await kc.competitions.download_data_file("retail-demand-forecast", "stores.csv", tmp_path)
        error = info.value
        assert error.rules_not_accepted and "/competitions/retail-demand-forecast/rules?user=sandbox-user&sig=" in error.rules_url
        assert "rules" in error.message and "Accept the competition rules" in str(error)


async def test_submit_lists_and_code_submission(own_client, tmp_path):
    async with own_client() as kc:
        sample = await kc.competitions.download_data_file("titanic", "gender_submission.csv", tmp_path)
        progress: list[int] = []

        async def report(done, total):
            progress.append(done)

        before = await kc.competitions.get_submission_limits("titanic")
        answer = await kc.competitions.submit("titanic", sample.path, "baseline from the client tests", progress=report)
        assert answer.ref > 0 and answer.message
        assert progress[-1] == sample.bytes
        put = [s for s in kc.recorder.sent if s.method == "PUT"][-1]
        assert "authorization" not in put.headers and put.headers["content-length"] == str(sample.bytes)

        subs = await kc.competitions.list_submissions("titanic")
        mine = next(s for s in subs.submissions if s.ref == answer.ref)
        assert mine.description == "baseline from the client tests" and mine.status in ("PENDING", "COMPLETE", "ERROR")
        polled = await kc.competitions.get_submission(answer.ref)
        assert polled.ref == answer.ref and polled.status in ("PENDING", "COMPLETE")
        assert polled.status == "PENDING" or float(polled.public_score or "nan") >= 0
        after = await kc.competitions.get_submission_limits("titanic")
        assert after.num_today == before.num_today + 1


async def test_code_submission_requires_a_kernel(client):
    async with client() as kc:
        with pytest.raises(NotFound):
            await kc.competitions.create_code_submission(
                "ai-math-olympiad-sandbox",
                "sandbox-user",
                "no-such-kernel-here",
                kernel_version=1,
                file_name="submission.csv",
            )


async def test_code_submission_from_a_kernel_output(own_client):
    async with own_client() as kc:
        out = await kc.kernels.list_kernel_session_output("sandbox-user", "aimo-sandbox-starter")
        answer = await kc.competitions.create_code_submission(
            "ai-math-olympiad-sandbox", "sandbox-user", "aimo-sandbox-starter",
            file_name=out.files[0].file_name, submission_description="code submission from the client tests",
        )  # fmt: skip
        assert answer.ref > 0 and "Successfully submitted" in answer.message
        assert kc.recorder.bodies("CreateCodeSubmission")[-1] == {
            "competitionName": "ai-math-olympiad-sandbox", "kernelOwner": "sandbox-user",
            "kernelSlug": "aimo-sandbox-starter", "fileName": "submission.csv",
            "submissionDescription": "code submission from the client tests",
        }  # fmt: skip
