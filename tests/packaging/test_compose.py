"""compose.yaml and deploy/Caddyfile, checked without a container engine: the compose file parsed and held
against the Dockerfile (read by BuildKit's parser, test_container.read_image), the settings the code reads and
the routes the app serves; then each replica service's exact command, with the image's environment and the
service's, runs here as a process (two of them, on a real PostgreSQL, against the sandbox) and serves a user
who sends the public host name the proxy passes on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from packaging_helpers import ROOT
from test_container import read_image

from kaggle_mcp.sandbox import user_token
from kaggle_mcp.sandbox.harness import free_port

pytestmark = pytest.mark.anyio

REPLICAS = ("replica1", "replica2")


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def interpolated(value: str, variables: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`, as `docker compose` substitutes them."""
    def one(match: re.Match) -> str:
        name, op, rest = match[1], match[2] or "", match[3] or ""
        if name in variables and variables[name]:
            return variables[name]
        assert op != ":?", f"{name} is required: {rest}"
        return rest if op == ":-" else ""

    return re.sub(r"\$\{([A-Z_]+)(:[-?])?([^}]*)\}", one, value)


def caddy_upstreams() -> tuple[str, list[str], dict[str, str]]:
    text = (ROOT / "deploy" / "Caddyfile").read_text()
    listener = re.search(r"^(\S+) \{", text, re.M)[1]
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", text)[1].split()
    options = dict(re.findall(r"^\t\t(\w+) (\S+)$", text, re.M))
    return listener, upstreams, options


def test_the_services_fit_the_image_the_settings_and_each_other():
    services, image = compose()["services"], read_image()
    assert set(services) == {"postgres", *REPLICAS, "proxy"}
    first, second = (services[name] for name in REPLICAS)
    assert first == second  # one definition (a YAML anchor): the replicas differ only in name
    assert first["build"] == "." and first["command"] == [*image.command, "--multi-user"]
    env = first["environment"]
    source = "\n".join(p.read_text() for p in (ROOT / "kaggle_mcp").rglob("*.py"))
    readme = (ROOT / "README.md").read_text()
    for name in env:
        assert f'"{name}"' in source, f"{name} is read by no module"
        assert name in readme, f"{name} is not in the README"
    assert "KAGGLE_MCP_HTTP_TOKEN" not in env and "KAGGLE_API_TOKEN" not in env  # multi-user: no credentials held
    # the database URL names the postgres service, its user, database and password variable
    url = urlsplit(interpolated(env["KAGGLE_MCP_DATABASE_URL"], {"POSTGRES_PASSWORD": "pw"}))
    pg = services["postgres"]["environment"]
    assert (url.hostname, url.port, url.username, url.password, url.path) == (
        "postgres", 5432, pg["POSTGRES_USER"], "pw", "/" + pg["POSTGRES_DB"])
    assert pg["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    assert first["depends_on"]["postgres"]["condition"] == "service_healthy" and "healthcheck" in services["postgres"]
    # every user's workspace on a volume both replicas mount where the image keeps workspaces
    assert first["volumes"] == [f"workspaces:{image.env['KAGGLE_MCP_WORKSPACE']}"]
    # the proxy: its listener is the published container port; its upstreams are the replicas at the image's port
    listener, upstreams, options = caddy_upstreams()
    published = interpolated(services["proxy"]["ports"][0], {})
    assert published.rsplit(":", 1)[1] == listener.lstrip(":") and published.startswith("127.0.0.1:")
    assert upstreams == [f"{name}:{image.env['KAGGLE_MCP_PORT']}" for name in REPLICAS]
    assert options["health_uri"] == "/health/ready" and options["lb_policy"] == "round_robin"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["proxy"]["volumes"]


async def test_each_replica_service_command_serves_users_on_postgresql(fresh_sandbox, postgres_server, tmp_path):
    services, image = compose()["services"], read_image()
    public = "mcp.example.org"
    database = urlsplit(postgres_server.new_database())
    # what the engine would change: the database's address (the test's PostgreSQL stands in for the service),
    # loopback ports, the volumes' paths, and Kaggle's address (the sandbox)
    variables = {"POSTGRES_PASSWORD": "unused", "PUBLIC_HOST": public}
    bases = []
    processes = []
    try:
        for name in REPLICAS:
            service = services[name]
            env = {k: interpolated(str(v), variables) for k, v in service["environment"].items()}
            env["KAGGLE_MCP_DATABASE_URL"] = database.geturl()
            port = str(free_port())
            full = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE")} | image.env | env | {
                "KAGGLE_MCP_HOST": "127.0.0.1", "KAGGLE_MCP_PORT": port, "KAGGLE_API_ENDPOINT": fresh_sandbox.url,
                "KAGGLE_MCP_WORKSPACE": str(tmp_path / "workspaces"), "KAGGLE_MCP_CACHE_DIR": str(tmp_path / name),
                "HOME": str(tmp_path)}
            command = [str(Path(sys.executable).parent / service["command"][0]), *service["command"][1:]]
            with (tmp_path / f"{name}.stderr").open("wb") as stderr:
                processes.append(subprocess.Popen(command, env=full, stdout=subprocess.DEVNULL, stderr=stderr))
            bases.append(f"http://127.0.0.1:{port}")
        for base, proc, name in zip(bases, processes, REPLICAS):
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / f"{name}.stderr").read_text()
                time.sleep(0.2)
        for base in bases:
            # as the proxy forwards it: the public Host the replicas were told to accept, the user's own token
            headers = {"Authorization": f"Bearer {user_token('alice')}", "Host": public}
            http = create_mcp_http_client(headers=headers)
            async with http, Client(streamable_http_client(f"{base}/mcp", http_client=http)) as alice:
                me = (await alice.call_tool("whoami", {})).structured_content
            # her own folder under the shared volume, shown without the server's path
            assert (me["username"], me["workspace"]) == ("alice", "<workspace>/alice")
            assert (tmp_path / "workspaces" / "alice").is_dir()
            wrong = httpx.post(f"{base}/mcp", json={}, headers={**headers, "Host": "evil.example"})
            assert wrong.status_code == 421
        for line in (tmp_path / "replica1.stderr").read_text().splitlines():
            if line.startswith("{"):
                assert '"level"' in line  # KAGGLE_MCP_LOG_FORMAT=json took effect
    finally:
        for proc in processes:
            proc.terminate()
            proc.wait(20)
