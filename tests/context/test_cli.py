"""`kaggle-agent-mcp context COMPETITION`: TOON alone on stdout, the rest on stderr."""

from __future__ import annotations

import secrets

from kaggle_mcp.cli import main as _run
from kaggle_mcp.context.encode import decode_context


def test_context_command_prints_toon(sandbox, isolated_env, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("KAGGLE_API_ENDPOINT", sandbox.url)
    monkeypatch.setenv("KAGGLE_API_TOKEN", "KGAT_" + secrets.token_hex(16))
    monkeypatch.setenv("KAGGLE_MCP_CACHE_DIR", str(tmp_path / "cache"))
    assert _run(["context", "titanic", "--top-notebooks", "1", "--max-tokens", "3000"]) == 0
    out, err = capsys.readouterr()
    data = decode_context(out.rstrip("\n"))
    assert data["competition"]["slug"] == "titanic" and len(data["notebooks"]) == 1
    assert data["stats"]["tokens_estimated"] <= 3000
    assert "built:" in err and "[1/" in err
    assert (tmp_path / "cache" / "context.sqlite3").exists()
    assert _run(["context", "https://www.kaggle.com/competitions/titanic", "--top-notebooks", "1", "--max-tokens", "3000"]) == 0
    again, err = capsys.readouterr()
    assert again == out and "cache:" in err
    assert _run(["context", "no-such-competition"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "error:" in err
