"""The unmodified ``kaggle`` CLI (2.2.5) drives the sandbox's kernels: list, pull, push, status, output.

The CLI reaches the sandbox through the ``run_kaggle`` fixture (conftest: a ``sitecustomize`` shim,
reference §3.2 method C). Assertions are on what the CLI prints and the files it writes: a pushed
script really runs on this machine, reads the competition data from Kaggle's ``/kaggle/input`` paths
and leaves ``submission.csv`` for ``kernels output``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from cli_output import ok

pytestmark = pytest.mark.conformance

SUBMIT_SCRIPT = """import csv
rows = list(csv.DictReader(open('/kaggle/input/titanic/test.csv')))
decks = list(csv.DictReader(open('/kaggle/input/titanic-extra-features/cabin_decks.csv')))
print(f'{len(rows)} test rows, {len(decks)} decks')
with open('/kaggle/working/submission.csv', 'w', newline='') as fh:
    w = csv.writer(fh)
    w.writerow(['PassengerId', 'Survived'])
    for r in rows:
        w.writerow([r['PassengerId'], int(r['Sex'] == 'female')])
print('submission written')
"""



def listed(stdout: str) -> list[dict[str, str]]:
    """Rows of ``kaggle kernels list -v`` (CSV output)."""
    return list(csv.DictReader(io.StringIO(stdout)))


def push_dir(tmp_path: Path, slug: str, code_file: str, code: str, kernel_type: str, **extra) -> Path:
    folder = tmp_path / slug
    folder.mkdir()
    (folder / code_file).write_text(code)
    meta = {"id": f"sandbox-user/{slug}", "title": slug.replace("-", " ").title(), "code_file": code_file,
            "language": "python", "kernel_type": kernel_type, "is_private": True, "enable_gpu": False,
            "enable_internet": False, **extra}
    (folder / "kernel-metadata.json").write_text(json.dumps(meta))
    return folder


def wait_status(run_kaggle, ref: str, timeout: float = 90) -> str:
    """Poll ``kaggle kernels status`` the way a user does until the session is over."""
    deadline = time.monotonic() + timeout
    while True:
        out = ok(run_kaggle("kernels", "status", ref))
        if "COMPLETE" in out or "ERROR" in out or time.monotonic() > deadline:
            return out
        time.sleep(0.5)


def test_list_by_competition(run_kaggle):
    out = ok(run_kaggle("kernels", "list", "--competition", "titanic"))
    header = out.splitlines()[0].split()
    assert header == ["ref", "title", "author", "lastRunTime", "totalVotes"]
    assert "alice/titanic-eda-and-first-baseline" in out
    assert "carol/house-prices-stacked-regressions" not in out
    rows = listed(ok(run_kaggle("kernels", "list", "--competition", "titanic", "-v", "--page-size", "100")))
    assert len(rows) >= 5
    assert all("titanic" in r["ref"] for r in rows)


def test_list_sorted_by_votes(run_kaggle):
    rows = listed(ok(run_kaggle("kernels", "list", "--sort-by", "voteCount", "-v", "--page-size", "100")))
    votes = [int(r["totalVotes"]) for r in rows]
    assert len(votes) >= 15 and votes == sorted(votes, reverse=True)
    assert rows[0]["ref"] == "carol/house-prices-stacked-regressions"


def test_list_by_language(run_kaggle):
    rows = listed(ok(run_kaggle("kernels", "list", "--language", "r", "-v")))
    assert {r["ref"] for r in rows} == {"erin/titanic-tidyverse-random-forest", "bob/house-prices-xgboost-in-r"}


@pytest.mark.parametrize("args, expected", [
    (("--dataset", "alice/titanic-extra-features"),
     {"alice/titanic-ensembling-stacking", "dmitri/titanic-extra-features-lightgbm",
      "alice/titanic-extra-features-explorer"}),
    (("--competition", "house-prices-2019", "--kernel-type", "script"),
     {"bob/house-prices-xgboost-in-r", "erin/house-prices-linear-baseline"}),
    (("-s", "stacking"), {"alice/titanic-ensembling-stacking"}),
])
def test_list_filters(run_kaggle, args, expected):
    rows = listed(ok(run_kaggle("kernels", "list", *args, "-v", "--page-size", "100")))
    assert {r["ref"] for r in rows} == expected


@pytest.mark.parametrize("ref, file_name", [
    ("alice/titanic-eda-and-first-baseline", "titanic-eda-and-first-baseline.ipynb"),
    ("erin/titanic-tidyverse-random-forest", "titanic-tidyverse-random-forest.irnb"),
    ("bob/house-prices-xgboost-in-r", "house-prices-xgboost-in-r.R"),
    ("sandbox-user/titanic-gender-class-baseline", "titanic-gender-class-baseline.py"),
])
def test_pull_writes_the_source_and_metadata(run_kaggle, sandbox, tmp_path, ref, file_name):
    out = ok(run_kaggle("kernels", "pull", ref, "-p", str(tmp_path), "-m"))
    assert "downloaded" in out
    pulled = tmp_path / file_name
    assert pulled.read_text(encoding="utf-8") == sandbox.state.kernels[ref].versions[-1].source
    if file_name.endswith((".ipynb", ".irnb")):
        assert json.loads(pulled.read_text(encoding="utf-8"))["cells"]
    meta = json.loads((tmp_path / "kernel-metadata.json").read_text())
    assert meta["id"] == ref and meta["code_file"] == file_name
    assert meta["kernel_type"] in ("notebook", "script") and meta["language"] in ("python", "r")


def test_big_notebook_pulls_whole(run_kaggle, tmp_path):
    ok(run_kaggle("kernels", "pull", "carol/titanic-visual-deep-dive", "-p", str(tmp_path)))
    pulled = tmp_path / "titanic-visual-deep-dive.ipynb"
    assert pulled.stat().st_size > 1_000_000
    assert any("image/png" in o.get("data", {}) for c in json.loads(pulled.read_text())["cells"]
               for o in c.get("outputs", []))


def test_seeded_kernel_output_and_log(run_kaggle, tmp_path):
    out = ok(run_kaggle("kernels", "output", "alice/titanic-eda-and-first-baseline", "-p", str(tmp_path)))
    assert "submission.csv" in out
    lines = (tmp_path / "submission.csv").read_text().splitlines()
    assert lines[0] == "PassengerId,Survived" and len(lines) == 419
    log = json.loads((tmp_path / "titanic-eda-and-first-baseline.log").read_text())
    assert any("submission was successfully saved" in e["data"] for e in log)


def test_push_script_runs_and_output_is_downloadable(run_kaggle, sandbox, tmp_path):
    slug = "cli-pushed-titanic-script"
    folder = push_dir(tmp_path, slug, "main.py", SUBMIT_SCRIPT, "script",
                      competition_sources=["titanic"], dataset_sources=["alice/titanic-extra-features"])
    out = ok(run_kaggle("kernels", "push", "-p", str(folder)))
    assert "Kernel version 1 successfully pushed" in out
    assert f"sandbox-user/{slug}" in out

    status = wait_status(run_kaggle, f"sandbox-user/{slug}")
    assert status.strip() == f'sandbox-user/{slug} has status "KernelWorkerStatus.COMPLETE"'

    dest = tmp_path / "out"
    out = ok(run_kaggle("kernels", "output", f"sandbox-user/{slug}", "-p", str(dest)))
    assert "submission.csv" in out
    rows = list(csv.reader(io.StringIO((dest / "submission.csv").read_text())))
    test_csv = sandbox.state.competitions["titanic"].files["test.csv"].blob
    expected_rows = b"".join(test_csv.iter_range(0, test_csv.size)).decode().count("\n") - 1
    assert rows[0] == ["PassengerId", "Survived"] and len(rows) == expected_rows + 1
    log = json.loads((dest / f"{slug}.log").read_text())
    stdout = "".join(e["data"] for e in log if e["stream_name"] == "stdout")
    assert stdout == f"{expected_rows} test rows, 7 decks\nsubmission written\n"

    out = ok(run_kaggle("kernels", "list", "-m", "-v"))
    assert f"sandbox-user/{slug}" in out
    logs = ok(run_kaggle("kernels", "logs", f"sandbox-user/{slug}"))
    assert json.loads(logs) == log

    again = ok(run_kaggle("kernels", "push", "-p", str(folder)))
    assert "Kernel version 2 successfully pushed" in again
    assert "COMPLETE" in wait_status(run_kaggle, f"sandbox-user/{slug}")


def test_push_notebook_with_failing_cell_reports_error(run_kaggle, tmp_path):
    slug = "cli-pushed-failing-notebook"
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A notebook that fails"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["%matplotlib inline\n", "!pip install nothing\n", "print('first cell ran')"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["open('/kaggle/working/partial.txt', 'w').write('x')\n", "raise KeyError('Age')"]},
    ]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                      "display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 4}
    folder = push_dir(tmp_path, slug, "nb.ipynb", json.dumps(nb), "notebook")
    ok(run_kaggle("kernels", "push", "-p", str(folder)))
    status = wait_status(run_kaggle, f"sandbox-user/{slug}")
    assert 'has status "KernelWorkerStatus.ERROR"' in status
    assert "Failure message" in status and "cell 3" in status and "KeyError: 'Age'" in status

    dest = tmp_path / "out"
    ok(run_kaggle("kernels", "output", f"sandbox-user/{slug}", "-p", str(dest)))
    assert (dest / "partial.txt").read_text() == "x"
    log = json.loads((dest / f"{slug}.log").read_text())
    assert [e["data"] for e in log if e["stream_name"] == "stdout"] == ["first cell ran\n"]
    assert any("KeyError" in e["data"] for e in log if e["stream_name"] == "stderr")


def test_pull_then_push_back_a_seeded_notebook(run_kaggle, tmp_path):
    """The agent loop on one's own notebook: pull it with metadata, push it unchanged, it runs here."""
    ref = "sandbox-user/titanic-starter-notebook"
    ok(run_kaggle("kernels", "pull", ref, "-p", str(tmp_path), "-m"))
    meta = json.loads((tmp_path / "kernel-metadata.json").read_text())
    assert meta["competition_sources"] == ["titanic"] and meta["kernel_type"] == "notebook"
    out = ok(run_kaggle("kernels", "push", "-p", str(tmp_path)))
    assert re.search(r"Kernel version (\d+) successfully pushed", out), out
    assert int(re.search(r"Kernel version (\d+)", out).group(1)) >= 2
    assert "COMPLETE" in wait_status(run_kaggle, ref)
    dest = tmp_path / "out"
    ok(run_kaggle("kernels", "output", ref, "-p", str(dest)))
    assert len((dest / "submission.csv").read_text().splitlines()) == 419
    stdout = "".join(e["data"] for e in json.loads((dest / "titanic-starter-notebook.log").read_text())
                     if e["stream_name"] == "stdout")
    assert "891 train rows, 418 test rows" in stdout and "wrote 418 predictions" in stdout


