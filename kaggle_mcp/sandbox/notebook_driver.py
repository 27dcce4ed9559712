"""Runs a notebook's code cells in order inside one Python process (the sandbox's stand-in for papermill).

This file is executed by path in the kernel subprocess (``python notebook_driver.py CELLS STATUS``),
never imported by the sandbox: it must stay stdlib-only and free of package imports, because the
subprocess only shares the interpreter with the sandbox, not its ``sys.path`` tweaks.

CELLS is a JSON list of ``{"index": int, "id": str, "source": str}`` (magics already removed by the
runner). All cells share one namespace, as in a Jupyter kernel. On the first failing cell the driver
prints the traceback to stderr, writes ``{"cell": index, "id": id, "exception": "Type: message"}`` to
STATUS and exits 1, so the runner can name the cell in the session's failureMessage.
"""

from __future__ import annotations

import builtins
import json
import linecache
import sys
import traceback
import types


def _display(*objects, **_kwargs):
    """IPython's ``display`` is a builtin in notebooks; Kaggle code calls it freely (``display(df)``)."""
    for obj in objects:
        print(obj if isinstance(obj, str) else repr(obj))


class _RichText:
    """Stand-in for ``IPython.display.HTML``/``Markdown``: in a batch run only the text matters."""

    def __init__(self, data=None, *args, **kwargs):
        self.data = data

    def __repr__(self):
        return str(self.data)


def _install_ipython_stub() -> None:
    """Kaggle code imports ``IPython.display``; without IPython installed, give it a minimal one.

    Only when the real package is absent, so an installed IPython always wins.
    """
    try:
        import IPython.display  # noqa: F401
        return
    except ImportError:
        pass
    ipython = types.ModuleType("IPython")
    display = types.ModuleType("IPython.display")
    display.display = _display
    display.HTML = display.Markdown = display.Image = display.Javascript = display.Latex = _RichText
    display.clear_output = lambda *args, **kwargs: None
    ipython.display = display
    ipython.get_ipython = lambda: None
    sys.modules.setdefault("IPython", ipython)
    sys.modules.setdefault("IPython.display", display)


def _run(cells_path: str, status_path: str) -> int:
    with open(cells_path, encoding="utf-8") as fh:
        cells = json.load(fh)
    builtins.display = _display
    _install_ipython_stub()
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    for cell in cells:
        filename = f"<cell {cell['index']}>"
        source = cell["source"]
        # Registering the source lets tracebacks quote the failing line, as Jupyter does.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            exec(compile(source, filename, "exec"), namespace)
        except SystemExit as exc:
            if exc.code in (None, 0):
                return 0
            failure = f"SystemExit: {exc.code}"
            return _fail(status_path, cell, failure)
        except BaseException as exc:  # noqa: BLE001 - any error in user code fails the session
            # Skip the driver's own frame so the traceback starts in the user's cell.
            traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)
            failure = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return _fail(status_path, cell, failure)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
    return 0


def _fail(status_path: str, cell: dict, failure: str) -> int:
    with open(status_path, "w", encoding="utf-8") as fh:
        json.dump({"cell": cell["index"], "id": cell.get("id", ""), "exception": failure}, fh)
    return 1


if __name__ == "__main__":
    # Like a Jupyter kernel, import from the working directory, not from the sandbox package.
    sys.path[0] = ""
    sys.exit(_run(sys.argv[1], sys.argv[2]))
