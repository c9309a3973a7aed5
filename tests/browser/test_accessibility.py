"""axe-core (offline, bundled by axe-playwright-python): no serious or critical violation, in Bulgarian."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from app.extensions import db
from signals.models import Signal

pytestmark = pytest.mark.browser


def test_public_pages_have_no_serious_violations(tab, live_server):
    number = db.session.scalar(select(Signal.number).where(Signal.text_approved.is_(True)).order_by(Signal.id.desc()))
    axe = Axe()
    failures = {}
    for path in ("/", "/signals/new", f"/signals/{number}", f"/track?number={number}", "/track",
                 "/signals/SG-2026-999999", "/no-such-page", f"/signals/{number}/registered"):
        tab.goto(live_server + path)
        tab.wait_for_load_state("networkidle")
        results = axe.run(tab)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        if bad:
            failures[path] = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["html"][:120]) for v in bad]
    assert tab.evaluate("document.documentElement.lang") == "bg"
    assert not failures, failures
