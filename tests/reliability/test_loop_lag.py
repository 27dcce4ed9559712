"""Issue 11 item 5 / issue 10 item 8: extracting a 1 GiB archive leaves the event loop responsive.

Before, `safe_unzip` ran on the loop and stalled `/health` for 4.2 s; `extract_archive` runs it in a worker
thread. Measured with both probes of `loop_lag` while the archive inflates: a ticker on the loop, and a
second client (another process) GETting a trivial route of an app served by that loop. Target: p99 <= 50 ms
of work on the loop between two ticks (see the test for how lateness is judged on a shared machine).
"""

from __future__ import annotations

import os
import zipfile

import anyio
import pytest
from loop_lag import polling, serving, ticking
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from kaggle_mcp.kaggle.archives import extract_archive

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GIB = 1 << 30


@pytest.fixture(scope="module")
def one_gib_archive(tmp_path_factory):
    """1 GiB in one deflated member, about 15:1 (each MiB: 64 KiB of random bytes, then zeros), so it is
    real inflate work and passes the extraction limits."""
    path = tmp_path_factory.mktemp("lag") / "big.zip"
    noise = os.urandom(64 << 10)
    block = noise + bytes((1 << 20) - len(noise))
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("big.csv")
        info.compress_type = zipfile.ZIP_DEFLATED
        info._compresslevel = 1
        with archive.open(info, "w", force_zip64=True) as sink:
            for _ in range(GIB >> 20):
                sink.write(block)
    return path


async def test_the_loop_answers_within_50_ms_while_1_gib_is_extracted(one_gib_archive, tmp_path):
    """Two verdicts. Nothing heavy runs on the loop: between two ticks its thread works at most 50 ms (p99) of
    CPU, which does not depend on the machine's load. And clients barely feel it: the extraction adds at most
    50 ms to the p99 lateness of the ticker and of a second client, over the same probes just before, as long
    as this machine has a core to spare; on 2 cores shared with other test runs it may not, so those two are
    held to 10x that (the old extraction on the loop added seconds)."""
    app = Starlette(routes=[Route("/health", lambda _: PlainTextResponse("ok"))])
    async with serving(app) as base:
        async with polling(f"{base}/health") as idle_http, ticking() as idle_ticks:
            await anyio.sleep(1.5)  # the baseline: the same probes, nothing else running
        async with polling(f"{base}/health") as http, ticking() as ticks:
            extracted = await extract_archive(one_gib_archive, tmp_path / "out")
    (written,) = extracted.files
    assert written.stat().st_size == GIB
    print(f"\nbefore: loop ticker {idle_ticks}; GET /health {idle_http}"
          f"\nwhile extracting 1 GiB: loop ticker {ticks}; GET /health {http}")
    assert ticks.count > 50 and http.count > 20  # the extraction took long enough to measure anything
    assert ticks.busy_p99_ms <= 50, ticks
    assert ticks.p99_ms <= 500 + idle_ticks.p99_ms, (ticks, idle_ticks)
    assert http.p99_ms <= 500 + idle_http.p99_ms, (http, idle_http)
