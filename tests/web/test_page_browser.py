"""The web page at / in Chromium: a public build and a kaggle.json build, start to finish, as a user does them.

The server requires a bearer token, so the page must ask for it and send it; the page's strict CSP is
enforced (any violation is a console error, and console errors fail the test).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from kaggle_mcp.context.encode import decode_context
from kaggle_mcp.sandbox.users import user_key


def test_public_build_asks_for_the_token_shows_progress_and_exports_the_toon(site, http_token, open_page, o200k,
                                                                            keep_screenshot, tmp_path):
    page = open_page(viewport={"width": 1100, "height": 900}, accept_downloads=True,
                     permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{site}/?competition=titanic&top_n=2")  # prefills and starts at once

    expect(page.locator("#auth")).to_be_visible()
    expect(page.locator("#http-token")).to_be_focused()
    page.fill("#http-token", "not-the-token")
    page.click("#auth-form button")
    expect(page.locator("#auth-why")).to_contain_text("refused")
    page.fill("#http-token", http_token)
    page.click("#auth-form button")
    expect(page.locator("#auth")).to_be_hidden()

    expect(page.locator("#competition")).to_have_value("titanic")
    expect(page.locator("#top-n")).to_have_value("2")
    expect(page.locator("#status-text")).to_have_text(re.compile(r"^Step \d+ of \d+: \w"), timeout=30_000)
    expect(page.locator("#result")).to_be_visible(timeout=60_000)
    expect(page.locator("#result-title")).to_be_focused()

    toon = page.locator("#toon").text_content()
    auth = {"Authorization": f"Bearer {http_token}"}
    served = httpx.get(f"{site}/api/competitions/titanic", headers=auth).json()
    assert toon == served["toon_content"]
    data = decode_context(toon)
    assert data["competition"]["slug"] == "titanic" and len(data["notebooks"]) == 2
    expect(page.locator("#result-title")).to_have_text(data["competition"]["title"])
    estimated = data["stats"]["tokens_estimated"]
    expect(page.locator("#token-count")).to_have_text(f"≈ {estimated:,} tokens")
    assert abs(estimated - o200k(toon)) <= 0.15 * o200k(toon)  # the count shown is close to the real one
    assert page.url == f"{site}/?competition=titanic&top_n=2"

    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "titanic.toon"
    saved = tmp_path / "titanic.toon"
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8") == toon

    page.bring_to_front()  # the Clipboard API answers only a focused document
    page.click("#copy")
    expect(page.locator("#copy")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == toon

    expect(page.locator("#recent li").first).to_contain_text("titanic · top 2 notebooks")
    page.screenshot(path=tmp_path / "web-page.png")
    keep_screenshot(tmp_path / "web-page.png")
    assert page.problems == []


def test_kaggle_json_build_is_labelled_and_never_listed(site, http_token, open_page):
    page = open_page(viewport={"width": 1100, "height": 900})
    page.goto(f"{site}/#token={http_token}")  # a link that carries the token in its fragment
    assert "token" not in page.url, "the token must leave the address bar at once"
    page.fill("#competition", "https://www.kaggle.com/competitions/house-prices-2019")
    page.select_option("#top-n", "1")
    kaggle_json = json.dumps({"username": "alice", "key": user_key("alice")}).encode()  # her sandbox key
    page.set_input_files("#token-file", files=[{"name": "kaggle.json", "mimeType": "application/json",
                                                "buffer": kaggle_json}])
    page.click("#build")
    expect(page.locator("#result")).to_be_visible(timeout=60_000)
    expect(page.locator("#auth")).to_be_hidden()  # the fragment's token was used; nothing was asked

    data = decode_context(page.locator("#toon").text_content())
    assert data["competition"]["slug"] == "house-prices-2019" and len(data["notebooks"]) <= 1
    # built with the uploaded credentials: polling by slug (KaggleIngest's way; single-user mode) says so, and
    # it is never listed among the recent builds or put in a link
    auth = {"Authorization": f"Bearer {http_token}"}
    by_slug = httpx.get(f"{site}/api/competitions/house-prices-2019", headers=auth).json()
    assert (by_slug["built_with"], by_slug["top_n"]) == ("uploaded kaggle.json", 1)
    listed = httpx.get(f"{site}/api/builds", headers=auth).json()["builds"]
    assert "house-prices-2019" not in {b["slug"] for b in listed}
    assert "house-prices-2019" not in (page.locator("#recent").text_content() or "")
    assert "competition=" not in page.url  # a private build is not put in a shareable link
    assert page.problems == []


def test_errors_are_shown_where_the_user_looks(site, http_token, open_page):
    page = open_page()
    page.goto(f"{site}/#token={http_token}")
    page.click("#build")
    expect(page.locator("#status-text")).to_have_text(re.compile("Enter a competition URL or slug"))
    expect(page.locator("#competition")).to_be_focused()
    page.fill("#competition", "https://example.com/competitions/titanic")
    page.click("#build")
    expect(page.locator("#status")).to_have_class(re.compile("error"))
    expect(page.locator("#status-text")).to_contain_text("not a kaggle.com URL")
    page.fill("#competition", "no-such-competition")
    page.click("#build")
    expect(page.locator("#status-text")).to_contain_text("not found", timeout=30_000)
    assert page.problems == [m for m in page.problems if "status of 40" in m]  # only the failed requests


def test_the_shell_loads_without_the_token_under_a_strict_policy(site):
    page = httpx.get(f"{site}/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert "<script>" not in page.text and " style=" not in page.text  # nothing inline for the policy to refuse
    for path in ("/page.js", "/page.css", "/icon.png"):
        assert httpx.get(f"{site}{path}").status_code == 200
    assert httpx.get(f"{site}/api/builds").status_code == 401  # the data stays behind the token
    assert Path(__file__).resolve().parents[2].joinpath("docs", "web-page.png").is_file()
