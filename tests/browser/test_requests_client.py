"""A plain HTTP client (requests) files a report against gunicorn with the embedded defaults:
cookies and CSRF must work over http://127.0.0.1 (a Secure cookie would be dropped here)."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from app.extensions import db
from signals.models import Signal


def test_requests_fills_and_submits_the_form(live_server):
    session = requests.Session()
    form = session.get(live_server + "/signals/new", timeout=10)
    assert form.status_code == 200
    assert "Secure" not in form.headers.get("Set-Cookie", "")
    hidden = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', form.text))
    data = {**hidden, "kind": "problem", "category": "waste", "title": "Препълнени контейнери",
            "description": "Контейнерите не са извозвани от седмица.", "lat": "42.6945", "lon": "23.3265",
            "district": "", "place_description": "", "name": "", "email": "", "website": ""}
    response = session.post(live_server + "/signals/new", data=data, timeout=10, allow_redirects=True)
    assert response.status_code == 200, response.text[:500]
    number = re.search(r'id="registered-number">([^<]+)<', response.text).group(1)
    db.session.expire_all()
    signal = db.session.scalar(select(Signal).where(Signal.number == number))
    assert signal is not None and signal.category.code == "waste" and signal.department.code == "CLEAN"
    assert f"/signals/{number}?t=" in response.text
