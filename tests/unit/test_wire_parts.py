"""The competition service's wire messages are split in parts that load on first use
(kaggle/models/competitions): the parts name every message once, and a first call loads only its part."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

from kaggle_mcp.kaggle.models import competitions
from kaggle_mcp.kaggle.wire import WireModel

ROOT = Path(__file__).resolve().parents[2]


def test_the_parts_name_every_message_once_and_the_type_checker_sees_them_all():
    for part, names in competitions.PARTS.items():
        module = importlib.import_module(f"{competitions.__name__}.{part}")
        defined = {name for name, value in vars(module).items()
                   if inspect.isclass(value) and issubclass(value, WireModel) and value.__module__ == module.__name__}
        assert defined == set(names), part
    listed = [name for names in competitions.PARTS.values() for name in names]
    assert len(listed) == len(set(listed)) == 40
    tree = ast.parse(Path(competitions.__file__).read_text())
    checked = {alias.name for node in ast.walk(tree) if isinstance(node, ast.If)
               and getattr(node.test, "id", None) == "TYPE_CHECKING"
               for stmt in node.body if isinstance(stmt, ast.ImportFrom) for alias in stmt.names}
    assert checked == set(listed)


PROBE = '''
import json, sys
import kaggle_mcp.kaggle.models.competitions as c
def parts():
    return sorted(p for p in c.PARTS if f"{c.__name__}.{p}" in sys.modules)
seen = [parts()]
from kaggle_mcp.kaggle.models.competitions import ApiCompetition, ApiListCompetitionsResponse
seen.append(parts())
c.ApiSubmission
seen.append(parts())
print(json.dumps(seen))
'''


def test_a_part_is_imported_when_one_of_its_names_is_first_used():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [[], ["catalog"], ["catalog", "submissions"]]
    try:
        competitions.ApiNoSuchMessage  # noqa: B018 - the attribute access is the test
    except AttributeError as exc:
        assert "ApiNoSuchMessage" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
