"""Hostile content (part of ``SandboxSettings(hostile=True)``): answers built to exhaust or confuse a client.

``hostile.py`` serves names that try to escape a directory; this module serves what a client must read
without falling over: sizes it must not hold, nesting it must not recurse into, and bytes that are not
UTF-8. Everything big is generated on demand and streamed, so the sandbox itself stays small.

- kernel ``mallory/huge-outputs``: a notebook with 100 MB of cell outputs; GetKernel streams it.
- kernel ``mallory/deep-json``: a notebook whose JSON nests 100 000 levels deep (valid RPC answer).
- kernel ``mallory/deep-answer``: GetKernel's answer itself nests 100 000 levels deep.
- kernel ``mallory/bad-utf8``: source with lone surrogates; an output file and a log with invalid UTF-8.
- kernel ``mallory/raw-bytes``: GetKernel answers with bytes that are not UTF-8 at all.
- competition ``hostile-content``: CSVs in Latin-1 and with a cut multi-byte character, a file whose
  name holds a lone surrogate, and the notebooks above attached to it.
- dataset ``mallory/bad-archives``: ``bad-names.zip``, whose member name is not UTF-8 although the
  archive's UTF-8 flag says it is (Python's zipfile cannot even open it), beside a harmless ``ok.csv``.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone

from kaggle_mcp.sandbox.blobs import BytesBlob, RepeatBlob
from kaggle_mcp.sandbox.kernels_seed import SeedRun
from kaggle_mcp.sandbox.world import (SANDBOX_USER, Competition, DataFile, Dataset, DatasetVersion, Kernel,
                                      KernelVersion, World)

WHEN = datetime(2026, 1, 1, tzinfo=timezone.utc)
COMPETITION = "hostile-content"
HUGE_OUTPUT_BYTES = 100 * 1024 * 1024
OUTPUT_CHUNK = 1024 * 1024          # one stream output of the huge notebook
DEPTH = 100_000
SURROGATE_NAME = "bad-\udcff-name.csv"
STREAMED = {"mallory/huge-outputs", "mallory/deep-answer", "mallory/raw-bytes"}


def _notebook(cells_json: str) -> str:
    return ('{"cells": [' + cells_json + '], "metadata": {"kernelspec": {"name": "python3", "display_name": '
            '"Python 3", "language": "python"}, "language_info": {"name": "python"}}, "nbformat": 4, '
            '"nbformat_minor": 5}')


def _huge_notebook_pieces() -> Iterator[str]:
    """The huge notebook's JSON text, piece by piece: 100 stream outputs of 1 MiB each after one cell."""
    line = "spam " * 19 + "\n"                     # 96 characters per printed line
    text = line * (OUTPUT_CHUNK // len(line))
    output = json.dumps({"output_type": "stream", "name": "stdout", "text": text})
    head, _, tail = _notebook("\x00").partition("\x00")
    yield head
    yield json.dumps({"cell_type": "markdown", "metadata": {}, "source": ["# A notebook with 100 MB of output\n"]})
    yield ', {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["for _ in range(10**6): print(\'spam \' * 19)"], "outputs": ['
    count = HUGE_OUTPUT_BYTES // OUTPUT_CHUNK
    for i in range(count):
        yield output + ("," if i < count - 1 else "")
    yield "]}"
    yield tail


def _deep_notebook() -> str:
    deep = "[" * DEPTH + "]" * DEPTH
    cell = ('{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["x"], "outputs": '
            '[{"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": '
            '{"application/json": ' + deep + ', "text/plain": ["deep"]}}]}')
    return _notebook(json.dumps({"cell_type": "markdown", "metadata": {}, "source": ["# Deep\n"]}) + ", " + cell)


def _bad_utf8_notebook() -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# Lone \ud800 surrogates \udfff here\n"]},
             {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["print('\udcff')\n"],
              "outputs": [{"output_type": "stream", "name": "stdout", "text": "bytes: \udcff\udcfe\n"}]}]
    return _notebook(", ".join(json.dumps(c) for c in cells))


def _kernel(world: World, slug: str, title: str, source: str, run: SeedRun | None = None) -> Kernel:
    kernel = Kernel(owner="mallory", slug=slug, id=world.next_id(), title=title, language="python",
                    kernel_type="notebook", competition_sources=[COMPETITION], created=WHEN, last_run_time=WHEN,
                    total_votes=1000 - len(world.kernels),
                    versions=[KernelVersion(1, source, WHEN, run or SeedRun(), title)])
    world.kernels[kernel.ref] = kernel
    return kernel


def _files(world: World) -> dict[str, DataFile]:
    contents = {
        "latin1.csv": "name,city\nJosé,São Paulo\nZoë,Kraków\n".encode("latin-1", "replace"),
        "cut-multibyte.csv": "id,label\n1,caf".encode() + "é".encode()[:1],
        SURROGATE_NAME: b"id,value\n1,2\n",
        "sample_submission.csv": b"id,value\n1,0\n",
    }
    out = {}
    for i, (name, data) in enumerate(contents.items()):
        blob = BytesBlob(data, "text/csv", WHEN)
        world.register_blob(blob, f"hostile-content-{i}")
        out[name] = DataFile(name, blob, "hostile content", WHEN)
    return out


