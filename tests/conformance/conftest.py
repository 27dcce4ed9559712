"""Runs the unmodified official ``kaggle`` CLI (2.2.5) against the sandbox.

How the CLI is pointed at the sandbox — reference §3.2, method C: the CLI has no endpoint variable;
it builds its HTTP client from ``kagglesdk.kaggle_env._env_to_endpoint`` (PROD ->
``https://api.kaggle.com``). The fixture writes a ``sitecustomize.py`` into a temporary directory and
puts that directory on ``PYTHONPATH``; Python imports ``sitecustomize`` at start-up, and ours
rewrites every entry of that dict to ``$KAGGLE_EMU_URL``. The CLI stays in PROD mode, so requests
arrive at ``{sandbox}/v1/{service}/{Method}`` — exactly production's path shape — on any port, with
no proxy and no root. The CLI itself is not modified, and processes without ``KAGGLE_EMU_URL`` are
unaffected. The shim also notes each RPC the CLI sends (name and body, as kagglesdk serialised it) in
``$KAGGLE_CAPTURE``, so tests can compare our client's request bodies with the CLI's own.

``run_kaggle(*args, env_extra=None, cwd=None, input=None)`` runs ``kaggle <args>`` against the session
sandbox as ``sandbox-user`` (token credentials) with a private HOME and ``TZ=UTC`` (the CLI's up-to-date
check compares local mtimes with Last-Modified naively, reference §5.3); the result's ``rpcs`` lists
``(service/Method, body)`` in the order sent. ``run_kaggle_on(sb)`` gives the same runner for another
sandbox (fault-injection tests use a fresh one).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SHIM = '''\
import os

_url = os.environ.get("KAGGLE_EMU_URL")
if _url:
    try:
        import kagglesdk.kaggle_env as _kaggle_env
    except ImportError:
        pass
    else:
        for _env in list(_kaggle_env._env_to_endpoint):
            _kaggle_env._env_to_endpoint[_env] = _url.rstrip("/")

_capture = os.environ.get("KAGGLE_CAPTURE")
if _url and _capture:
    import json as _json

    import kagglesdk.kaggle_http_client as _http

    _prepare = _http.KaggleHttpClient._prepare_request

    def _noting(self, service_name, request_name, request):
        with open(_capture, "a", encoding="utf-8") as out:
            out.write(_json.dumps([f"{service_name}/{request_name}", request.to_dict()]) + "\\n")
        return _prepare(self, service_name, request_name, request)

    _http.KaggleHttpClient._prepare_request = _noting
'''

RunKaggle = Callable[..., subprocess.CompletedProcess]


def _kaggle_executable() -> str:
    candidate = Path(sys.executable).parent / "kaggle"
    found = str(candidate) if candidate.exists() else shutil.which("kaggle")
    if not found:
        pytest.skip("the official kaggle CLI is not installed (pip install kaggle==2.2.5 six)")
    return found


@pytest.fixture(scope="session")
def kaggle_shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shim_dir = tmp_path_factory.mktemp("kaggle-shim")
    (shim_dir / "sitecustomize.py").write_text(SHIM)
    return shim_dir


def make_runner(sb, shim_dir: Path, home: Path) -> RunKaggle:
    from kaggle_mcp.sandbox import SANDBOX_TOKEN

    executable = _kaggle_executable()
    home.mkdir(parents=True, exist_ok=True)

    def run(*args: str, env_extra: dict[str, str] | None = None, cwd: Path | str | None = None,
            timeout: float = 180, input: str | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("KAGGLE") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), TZ="UTC", TMPDIR=str(home / "tmp"),
                   KAGGLE_EMU_URL=sb.url, KAGGLE_API_TOKEN=SANDBOX_TOKEN, PYTHONIOENCODING="utf-8",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(shim_dir), os.environ.get("PYTHONPATH")])))
        (home / "tmp").mkdir(exist_ok=True)
        capture = home / "tmp" / "rpcs.jsonl"
        capture.write_text("")
        env["KAGGLE_CAPTURE"] = str(capture)
        env.update(env_extra or {})
        env = {k: v for k, v in env.items() if v is not None}
        result = subprocess.run([executable, *args], env=env, cwd=str(cwd or home), capture_output=True,
                                text=True, timeout=timeout, input=input)
        result.rpcs = [tuple(json.loads(line)) for line in capture.read_text().splitlines()]
        return result

    return run


@pytest.fixture
def run_kaggle(sandbox, kaggle_shim: Path, tmp_path: Path) -> RunKaggle:
    return make_runner(sandbox, kaggle_shim, tmp_path / "home")


@pytest.fixture
def run_kaggle_on(kaggle_shim: Path, tmp_path: Path) -> Callable[[object], RunKaggle]:
    return lambda sb: make_runner(sb, kaggle_shim, tmp_path / "home")