def test_push_timeout_flag_stops_a_long_run(run_kaggle, sandbox, tmp_path):
    """``kaggle kernels push -t N`` becomes the session's wall-clock limit; the accelerator is recorded only."""
    slug = "cli-pushed-sleeper"
    folder = push_dir(tmp_path, slug, "sleep.py", "import time\nprint('sleeping', flush=True)\ntime.sleep(120)\n",
                      "script")
    out = ok(run_kaggle("kernels", "push", "-p", str(folder), "-t", "2", "--accelerator", "NvidiaTeslaT4"))
    assert "successfully pushed" in out
    status = wait_status(run_kaggle, f"sandbox-user/{slug}", timeout=60)
    assert 'KernelWorkerStatus.ERROR' in status and "timeout" in status
    kernel = sandbox.state.kernels[f"sandbox-user/{slug}"]
    assert kernel.machine_shape == "NvidiaTeslaT4"


def test_push_r_script(run_kaggle, tmp_path):
    """R runs with Rscript when the machine has it; otherwise the session fails and says why."""
    slug = "cli-pushed-r-script"
    folder = push_dir(tmp_path, slug, "main.R", 'cat("rows:", nrow(read.csv("/kaggle/input/titanic/train.csv")), "\\n")\n',
                      "script", language="r", competition_sources=["titanic"])
    ok(run_kaggle("kernels", "push", "-p", str(folder)))
    status = wait_status(run_kaggle, f"sandbox-user/{slug}")
    if shutil.which("Rscript"):
        assert "KernelWorkerStatus.COMPLETE" in status
    else:
        assert "KernelWorkerStatus.ERROR" in status
        assert "R is not installed on this sandbox machine" in status


