"""Creating Kaggle clients: httpx's default (a new TLS context per client) vs the process's one trust store.

A multi-user server creates a client per user and the REST API one per uploaded kaggle.json; every client
httpx builds parses the CA bundle again. Measured side by side in one run: CPU time to create and close N
clients each way (after one warm-up of each), and the ratio.

    .venv/bin/python benchmarks/client_creation.py [--clients 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu_per_client(make, clients: int) -> float:
    import anyio

    async def run() -> float:
        await make().aclose()  # warm-up: imports, and the shared store's one load
        start = time.process_time()
        for _ in range(clients):
            await make().aclose()
        return (time.process_time() - start) / clients

    return anyio.run(run)


def main() -> int:
    import httpx

    from kaggle_mcp.kaggle.tls import trust_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    args = parser.parse_args()
    own = cpu_per_client(lambda: httpx.AsyncClient(), args.clients)
    shared = cpu_per_client(lambda: httpx.AsyncClient(verify=trust_store()), args.clients)
    print(f"{'client':<34}{'CPU ms per client':>20}")
    print(f"{'httpx default (own TLS context)':<34}{own * 1000:>20.1f}")
    print(f"{'shared trust store (tls.py)':<34}{shared * 1000:>20.1f}")
    print(f"ratio shared / own: {shared / own:.3f}x over {args.clients} clients each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
