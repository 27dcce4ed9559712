"""The kernel runner really runs code: subprocesses, Kaggle's directory layout, logs, limits.

No server here: the runner is exercised directly with real subprocesses, because its contract
(status, failureMessage, log format, output dir) is what the SaveKernel/status/output RPCs serve.
"""

from __future__ import annotations

import ast
import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from kaggle_mcp.sandbox.runner import R_MISSING, KernelRunner


@pytest.fixture
def runner(tmp_path):
    r = KernelRunner(tmp_path / "runs", default_timeout_s=60, max_concurrent=2)
    yield r
    r.shutdown()


@pytest.fixture
def titanic_dir(tmp_path) -> Path:
    d = tmp_path / "store" / "titanic"
    d.mkdir(parents=True)
    (d / "train.csv").write_text("PassengerId,Survived\n1,0\n2,1\n3,1\n")
    return d


def notebook(*cells: str | tuple[str, str]) -> str:
    """An .ipynb text; a plain string is a code cell, ("markdown", text) a markdown cell."""
    out = []
    for i, cell in enumerate(cells):
        kind, text = cell if isinstance(cell, tuple) else ("code", cell)
        entry = {"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": text.splitlines(True)}
        if kind == "code":
            entry.update(outputs=[], execution_count=None)
        out.append(entry)
    return json.dumps({"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def finish(run, timeout: float = 30):
    assert run.wait(timeout), f"run {run.run_id} still {run.status} after {timeout}s"
    return run


def stdout_of(run) -> str:
    return "".join(e["data"] for e in json.loads(run.log_json()) if e["stream_name"] == "stdout")


def test_script_reads_kaggle_input_and_writes_working(runner, titanic_dir):
    source = (
        "import csv, os\n"
        "rows = list(csv.DictReader(open('/kaggle/input/titanic/train.csv')))\n"
        "print('rows', len(rows))\n"
        "print('same via ../input:', len(open('../input/titanic/train.csv').read().splitlines()))\n"
        "print('env', os.path.isdir(os.environ['KAGGLE_INPUT_DIR']), os.environ['KAGGLE_KERNEL_RUN_TYPE'])\n"
        "with open('/kaggle/working/submission.csv', 'w') as fh:\n"
        "    fh.write('PassengerId,Survived\\n' + ''.join(f\"{r['PassengerId']},1\\n\" for r in rows))\n"
        "os.makedirs('plots', exist_ok=True)\nopen('plots/a.txt', 'w').write('x')\n"
        "print('where', os.getcwd(), __file__)\n"
    )
    run = runner.start("s1", source, "script", "python", {"titanic": titanic_dir})
    assert run.status in ("QUEUED", "RUNNING")
    finish(run)
    assert run.status == "COMPLETE", run.log_json()
    assert run.failure_message == ""
    assert (run.output_dir / "submission.csv").read_text() == "PassengerId,Survived\n1,1\n2,1\n3,1\n"
    assert (run.output_dir / "plots" / "a.txt").read_text() == "x"
    out = stdout_of(run)
    assert "rows 3" in out and "same via ../input: 4" in out and "env True Batch" in out
    assert "where /kaggle/working /kaggle/src/script.py" in out  # the log shows Kaggle's paths


def test_dataset_mounts_and_credentials_are_not_leaked(runner, tmp_path, monkeypatch):
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "cabin_decks.csv").write_text("deck\nA\n")
    monkeypatch.setenv("KAGGLE_KEY", "0123456789abcdef0123456789abcdef")
    source = ("import os\nprint(open('/kaggle/input/alice/ds/cabin_decks.csv').read().strip())\n"
              "print(open('../input/ds/cabin_decks.csv').read().strip())\nprint(os.environ.get('KAGGLE_KEY'))\n")
    run = finish(runner.start("s2", source, "script", "python", {"alice/ds": ds}))
    assert run.status == "COMPLETE"
    assert stdout_of(run) == "deck\nA\ndeck\nA\nNone\n"
    assert not (run.run_dir / "input").exists()  # inputs are copies, dropped after the run
    assert (ds / "cabin_decks.csv").read_text() == "deck\nA\n"


def test_lazy_inputs_are_materialised_by_the_worker(runner, tmp_path):
    """A callable input is resolved off the request path, in the runner's worker thread."""
    import threading

    seen = []

    def materialise() -> Path:
        seen.append(threading.current_thread().name)
        d = tmp_path / "lazy"
        d.mkdir()
        (d / "big.csv").write_text("a\n1\n")
        return d

    run = runner.start("lazy1", "print(open('/kaggle/input/retail/big.csv').read().split())", "script", "python",
                       {"retail": materialise})
    finish(run)
    assert run.status == "COMPLETE" and stdout_of(run) == "['a', '1']\n"
    assert seen and seen[0].startswith("kernel-runner-")

    def broken() -> Path:
        raise OSError("disk full while writing train.csv")

    run = finish(runner.start("lazy2", "print(1)", "script", "python", {"retail": broken}))
    assert run.status == "ERROR" and run.failure_message == "disk full while writing train.csv"


def test_failing_script_reports_the_exception(runner):
    run = finish(runner.start("s3", "print('before')\nraise ValueError('boom')\n", "script", "python", {}))
    assert run.status == "ERROR"
    assert run.failure_message == "ValueError: boom"
    assert run.exit_code == 1
    log = json.loads(run.log_json())
    assert any("Traceback" in e["data"] for e in log if e["stream_name"] == "stderr")


def test_notebook_runs_code_cells_in_order_in_one_namespace(runner):
    text = notebook(("markdown", "# Title\nprint('not code')"), "x = 20\ndisplay('shown')", "x += 1\nprint('x', x)",
                    "from IPython.display import display, HTML\ndisplay(HTML('<b>bold</b>'))")
    run = finish(runner.start("n1", text, "notebook", "python", {}))
    assert run.status == "COMPLETE", run.log_json()
    assert stdout_of(run) == "shown\nx 21\n<b>bold</b>\n"


def test_notebook_failing_cell_names_the_cell_and_exception(runner):
    text = notebook(("markdown", "intro"), "print('ok')", "total = 1 / 0", "print('never')")
    run = finish(runner.start("n2", text, "notebook", "python", {}))
    assert run.status == "ERROR"
    assert run.failure_message == "Error in cell 3 (id c2): ZeroDivisionError: division by zero"
    out = stdout_of(run)
    assert "ok" in out and "never" not in out
    stderr = "".join(e["data"] for e in json.loads(run.log_json()) if e["stream_name"] == "stderr")
    assert 'File "<cell 3>", line 1' in stderr and "total = 1 / 0" in stderr
    assert "notebook_driver" not in stderr


def test_magics_are_skipped(runner):
    text = notebook(
        "%matplotlib inline\n!pip install -q nothing-at-all\nfiles = !ls\nimport os\nprint('a')",
        "for i in range(2):\n    !echo hi\n    print('loop', i)",
        "%%bash\necho this is shell\nexit 3",
        "%%time\nprint('timed body runs')",
        "%time y = 40 + 2\nprint('y', y)",
        "%%writefile helper.py\ndef f():\n    return 'from helper'",
        "from helper import f\nprint(f())\nprint(5 % 3, 2 != 3)",
    )
    run = finish(runner.start("n3", text, "notebook", "python", {}))
    assert run.status == "COMPLETE", run.log_json()
    assert stdout_of(run) == "a\nloop 0\nloop 1\ntimed body runs\ny 42\nfrom helper\n2 True\n"
    assert (run.output_dir / "helper.py").is_file()
    notes = [e["data"] for e in json.loads(run.log_json()) if e["stream_name"] == "stderr"]
    assert notes == [
        "[sandbox] skipped IPython magic (not run here): !pip install -q nothing-at-all\n",
        "[sandbox] skipped IPython magic (not run here): files = !ls\n",
        "[sandbox] skipped IPython magic (not run here): !echo hi\n",
        "[sandbox] skipped IPython magic (not run here): !echo hi\n",
        "[sandbox] skipped IPython magic (not run here): %%bash\n",
    ]


def test_magic_lookalikes_inside_strings_are_left_alone():
    from kaggle_mcp.sandbox.kernel_source import strip_magics

    cell = 'sql = """\nSELECT *\n%s\n!x\n"""\n%pip install foo\nfmt = \'\'\'%d\'\'\'\n'
    out = strip_magics(cell).splitlines()
    assert out[:5] == ['sql = """', "SELECT *", "%s", "!x", '"""']
    assert out[5].startswith("__import__('sys').stderr.write(") and "%pip install foo" in out[5]
    assert out[6] == "fmt = \'\'\'%d\'\'\'"


def test_notebook_paths_are_rewritten_inside_cells(runner, titanic_dir):
    text = notebook("import csv\nrows = list(csv.reader(open('/kaggle/input/titanic/train.csv')))",
                    "open('/kaggle/working/out.txt', 'w').write(str(len(rows)))")
    run = finish(runner.start("n4", text, "notebook", "python", {"titanic": titanic_dir}))
    assert run.status == "COMPLETE", run.log_json()
    assert (run.output_dir / "out.txt").read_text() == "4"


def test_invalid_notebook_is_an_error_not_a_crash(runner):
    run = finish(runner.start("n5", "{not json", "notebook", "python", {}))
    assert run.status == "ERROR"
    assert "not valid JSON" in run.failure_message


def test_timeout_kills_the_process_group(runner, tmp_path):
    pidfile = tmp_path / "child.pid"
    source = (
        "import subprocess, sys, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(child.pid))\n"
        "print('started', flush=True)\ntime.sleep(60)\n"
    )
    t0 = time.monotonic()
    run = finish(runner.start("t1", source, "script", "python", {}, timeout_s=1.5), timeout=20)
    assert time.monotonic() - t0 < 10
    assert run.status == "ERROR"
    assert run.failure_message.startswith("timeout")
    assert "started" in stdout_of(run)
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child), "the kernel's child process survived the timeout"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is dead for our purpose
        return fh.read().split()[2] != "Z"


