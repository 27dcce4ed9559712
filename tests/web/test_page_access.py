"""The page on a phone, with the keyboard, and under axe-core's WCAG 2.1 AA audit (light and dark schemes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

AXE = Path(__file__).resolve().parents[2] / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def built(page, site: str, token: str) -> None:
    page.goto(f"{site}/?competition=titanic&top_n=1#token={token}")
    expect(page.locator("#result")).to_be_visible(timeout=60_000)
    expect(page.locator("#recent li").first).to_be_visible()


def test_fits_a_phone_screen(site, http_token, open_page):
    page = open_page(**PHONE)
    built(page, site, http_token)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    for control in ("#competition", "#top-n", "#build", "#copy", "#download"):
        box = page.locator(control).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 44, (control, box)
    assert page.problems == []


def test_keyboard_alone_builds_and_reaches_every_control_in_reading_order(site, http_token, open_page):
    page = open_page()
    page.goto(f"{site}/#token={http_token}")

    def tab(times: int) -> list[str]:
        names = []
        for _ in range(times):
            page.keyboard.press("Tab")
            names.append(page.evaluate("() => { const e = document.activeElement; "
                                       "return e.id || e.className || (e.closest('#recent') ? 'recent' : e.tagName); }"))
        return names

    assert tab(2) == ["skip", "competition"]
    page.keyboard.type("titanic")
    assert tab(3) == ["top-n", "token-file", "build"]
    page.keyboard.press("Enter")
    expect(page.locator("#result-title")).to_be_focused(timeout=60_000)  # where the answer is
    expect(page.locator("#recent li").first).to_be_visible()
    assert tab(4) == ["copy", "download", "toon", "recent"]
    assert page.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_violation(site, http_token, open_page, scheme):
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (.ci/run installs it under .ci/node)")
    # axe is injected as a script: only this audit's context lets the page's CSP allow it
    page = open_page(color_scheme=scheme, bypass_csp=True)
    built(page, site, http_token)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
                            "'best-practice']})")
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]
    assert violations == []
    assert results["passes"], "axe ran no check at all"