def test_push_with_kernel_source_reads_its_output(run_kaggle, tmp_path):
    """``kernel_sources`` mounts another notebook's output under ``/kaggle/input/<its slug>``."""
    slug = "cli-pushed-blend"
    code = ("rows = open('/kaggle/input/titanic-eda-and-first-baseline/submission.csv').read().splitlines()\n"
            "print('upstream rows', len(rows))\n")
    folder = push_dir(tmp_path, slug, "blend.py", code, "script",
                      kernel_sources=["alice/titanic-eda-and-first-baseline"])
    ok(run_kaggle("kernels", "push", "-p", str(folder)))
    assert "COMPLETE" in wait_status(run_kaggle, f"sandbox-user/{slug}")
    log = ok(run_kaggle("kernels", "logs", f"sandbox-user/{slug}"))
    assert "upstream rows 419" in log


def test_logs_follow_streams_a_running_session(run_kaggle, tmp_path):
    """``kaggle kernels logs -f`` on a session still running prints its lines, then ends with it."""
    slug = "cli-pushed-ticker"
    code = "import time\nfor i in range(6):\n    print(f'tick {i}', flush=True)\n    time.sleep(0.5)\nprint('done')\n"
    ok(run_kaggle("kernels", "push", "-p", str(push_dir(tmp_path, slug, "tick.py", code, "script"))))
    started = time.monotonic()
    out = ok(run_kaggle("kernels", "logs", "-f", f"sandbox-user/{slug}", timeout=60))
    assert [line for line in out.splitlines() if line.strip()][-7:] == [f"tick {i}" for i in range(6)] + ["done"]
    assert time.monotonic() - started < 30
    assert "COMPLETE" in ok(run_kaggle("kernels", "status", f"sandbox-user/{slug}"))