def test_log_is_kaggles_json_array(runner):
    source = "import sys\nprint('out 1')\nprint('err 1', file=sys.stderr)\nprint('out 2')\nprint('ünïcode ✓')\n"
    run = finish(runner.start("l1", source, "script", "python", {}))
    raw = run.log_json()
    entries = json.loads(raw)
    assert isinstance(entries, list) and len(entries) == 4
    for entry in entries:
        assert set(entry) == {"stream_name", "time", "data"}
        assert entry["stream_name"] in ("stdout", "stderr")
        assert isinstance(entry["time"], float) and 0 <= entry["time"] < 30
    assert [e["data"] for e in entries if e["stream_name"] == "stdout"] == ["out 1\n", "out 2\n", "ünïcode ✓\n"]
    assert [e["data"] for e in entries if e["stream_name"] == "stderr"] == ["err 1\n"]
    stdout_times = [e["time"] for e in entries if e["stream_name"] == "stdout"]
    assert stdout_times == sorted(stdout_times)


def test_runs_beyond_max_concurrent_stay_queued(tmp_path):
    """The second run starts only after the first ended: proven by the order of the times each one recorded,
    not by waiting a while and seeing nothing happen. A runner that ignored the limit would start the second
    at once, long before the test opens the first one's gate."""
    gate, first_end, second_start = tmp_path / "gate", tmp_path / "first_end", tmp_path / "second_start"
    runner = KernelRunner(tmp_path / "runs", max_concurrent=1)
    try:
        wait_gate = (f"import os, time\nwhile not os.path.exists({str(gate)!r}):\n    time.sleep(0.02)\n"
                     f"open({str(first_end)!r}, 'w').write(repr(time.time()))\n")
        first = runner.start("q1", wait_gate, "script", "python", {})
        second = runner.start("q2", f"import time\nopen({str(second_start)!r}, 'w').write(repr(time.time()))\n",
                              "script", "python", {})
        deadline = time.monotonic() + 10
        while first.status != "RUNNING" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert (first.status, second.status) == ("RUNNING", "QUEUED")
        gate.write_text("go")
        finish(first), finish(second)
        assert (first.status, second.status) == ("COMPLETE", "COMPLETE")
        assert float(second_start.read_text()) >= float(first_end.read_text())
    finally:
        runner.shutdown()


