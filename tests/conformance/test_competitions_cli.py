"""The unmodified ``kaggle`` CLI (2.2.5) against the sandbox: competitions.

Covers list, files, download (one file and all), leaderboard -s, submit and submissions; assertions are
on what the CLI prints and the files it writes (reference §7 gives the request sequences).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from cli_output import ok, rows

from kaggle_mcp.sandbox import SandboxSettings, serve_in_thread

pytestmark = pytest.mark.conformance




def test_competitions_list(run_kaggle):
    listed = rows(ok(run_kaggle("competitions", "list", "-v")))
    by_ref = {r["ref"].rsplit("/", 1)[-1]: r for r in listed}
    assert {"titanic", "retail-demand-forecast", "ai-math-olympiad-sandbox", "house-prices-2019"} <= set(by_ref)
    assert by_ref["titanic"]["userHasEntered"] == "True" and by_ref["titanic"]["category"] == "Getting Started"
    assert by_ref["retail-demand-forecast"]["userHasEntered"] == "False"
    assert by_ref["retail-demand-forecast"]["reward"] == "25,000 Usd"
    featured = rows(ok(run_kaggle("competitions", "list", "--category", "featured", "--sort-by", "prize", "-v")))
    assert [r["ref"].rsplit("/", 1)[-1] for r in featured] == ["ai-math-olympiad-sandbox", "retail-demand-forecast"]
    searched = ok(run_kaggle("competitions", "list", "-s", "house"))
    assert "house-prices-2019" in searched and "titanic" not in searched


def test_competitions_files(run_kaggle):
    listed = {r["name"]: r for r in rows(ok(run_kaggle("competitions", "files", "titanic", "-v")))}
    assert set(listed) == {"train.csv", "test.csv", "gender_submission.csv"}
    assert int(listed["train.csv"]["size"]) > 10_000
    big = {r["name"]: r for r in rows(ok(run_kaggle("competitions", "files", "retail-demand-forecast", "-v")))}
    assert int(big["train.csv"]["size"]) >= 50 * 1024 * 1024


def test_download_one_file_then_skip_when_up_to_date(run_kaggle, tmp_path: Path, sandbox):
    out = tmp_path / "data"
    printed = ok(run_kaggle("competitions", "download", "titanic", "-f", "train.csv", "-p", str(out)))
    assert "Downloading train.csv" in printed
    written = out / "train.csv"
    expected = sandbox.state.competitions["titanic"].files["train.csv"].blob.read()
    assert written.read_bytes() == expected
    assert int(written.stat().st_mtime) == int(sandbox.state.competitions["titanic"].files["train.csv"]
                                               .blob.last_modified.timestamp())
    again = run_kaggle("competitions", "download", "titanic", "-f", "train.csv", "-p", str(out))
    assert "Skipping, found more recently modified local copy" in ok(again) + again.stderr


def test_download_all_files_as_zip(run_kaggle, tmp_path: Path):
    out = tmp_path / "all"
    ok(run_kaggle("competitions", "download", "titanic", "-p", str(out)))
    archive = zipfile.ZipFile(out / "titanic.zip")
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == ["gender_submission.csv", "test.csv", "train.csv"]
    assert archive.read("test.csv").startswith(b"PassengerId,Pclass,Name")


def test_download_resumes_a_partial_file_across_runs(run_kaggle, tmp_path: Path, sandbox):
    out = tmp_path / "resume"
    out.mkdir()
    blob = sandbox.state.competitions["titanic"].files["test.csv"].blob
    (out / "test.csv").write_bytes(blob.read(0, 1000))
    (out / "test.csv.kaggle-partial").write_text(f'{{"validator": {blob.etag!r}, "size": {blob.size}}}'
                                                .replace("'", '"'))
    before = sandbox.call_counts["GET /blobs"]
    ok(run_kaggle("competitions", "download", "titanic", "-f", "test.csv", "-p", str(out)))
    assert (out / "test.csv").read_bytes() == blob.read()
    assert not (out / "test.csv.kaggle-partial").exists()
    assert sandbox.call_counts["GET /blobs"] >= before + 1


def test_rules_not_accepted_is_reported(run_kaggle, tmp_path: Path):
    result = run_kaggle("competitions", "download", "retail-demand-forecast", "-f", "stores.csv", "-p", str(tmp_path))
    assert result.returncode != 0
    assert "accept this competition's rules" in result.stdout + result.stderr
    assert not (tmp_path / "stores.csv").exists()


def test_leaderboard_show(run_kaggle):
    printed = ok(run_kaggle("competitions", "leaderboard", "titanic", "-s", "-v"))
    assert "Next Page Token = " in printed   # >= 100 rows: the first page says there is more
    board = rows(printed)
    assert len(board) >= 20 and {"teamId", "teamName", "submissionDate", "score"} <= set(board[0])
    scores = [float(r["score"]) for r in board]
    assert scores == sorted(scores, reverse=True)


def test_submit_and_list_submissions(run_kaggle, tmp_path: Path, sandbox):
    sample = sandbox.state.competitions["titanic"].files["gender_submission.csv"].blob.read()
    path = tmp_path / "my_submission.csv"
    path.write_bytes(sample)
    before = sandbox.call_counts["competitions.CompetitionApiService/CreateSubmission"]
    printed = ok(run_kaggle("competitions", "submit", "titanic", "-f", str(path), "-m", "conformance gender"))
    assert "Successfully submitted to Titanic - Machine Learning from Disaster" in printed
    assert "submissions remaining today" in printed
    assert sandbox.call_counts["competitions.CompetitionApiService/CreateSubmission"] == before + 1
    listed = rows(ok(run_kaggle("competitions", "submissions", "titanic", "-v")))
    mine = next(r for r in listed if r["description"] == "conformance gender")
    assert mine["fileName"] == "my_submission.csv" and mine["status"].endswith("COMPLETE")
    assert 0.5 < float(mine["publicScore"]) <= 1.0


def test_submit_without_credentials_shows_auth_help(run_kaggle, tmp_path: Path):
    path = tmp_path / "s.csv"
    path.write_text("PassengerId,Survived\n")
    result = run_kaggle("competitions", "submit", "titanic", "-f", str(path), "-m", "x",
                        env_extra={"KAGGLE_API_TOKEN": None, "KAGGLE_CONFIG_DIR": str(tmp_path / "nothing")})
    assert result.returncode != 0
    assert os.path.exists(path)


def test_download_the_streamed_50mb_file(run_kaggle, tmp_path: Path, sandbox):
    comp = sandbox.state.competitions["retail-demand-forecast"]
    sandbox.state.accept_rules("sandbox-user", comp.slug)
    try:
        ok(run_kaggle("competitions", "download", comp.slug, "-f", "train.csv", "-p", str(tmp_path)))
    finally:
        comp.entrants.discard("sandbox-user")
    written = tmp_path / "train.csv"
    blob = comp.files["train.csv"].blob
    assert written.stat().st_size == blob.size >= 50 * 1024 * 1024
    with written.open("rb") as fh:
        assert fh.read(4096) == blob.read(0, 4096)
        fh.seek(blob.size - 4096)
        assert fh.read() == blob.read(blob.size - 4096)


def test_an_auto_compressed_file_is_unwrapped_with_unzip(run_kaggle_on, tmp_path: Path):
    """Kaggle serves some files as ``<name>.zip`` holding them; kaggle 2.2.5 keeps that archive as it is
    and, with ``--unzip``, unwraps its one member to the requested name (the sandbox does the same)."""
    with serve_in_thread(SandboxSettings(seed=0, zip_data_files_over=1000), host="127.0.0.1", port=0) as sb:
        run_kaggle = run_kaggle_on(sb)
        ok(run_kaggle("competitions", "download", "titanic", "-f", "train.csv", "-p", str(tmp_path / "kept")))
        ok(run_kaggle("competitions", "download", "titanic", "-f", "train.csv", "--unzip", "-p", str(tmp_path / "out")))
        original = sb.state.competitions["titanic"].files["train.csv"].blob
        expected = original.read(0, original.size)
    with zipfile.ZipFile(tmp_path / "kept" / "train.csv.zip") as archive:
        assert archive.namelist() == ["train.csv"] and archive.read("train.csv") == expected
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["train.csv"]
    assert (tmp_path / "out" / "train.csv").read_bytes() == expected


def test_code_competition_submission_from_a_notebook(run_kaggle_on, fresh_sandbox):
    run_kaggle = run_kaggle_on(fresh_sandbox)
    printed = ok(run_kaggle("competitions", "submit", "ai-math-olympiad-sandbox", "-k",
                            "sandbox-user/aimo-sandbox-starter", "-f", "submission.csv", "-v", "1", "-m", "from code"))
    assert "Successfully submitted to AI Mathematical Olympiad (Sandbox)" in printed
    listed = rows(ok(run_kaggle("competitions", "submissions", "ai-math-olympiad-sandbox", "-v")))
    assert listed[0]["description"] == "from code" and listed[0]["status"].endswith("COMPLETE")
    again = run_kaggle("competitions", "submit", "ai-math-olympiad-sandbox", "-k", "sandbox-user/aimo-sandbox-starter",
                       "-f", "submission.csv", "-v", "1", "-m", "second today")
    assert "used its 1 submissions for today" in again.stdout + again.stderr


def test_proxy_mode_works_too(run_kaggle, sandbox, tmp_path: Path):
    """Reference §3.2 method B: LOCALHOST environment + HTTP_PROXY, absolute-form request targets."""
    proxy = {"KAGGLE_EMU_URL": None, "KAGGLE_API_ENVIRONMENT": "LOCALHOST", "HTTP_PROXY": sandbox.url,
             "http_proxy": sandbox.url, "NO_PROXY": "", "no_proxy": ""}
    assert "gender_submission.csv" in ok(run_kaggle("competitions", "files", "titanic", env_extra=proxy))
    ok(run_kaggle("competitions", "download", "titanic", "-f", "test.csv", "-p", str(tmp_path), env_extra=proxy))
    assert (tmp_path / "test.csv").read_bytes() == sandbox.state.competitions["titanic"].files["test.csv"].blob.read()