def _bad_names_zip() -> bytes:
    """A zip whose first member's name bytes are not UTF-8 while its UTF-8 flag (bit 11) is set."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("bad-XX.csv", b"a,b\n1,2\n")
        archive.writestr("fine.csv", b"a\n1\n")
    data = bytearray(buf.getvalue().replace(b"bad-XX.csv", b"bad-\xff\xfe.csv"))
    for offset in (6, data.find(b"PK\x01\x02") + 8):  # flags of the local header and the central entry
        flags, = struct.unpack_from("<H", data, offset)
        struct.pack_into("<H", data, offset, flags | 0x800)
    return bytes(data)


def _bad_archives(world: World) -> Dataset:
    files = {}
    for i, (name, data) in enumerate({"bad-names.zip": _bad_names_zip(), "ok.csv": b"id\n1\n"}.items()):
        blob = BytesBlob(data, "application/zip" if name.endswith(".zip") else "text/csv", WHEN)
        world.register_blob(blob, f"hostile-archive-{i}")
        files[name] = DataFile(name, blob, "hostile archive", WHEN)
    return Dataset("mallory", "bad-archives", world.next_id(), "Bad Archives", "Zip names that are not UTF-8",
                   "", "CC0-1.0", False, ["security"], [DatasetVersion(1, WHEN, "mallory", "", files)])


def add_hostile_content(world: World) -> None:
    comp = Competition(
        slug=COMPETITION, id=66_602, title="Hostile Content", subtitle="Huge, deep and badly encoded",
        category="Playground", host_segment="HOST_SEGMENT_PLAYGROUND", reward="Knowledge",
        organization="Mallory", enabled=WHEN, deadline=datetime(2031, 1, 1, tzinfo=timezone.utc),
        metric="Accuracy", higher_is_better=True, team_count=1, kernel_count=5, max_daily_submissions=5,
        max_team_size=1, files=_files(world), entrants={SANDBOX_USER}, submission_columns=["id", "value"])
    world.competitions[comp.slug] = comp
    world.users.setdefault("mallory", "Mallory")
    world.datasets["mallory/bad-archives"] = _bad_archives(world)
    placeholder = "{}"  # streamed kernels keep no source in memory; GetKernel builds their answer
    _kernel(world, "huge-outputs", "Huge Outputs", placeholder)
    _kernel(world, "deep-json", "Deep JSON", _deep_notebook())
    _kernel(world, "deep-answer", "Deep Answer", placeholder)
    _kernel(world, "raw-bytes", "Raw Bytes", placeholder)
    bad_output = RepeatBlob("hostile-bad-utf8", b"\xff\xfe\xc3\x28 not utf-8 \xed\xa0\x80\n", 4096,
                            last_modified=WHEN)
    log = json.dumps([{"stream_name": "stdout", "time": 0.1, "data": "log with \udcff lone surrogate\n"},
                      {"stream_name": "stderr", "time": 0.2, "data": "and \ud800 another\n"}])
    _kernel(world, "bad-utf8", "Bad UTF-8", _bad_utf8_notebook(),
            SeedRun(log=log, files={"bad.txt": bad_output, "ok.txt": BytesBlob(b"fine\n", "text/plain", WHEN)}))


def get_kernel_answer(kernel: Kernel, metadata: dict):
    """GetKernel's answer (a Starlette response) for a streamed hostile kernel, given its metadata as the
    RPC module renders it, or None for any other kernel."""
    if kernel.ref not in STREAMED:
        return None
    from starlette.responses import Response, StreamingResponse

    meta = json.dumps(metadata)
    if kernel.ref == "mallory/raw-bytes":
        body = b'{"metadata": ' + meta.encode() + b', "blob": {"source": "\xff\xfe\xc3\x28 not utf-8", "language": "python"}}'
        return Response(body, media_type="application/json")
    if kernel.ref == "mallory/deep-answer":
        def deep() -> Iterator[bytes]:
            yield ('{"metadata": ' + meta[:-1] + ', "extra": ').encode()
            yield b"[" * DEPTH + b"]" * DEPTH
            yield b'}, "blob": {"source": "{}", "language": "python", "kernelType": "notebook"}}'
        return StreamingResponse(deep(), media_type="application/json")

    def huge() -> Iterator[bytes]:
        yield ('{"metadata": ' + meta + ', "blob": {"language": "python", "kernelType": "notebook", '
               '"slug": "huge-outputs", "source": "').encode()
        for piece in _huge_notebook_pieces():  # escaped piecewise: JSON escaping is per character
            yield json.dumps(piece)[1:-1].encode()
        yield b'"}}'
    return StreamingResponse(huge(), media_type="application/json")
