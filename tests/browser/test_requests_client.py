"""A plain HTTP client (requests) files a report against gunicorn with the embedded defaults:
cookies and CSRF must work over http://127.0.0.1 (a Secure cookie would be dropped here)."""

from __future__ import annotations

import re

import requests
from sqlalchemy import func, select

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


def test_two_posts_with_one_submission_key_at_once_create_one_signal(live_server):
    import threading

    session = requests.Session()
    form = session.get(live_server + "/signals/new", timeout=10)
    hidden = dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', form.text))
    data = {**hidden, "kind": "problem", "category": "potholes", "title": "Дупка на кръстовището",
            "description": "Дълбока дупка точно на пешеходната пътека.", "lat": "42.6945", "lon": "23.3265",
            "district": "", "place_description": "", "name": "", "email": "", "website": ""}
    barrier, results = threading.Barrier(2), []

    def post():
        barrier.wait(10)
        response = requests.post(live_server + "/signals/new", data=data, cookies=session.cookies, timeout=30,
                                 allow_redirects=False)
        results.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _ in results] == [302, 302]
    assert results[0][1] == results[1][1]
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(Signal)
                              .where(Signal.submission_key == hidden["submission_key"]))
    assert count == 1