def test_concurrency_never_exceeds_the_limit(tmp_path):
    stamps = tmp_path / "stamps"
    stamps.mkdir()
    runner = KernelRunner(tmp_path / "runs", max_concurrent=2)
    try:
        runs = [runner.start(f"c{i}", "import time\nstart = time.time()\ntime.sleep(0.4)\n"
                             f"open({str(stamps / str(i))!r}, 'w').write(f'{{start}} {{time.time()}}')\n",
                             "script", "python", {}) for i in range(5)]
        for run in runs:
            finish(run)
        assert all(r.status == "COMPLETE" for r in runs)
        spans = [tuple(map(float, (stamps / str(i)).read_text().split())) for i in range(5)]
        for start, _ in spans:
            overlapping = sum(1 for s, e in spans if s <= start < e)
            assert overlapping <= 2
    finally:
        runner.shutdown()


def test_cancel_and_shutdown(tmp_path):
    runner = KernelRunner(tmp_path / "runs", max_concurrent=1)
    running = runner.start("x1", "import time\ntime.sleep(60)", "script", "python", {})
    queued = runner.start("x2", "print(1)", "script", "python", {})
    queued.cancel()
    assert queued.status == "CANCEL_ACKNOWLEDGED"
    deadline = time.monotonic() + 10
    while running.status != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.02)
    runner.shutdown()
    assert running.finished and running.status == "ERROR"
    assert "shut down" in running.failure_message
    late = runner.start("x3", "print(1)", "script", "python", {})
    assert late.status == "ERROR"


