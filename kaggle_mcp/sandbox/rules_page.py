"""The sandbox's stand-in for kaggle.com's Rules tab: where a user accepts a competition's rules.

Kaggle has no API for this. A person opens the competition's Rules page signed in and clicks "I Understand
and Accept"; until then downloads and submissions answer 403 naming that page. The sandbox keeps the shape:
its 403 names `<sandbox>/competitions/<slug>/rules?user=<name>&sig=<signature>`, a page with the rules and
the accept button, so a sandbox user meets the same step as on Kaggle and can take it.

The page cannot see the API's credentials (a browser does not send them), so the link is signed for the
refused user and that competition with a key of this sandbox process (`World.page_key`): the signature
stands in for "signed in as this account", and a link accepts for exactly the user it was made for. That is
also why the page sits outside the embedded sandbox's secret (`app.SecretRequired` lets it through), like
upload URLs. `POST` to the same link accepts (the page's button does that; so can `curl -X POST`).
"""

from __future__ import annotations

import hashlib
import hmac
import html
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kaggle_mcp.sandbox.world import World

__all__ = ["PATH_PREFIX", "rules_link", "rules_page"]

PATH_PREFIX = "/competitions/"
#: the page runs no script and posts only to itself: its rules text is seeded HTML
_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
            "Cache-Control": "no-store", "X-Frame-Options": "DENY"}
_STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
          "button{font:inherit;padding:.6rem 1.2rem;background:#1f6feb;color:#fff;border:0;border-radius:6px}"
          ".note{background:#f3f4f6;padding:.75rem 1rem;border-radius:6px}")


def _signature(world: World, user: str, slug: str) -> str:
    return hmac.new(world.page_key, f"{user}\0{slug}".encode(), hashlib.sha256).hexdigest()[:32]


def rules_link(base_url: str, world: World, user: str, slug: str) -> str:
    """The address of `slug`'s rules page that accepts them for `user` (what the 403 names)."""
    query = urlencode({"user": user, "sig": _signature(world, user, slug)})
    return f"{base_url}{PATH_PREFIX}{slug}/rules?{query}"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (f"<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
                f"content='width=device-width,initial-scale=1'><title>{html.escape(title)}</title>"
                f"<style>{_STYLE}</style></head><body>{body}</body></html>")
    return HTMLResponse(document, status_code=status, headers=_HEADERS)


async def rules_page(request: Request) -> Response:
    """GET shows the rules with the accept button; POST accepts them for the link's user."""
    sandbox = request.app.state.sandbox  # app.Sandbox (app.py imports this module, not the other way)
    world = sandbox.world
    slug = request.path_params["slug"]
    user = request.query_params.get("user", "")
    comp = world.competitions.get(slug)
    if comp is None:
        return _page("Not found", f"<h1>No competition '{html.escape(slug)}' in this sandbox</h1>", 404)
    title = f"{comp.title}: Rules"
    signed = bool(user) and hmac.compare_digest(request.query_params.get("sig", ""), _signature(world, user, slug))
    if not signed:
        return _page(title, f"<h1>{html.escape(title)}</h1><p class=note>This link does not accept the rules for "
                            "anyone: it is not the one the sandbox gave. Retry the download or submission that "
                            "was refused; its error names the right link.</p>", 403)
    who = html.escape(user)
    if request.method == "POST":
        with world.lock:
            world.accept_rules(user, slug)
        sandbox.persist()
        return _page(title, f"<h1>Rules accepted</h1><p><strong>{who}</strong> has accepted the rules of "
                            f"<strong>{html.escape(comp.title)}</strong> in this sandbox. Retry the download or "
                            "submission that was refused.</p>")
    rules = next((page.content for page in comp.pages if page.name == "rules"), "")
    joined = user in comp.entrants
    action = ("<p class=note>Already accepted: nothing more to do.</p>" if joined else
              "<form method=post><button type=submit>I Understand and Accept</button></form>")
    return _page(title, f"<h1>{html.escape(title)}</h1><p class=note>Kaggle sandbox: accepting here is what "
                        f"the Rules tab on kaggle.com does, for <strong>{who}</strong>.</p>{rules}{action}")
