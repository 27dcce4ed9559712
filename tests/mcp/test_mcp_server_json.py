"""server.json is a valid MCP registry entry and agrees with the package it describes."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT.parent / "shared" / "reference" / "server.schema.json"


def test_server_json_validates_against_the_registry_schema():
    if not SCHEMA.is_file():
        pytest.skip("../shared/reference/server.schema.json is not present in this checkout")
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    data = json.loads((ROOT / "server.json").read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft7Validator, format_checker=jsonschema.FormatChecker())


def test_server_json_matches_the_package_and_readme():
    data = json.loads((ROOT / "server.json").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    package = data["packages"][0]
    assert package["identifier"] == project["name"]  # versions: tests/packaging/test_versions.py
    assert len(data["description"]) <= 100
    secrets = {v["name"] for v in package["environmentVariables"] if v.get("isSecret")}
    assert {"KAGGLE_API_TOKEN", "KAGGLE_KEY"} <= secrets
    assert f"<!-- mcp-name: {data['name']} -->" in (ROOT / "README.md").read_text()
