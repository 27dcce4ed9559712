"""A real browser (Debian's Chromium, driven by Playwright) against the HTTP server and a sandbox, both
real processes on 127.0.0.1, with a bearer token configured as a deployment would."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest

from kaggle_mcp.sandbox.harness import http_server_process, sandbox_process, server_env

HTTP_TOKEN = "page-" + secrets.token_hex(12)
#: as root, on a machine with no network but loopback: no sandbox, no GPU, nothing that phones home
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
#: per sandbox request: a context build then takes long enough (several round trips) to watch its progress
LATENCY_MS = "250"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def browser():
    """Per module: Playwright's sync API keeps an event loop running while it is open, and the anyio tests
    that follow must find none."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh, temporary user-data-dir
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def http_token() -> str:
    return HTTP_TOKEN


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> str:
    """Base URL of `kaggle-agent-mcp serve --transport http` with KAGGLE_MCP_HTTP_TOKEN set (`http_token`)."""
    tmp = tmp_path_factory.mktemp("site")
    with sandbox_process(os.environ, tmp / "sandbox.stderr", "--latency-ms", LATENCY_MS) as (sandbox_url, _):
        env = server_env(os.environ, sandbox_url, tmp / "workspace", tmp / "cache", HOME=str(tmp),
                         KAGGLE_MCP_HTTP_TOKEN=HTTP_TOKEN)
        with http_server_process(env, tmp / "server.stderr") as (base, _):
            yield base


@pytest.fixture
def open_page(browser):
    """`open_page(**context_options)` -> a page whose console errors and uncaught exceptions are collected in
    `page.problems` (a CSP violation is a console error); closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        # the 401s that make the page ask for the token are the one expected resource error
        page.on("console", lambda m: m.type == "error" and "status of 401" not in m.text and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(f"uncaught: {e}"))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def keep_screenshot():
    """`keep_screenshot(png)`: with KAGGLE_MCP_UPDATE_DOCS=1, the README's copy under docs/ is replaced by it."""

    def keep(png: Path) -> None:
        if os.environ.get("KAGGLE_MCP_UPDATE_DOCS") == "1":
            shutil.copyfile(png, DOCS / png.name)

    return keep
