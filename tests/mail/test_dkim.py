"""DKIM: with DKIM_* set, every mail arrives at the SMTP server signed over its headers, the one-click unsubscribe
pair included, and the signature verifies against the public key a DNS record would publish; unset, no signature."""

from __future__ import annotations

import base64
import subprocess

import dkim

from app.extensions import db
from app.mail import delivery, outbox


def _keys(tmp_path) -> tuple[str, bytes]:
    private = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(private), "2048"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"], check=True,
                            capture_output=True).stdout
    return str(private), b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_mail_is_signed_over_the_unsubscribe_headers_and_verifies(app, db_session, smtp_server, monkeypatch,
                                                                   tmp_path):
    handler, port = smtp_server
    private, record = _keys(tmp_path)
    for key, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", port), ("DKIM_DOMAIN", "example.org"),
                       ("DKIM_SELECTOR", "cc2026"), ("DKIM_PRIVATE_KEY_FILE", private)):
        monkeypatch.setitem(app.config, key, value)
    row = outbox.add("reader@example.org", "follow/confirm", {"number": "SG-2026-000001", "link": "/"},
                     headers={"List-Unsubscribe": "<http://127.0.0.1:5000/subscriptions/unsubscribe?f=1&t=x>",
                              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    db.session.flush()
    delivery.deliver(row.id)
    raw = handler.raw[-1]
    header = handler.messages[-1]["DKIM-Signature"]
    assert "d=example.org" in header and "s=cc2026" in header
    assert "list-unsubscribe" in header.lower() and "list-unsubscribe-post" in header.lower()
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record if name == b"cc2026._domainkey.example.org."
                       else None)
    monkeypatch.setitem(app.config, "DKIM_DOMAIN", "")
    second = outbox.add("reader@example.org", "follow/confirm", {"number": "SG-2026-000002", "link": "/"})
    db.session.flush()
    delivery.deliver(second.id)
    assert handler.messages[-1]["DKIM-Signature"] is None