@pytest.mark.skipif(shutil.which("Rscript") is not None, reason="R is installed here")
def test_r_without_r_installed_is_a_clear_error(runner):
    run = finish(runner.start("r1", "cat('hi')", "script", "r", {}))
    assert run.status == "ERROR"
    assert run.failure_message == R_MISSING
    assert "R is not installed on this sandbox machine" in run.failure_message


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed here")
def test_r_script_runs_with_rscript(runner):
    run = finish(runner.start("r2", "cat('hi from R\\n')", "script", "r", {}))
    assert run.status == "COMPLETE" and "hi from R" in stdout_of(run)


def test_r_notebook_cells_are_joined_for_rscript(runner, tmp_path, monkeypatch):
    """Without R here, a stand-in ``Rscript`` on PATH shows what the runner hands to R."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "Rscript"
    fake.write_text('#!/bin/sh\necho "Rscript $(basename "$1")"\ncat "$1"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    text = notebook(("markdown", "# R"), 'df <- read.csv("/kaggle/input/titanic/train.csv")', "print(nrow(df))")
    run = finish(runner.start("r3", text, "notebook", "r", {}))
    assert run.status == "COMPLETE", run.log_json()
    out = stdout_of(run)
    assert out.startswith("Rscript __script__.R\n")
    assert '# ---- cell 2 ----\ndf <- read.csv("/kaggle/input/titanic/train.csv")' in out  # shown as Kaggle's path
    assert "# ---- cell 3 ----\nprint(nrow(df))" in out


def test_rmarkdown_script_is_rendered(runner, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "Rscript"
    fake.write_text('#!/bin/sh\necho "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    run = finish(runner.start("rmd", "---\ntitle: x\n---\n```{r}\n1 + 1\n```\n", "script", "rmarkdown", {}))
    assert run.status == "COMPLETE"
    assert stdout_of(run).startswith("-e rmarkdown::render(") and "output_dir='/kaggle/working'" in stdout_of(run)


def test_seeded_stdlib_kernels_run_on_the_sandbox_data(runner, tmp_path):
    """The seeded kernels that claim to run here do, against the data the sandbox generates."""
    from kaggle_mcp.sandbox import seed_data
    from kaggle_mcp.sandbox.notebooks_seed import RUNNABLE_HERE, seed_kernels

    def files(generated):  # some generators also return the hidden solution
        return generated[0] if isinstance(generated, tuple) else generated

    rng = random.Random(0)
    retail = files(seed_data.retail_small_files(rng))
    row = seed_data.retail_row_factory(0)
    retail["train.csv"] = (seed_data.RETAIL_HEADER + "".join(row(i) for i in range(120_000))).encode()
    sources = {
        "titanic": files(seed_data.titanic_files(rng)),
        "house-prices-2019": files(seed_data.house_files(rng)),
        "ai-math-olympiad-sandbox": files(seed_data.math_files(rng)),
        "retail-demand-forecast": retail,
        **{ref.split("/")[1]: files for ref, files in seed_data.dataset_files(rng).items()},
    }
    dirs = {}
    for name, files in sources.items():
        dirs[name] = tmp_path / "store" / name
        for fname, data in files.items():
            (dirs[name] / fname).parent.mkdir(parents=True, exist_ok=True)
            (dirs[name] / fname).write_bytes(data)

    kernels = {f"{k.owner}/{k.slug}": k for k in seed_kernels(random.Random(0))}
    assert RUNNABLE_HERE <= set(kernels)
    runs = {}
    for ref in sorted(RUNNABLE_HERE):
        k = kernels[ref]
        mounts = [k.competition] if k.competition else []
        mounts += [d.split("/")[1] for d in k.dataset_sources]
        runs[ref] = runner.start(ref.replace("/", "--"), k.source, k.kernel_type, k.language,
                                 {m: dirs[m] for m in mounts})
    for ref, run in runs.items():
        finish(run, 60)
        assert run.status == "COMPLETE", (ref, run.failure_message, run.log_json()[-800:])
        seeded = kernels[ref].output_files.get("submission.csv")
        if seeded is not None:
            produced = (run.output_dir / "submission.csv").read_text().splitlines()
            expected_rows = len(sources[kernels[ref].competition]["test.csv"].decode().splitlines())
            assert produced[0] == seeded.decode().splitlines()[0] and len(produced) == expected_rows, ref

    aimo = (runs["sandbox-user/aimo-sandbox-starter"].output_dir / "submission.csv").read_text().splitlines()
    answers = {line.split(",")[0]: line.rsplit(",", 1)[1]
               for line in sources["ai-math-olympiad-sandbox"]["reference.csv"].decode().splitlines()[1:]}
    assert all(answers[pid] == answer for pid, answer in (line.split(",") for line in aimo[1:]))
    notebook_log = stdout_of(runs["sandbox-user/titanic-starter-notebook"])
    assert "891 train rows, 418 test rows" in notebook_log and "wrote 418 predictions" in notebook_log


def test_progress_bars_and_unterminated_lines_are_logged(runner):
    source = (
        "import sys, time\n"
        "for pct in (10, 50, 100):\n"
        "    sys.stderr.write(f'\\rtraining: {pct}%')\n"
        "    sys.stderr.flush()\n"
        "    time.sleep(0.05)\n"
        "sys.stderr.write('\\n')\n"
        "print('crlf line', end='\\r\\n')\n"
        "sys.stdout.write('é' * 3 + ' no newline at the end')\n"
    )
    run = finish(runner.start("p1", source, "script", "python", {}))
    assert run.status == "COMPLETE"
    entries = json.loads(run.log_json())
    stderr = [e["data"] for e in entries if e["stream_name"] == "stderr"]
    assert "".join(stderr) == "\rtraining: 10%\rtraining: 50%\rtraining: 100%\n"
    assert len(stderr) >= 3  # the redraws are separate entries, as they happened
    assert [e["data"] for e in entries if e["stream_name"] == "stdout"] == ["crlf line\r\n", "ééé no newline at the end"]


def test_kernel_cannot_read_the_users_kaggle_credentials(runner, tmp_path, monkeypatch):
    """A pushed kernel may be a stranger's code: it gets a home of its own, and no KAGGLE_* variable."""
    home = tmp_path / "user-home"
    (home / ".kaggle").mkdir(parents=True)
    (home / ".kaggle" / "kaggle.json").write_text('{"username": "u", "key": "k"}')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KAGGLE_KEY", "0123456789abcdef0123456789abcdef")
    code = ("import os\n"
            "print('creds', os.path.exists(os.path.expanduser('~/.kaggle/kaggle.json')))\n"
            "print('env', sorted(k for k in os.environ if k.startswith('KAGGLE_') and 'DIR' not in k and 'RUN' not in k))\n")
    run = finish(runner.start("home1", code, "script", "python", {}))
    assert run.status == "COMPLETE", run.log_json()
    out = stdout_of(run)
    assert "creds False" in out and "env []" in out, out


