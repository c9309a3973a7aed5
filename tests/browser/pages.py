"""What the browser tests share: a phone-sized page that records the hosts it contacts and its script errors, and
axe's serious and critical findings."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(target, name: str) -> None:
    """Save a page (whole) or a locator's element as it is now to docs/screenshots/<name>.png (looked at before
    an issue is closed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    options = {"full_page": True} if hasattr(target, "goto") else {}
    target.screenshot(path=str(SHOTS / f"{name}.png"), **options)


def serious_violations(page) -> list:
    """axe's serious and critical violations on the page as it is now: (rule, first node's HTML)."""
    results = Axe().run(page)
    return [(v["id"], v["nodes"][0]["html"][:120]) for v in results.response["violations"]
            if v.get("impact") in ("serious", "critical")]


def phone(chromium, **options):
    """A new context at 390 x 844 in Bulgarian and its page, with `page.errors` and `page.hosts` recorded."""
    context = chromium.new_context(locale="bg-BG", viewport=PHONE, **options)
    page = context.new_page()
    page.errors, page.hosts = [], set()
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: page.hosts.add(request.url.split("/")[2]))
    return context, page
