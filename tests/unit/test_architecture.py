"""The layering the design promises, checked on the source: arrows point down only.

Every `import` in `kaggle_mcp` counts, including those inside functions (a function-local import is still
a dependency, just a hidden one); only imports under `if TYPE_CHECKING:` are left out, since they never
run. Layers below the MCP adapter never import `mcp`, and nothing reaches into the SDK's private parts.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "kaggle_mcp"
BELOW_THE_ADAPTER = ("kaggle_mcp.kaggle", "kaggle_mcp.context", "kaggle_mcp.workflows")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = frozenset(module_name(p) for p in PACKAGE.rglob("*.py"))


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module `path` imports at run time (relative imports resolved)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package, MODULES)


def imports_in(source: str, package: str, known: frozenset[str] = frozenset()) -> set[str]:
    """The modules `source` (a module of `package`) imports; `known` lists which dotted names are modules."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                root = ".".join(base + ([node.module] if node.module else []))
            else:
                root = node.module or ""
            # `from pkg import module` depends on that module; `from pkg import name`, on pkg itself
            found.update(f"{root}.{alias.name}" if f"{root}.{alias.name}" in known else root for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the kaggle_mcp modules it imports. A package's __init__ is a module like any other: a
    child does not depend on it unless it imports a name from it."""
    return {name: {t for t in imports_of(path) if t in MODULES} - {name}
            for path in PACKAGE.rglob("*.py") if (name := module_name(path))}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def test_the_checker_sees_a_cycle_through_a_function_local_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import hidden\n"
              "def f():\n    import inner\n    from .sibling import thing\n")
    assert imports_in(source, "pkg.sub", frozenset({"pkg.sub.sibling"})) == {"typing", "inner", "pkg.sub.sibling"}


def test_no_import_cycles_among_kaggle_mcp_modules():
    assert cycles(graph()) == []


def test_layers_below_the_adapter_never_import_mcp():
    offenders = {name: sorted(t for t in imports_of(path) if t == "mcp" or t.startswith("mcp."))
                 for path in PACKAGE.rglob("*.py") if (name := module_name(path)).startswith(BELOW_THE_ADAPTER)}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_private_sdk_internals():
    used = [f"{path.relative_to(PACKAGE.parent)}:{n}" for path in PACKAGE.rglob("*.py")
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if "._tool_manager" in line or "model_construct(" in line or "._lowlevel_server" in line]
    assert used == []