def test_kernels_get_an_allow_listed_environment_and_a_home_of_their_own(runner, monkeypatch):
    """Issue 11 item 12: only KAGGLE*/XDG_* were dropped before, so any other key the server was started with
    (cloud, LLM providers, the HTTP token under another name) reached every kernel."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-0123456789")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-canary-0123456789")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    run = runner.start("envscrub", "import os, tempfile\nprint(sorted(os.environ))\nprint(os.environ['HOME'])\n"
                                   "print(tempfile.gettempdir())\n", "script", "python", {})
    finish(run)
    assert run.status == "COMPLETE", run.log_json()
    names, home, temp = [e["data"].strip() for e in json.loads(run.log_json()) if e["stream_name"] == "stdout"]
    assert "canary" not in run.log_json()
    from kaggle_mcp.sandbox.runner import PASSED_THROUGH

    kernel_own = {"HOME", "TMPDIR", "KAGGLE_INPUT_DIR", "KAGGLE_WORKING_DIR", "KAGGLE_KERNEL_RUN_TYPE", "PYTHONPATH",
                  "PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONDONTWRITEBYTECODE", "MPLBACKEND"}
    seen = set(ast.literal_eval(names))
    assert "LC_ALL" in seen and seen - kernel_own - {"LC_ALL", "LC_CTYPE"} <= set(PASSED_THROUGH), names
    assert home.endswith("/home") and temp == "/kaggle/temp"  # the log maps the run's temp dir to Kaggle's name
