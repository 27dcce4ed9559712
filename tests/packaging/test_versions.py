"""One version, written once in pyproject.toml: the installed metadata, the package, server.json (every
package in it) and the Claude Desktop bundle's manifest all say the same."""

from __future__ import annotations

import json
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import kaggle_mcp

ROOT = Path(__file__).resolve().parents[2]


def test_every_version_is_the_one_in_pyproject():
    written = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version("kaggle-agent-mcp") == written, "stale metadata: reinstall with pip install -e '.[test]'"
    assert kaggle_mcp.__version__ == written
    server = json.loads((ROOT / "server.json").read_text())
    assert server["version"] == written
    pypi, oci = server["packages"]
    assert pypi["version"] == written
    assert oci["identifier"].rsplit(":", 1)[1] == written  # an image's version is its tag
    assert json.loads((ROOT / "bundle" / "manifest.json").read_text())["version"] == written


def test_no_version_literal_in_the_code():
    assignments = [path for path in (ROOT / "kaggle_mcp").rglob("*.py")
                   if re.search(r"^__version__\s*=\s*['\"]", path.read_text(), re.MULTILINE)]
    assert assignments == []
