"""Subprocess plumbing for kernel sessions: pipes into a timestamped log, process-group kills.

Kept apart from the runner's scheduling so each stays readable. A session runs in its own process
group (``start_new_session``) so that stopping it also stops whatever it spawned; its pipes are read
in chunks so progress bars, which redraw with a bare carriage return, reach the log as they happen.
"""

from __future__ import annotations

import codecs
import os
import re
import signal
import subprocess
from collections.abc import Callable
from typing import IO

KILL_GRACE_S = 2.0
_LINE_END = re.compile(r"\r\n|\n|\r(?=.)", re.DOTALL)  # a trailing \r may be the start of \r\n


def pump(stream: IO[bytes], name: str, append: Callable[[str, str], None]) -> None:
    """Copy one pipe into the log (``append(stream_name, text)``), one entry per line."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    with stream:
        while chunk := stream.read1(65536):  # type: ignore[attr-defined]
            pending = _emit_lines(append, name, pending + decoder.decode(chunk))
        pending += decoder.decode(b"", final=True)
    if pending:
        append(name, pending)


def _emit_lines(append: Callable[[str, str], None], name: str, text: str) -> str:
    """Log every complete line of ``text``; return the unfinished rest (flushed if it grows huge)."""
    start = 0
    for match in _LINE_END.finditer(text):
        append(name, text[start:match.end()])
        start = match.end()
    rest = text[start:]
    if len(rest) > 65536:
        append(name, rest)
        return ""
    return rest


def kill_group(proc: subprocess.Popen) -> None:
    """SIGTERM the session's process group, then SIGKILL whatever is left after a short grace."""
    if not hasattr(os, "killpg"):  # Windows has no process groups: stop the process itself
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        return
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        pgid = proc.pid
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=wait)
            if sig == signal.SIGTERM:
                # the leader is gone; make sure no child survives it
                os.killpg(pgid, signal.SIGKILL)
            return
        except subprocess.TimeoutExpired:
            continue
        except (ProcessLookupError, PermissionError):
            return
