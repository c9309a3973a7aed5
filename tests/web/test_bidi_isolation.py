"""What a resident typed renders isolated: a right-to-left override in a title cannot turn the page's text around
it. Every place a title or description appears in the pages that list or show items — the item
page, My signals, My subscriptions, the console's inbox and item page — holds it in an element with `dir="auto"`
(isolated by `.user-text { unicode-bidi: isolate }`) or in a `<bdi>`."""

from __future__ import annotations

import re

from app.accounts.models import Role
from app.kinds import Kind
from subscriptions import follows
from tests.console.test_console_access import SECRET

CANARY = "BIDI7c"
TITLE = f"\u202e{CANARY} дупка"
OPEN_TAG = re.compile(r"<([a-zA-Z0-9]+)(\s[^<>]*)?>")


def _unisolated(page: str) -> list[str]:
    """Each occurrence of the canary in element text whose nearest open element is neither `<bdi>` nor has
    `dir="auto"` (occurrences in the page's <title> or an attribute value are not rendered as text)."""
    found = []
    for hit in re.finditer(CANARY, page):
        before = page[:hit.start()]
        last_lt, last_gt = before.rfind("<"), before.rfind(">")
        if last_lt > last_gt:                                    # inside a tag: an attribute value
            continue
        opened = list(OPEN_TAG.finditer(before))[-1]
        tag, attributes = opened.group(1).lower(), opened.group(2) or ""
        if tag == "title" or tag == "bdi" or 'dir="auto"' in attributes:
            continue
        found.append(page[max(0, opened.start()):hit.end() + 20])
    return found


def test_a_residents_text_renders_isolated_wherever_an_item_is_shown(app, create_signal, create_user, login_as):
    filer = create_user()
    item = create_signal(Kind.problem, user=filer, title=TITLE, description=f"{TITLE} пред входа")
    follows.follow(item, filer)
    staff = create_user(Role.staff, department=item.department, totp_secret=SECRET)
    resident, clerk = login_as(filer), login_as(staff)
    pages = {f"/signals/{item.number}": app.test_client(), "/my/signals": resident,
             "/my/subscriptions": resident, "/console?status=all": clerk, f"/console/signals/{item.number}": clerk}
    for path, client in pages.items():
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and CANARY in page, path
        assert _unisolated(page) == [], path
