"""The console's mail page (admins): the backlog, undeliverable mail with the recipient masked and its reason, and a
retry that puts the row back in the queue; nobody else sees it."""

from __future__ import annotations

from app import clock
from app.accounts.models import Role
from app.extensions import db
from app.mail import outbox
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token


def test_an_admin_sees_undeliverable_mail_masked_and_retries_it(app, db_session, create_user, login_as):
    admin, clerk = create_user(Role.admin, totp_secret=SECRET), create_user(Role.staff, totp_secret=SECRET)
    bounced = outbox.add("ivanka.petrova@example.org", "follow/confirm", {"number": "SG-2026-000001", "link": "/"})
    outbox.add("waiting@example.org", "follow/confirm", {"number": "SG-2026-000002", "link": "/"})
    db.session.flush()
    bounced.failed_at, bounced.smtp_reply = clock.now(), "550 5.1.1 no such mailbox"
    db.session.commit()
    client = login_as(admin)
    client.set_cookie("lang", "en")
    page = client.get("/console/mail").get_data(as_text=True)
    assert "iv…@example.org" in page and "ivanka.petrova" not in page and "550 5.1.1 no such mailbox" in page
    assert 'id="waiting">1 ' in page or 'id="waiting">1<' in page
    done = client.post(f"/console/mail/{bounced.id}/retry", data={"csrf_token": form_token(client, "/console/mail")})
    assert done.status_code == 303
    db.session.refresh(bounced)
    assert bounced.failed_at is None and bounced.pending
    assert login_as(clerk).get("/console/mail").status_code == 404
