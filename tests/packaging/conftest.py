"""What users install: the sdist and wheel `python -m build` makes, each installed (not editable) into a
fresh venv. Built once and installed once per session; pip's and uv's caches make the installs quick."""

from __future__ import annotations

import sys

import pytest
from packaging_helpers import ROOT, Artifacts, Installed, install, run


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory) -> Artifacts:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    (wheel,), (sdist,) = out.glob("*.whl"), out.glob("*.tar.gz")
    return Artifacts(wheel, sdist)


@pytest.fixture(scope="session")
def installed_wheel(artifacts, tmp_path_factory) -> Installed:
    return install(artifacts.wheel, tmp_path_factory.mktemp("wheel") / "venv")


@pytest.fixture(scope="session")
def installed_sdist(artifacts, tmp_path_factory) -> Installed:
    return install(artifacts.sdist, tmp_path_factory.mktemp("sdist") / "venv")
