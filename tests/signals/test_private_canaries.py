"""Privacy that cannot forget a route: a private letter with an attachment and a hidden public problem, each with
its own canary text, lie inside the default map box; every GET route of `app.url_map` is requested without
login and as another resident — path parameters filled from the canary items, every list, map and API route
with its defaults and in each of its formats — and no answer holds a canary."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.kinds import Kind
from signals.models import Attachment, HiddenReason
from signals.services import moderation
from tests.fixtures.factories import CENTRE

LETTER = "CANARYLETTER q7v2"
LETTER_BODY = "CANARYLETTERBODY x91k"
SENDER = "CANARYSENDER m3p8"
FILE = "CANARYFILE-z4.pdf"
HIDDEN = "CANARYHIDDEN w5n6"
CANARIES = (LETTER, LETTER_BODY, SENDER, FILE, HIDDEN)
# Query strings a list, map or search route is asked with beyond its defaults (a route ignores what it does not
# know): the whole city, every window, the canaries' own words typed into every search.
QUERIES = ["", "days=90", "bbox=23.0,42.5,23.6,42.9&days=90", "level=3&days=90", "q=CANARY", "q=CANARYLETTER",
           "lat=%f&lon=%f" % (CENTRE[1], CENTRE[0]), "kind=letter", "page=1", "format=json", "format=xml"]
# Every format a route may answer in: asked for by the Accept header, and by a <format> path part (Open311).
ACCEPTS = ["text/html", "application/json", "application/xml", "application/geo+json", "*/*"]


@pytest.fixture
def canaries(app, db_session, create_signal, create_user, create_category):
    owner = create_user()
    letter = create_signal(Kind.letter, user=owner, title=LETTER, description=LETTER_BODY, person_name=SENDER,
                           point=CENTRE)
    db.session.add(Attachment(signal_id=letter.id, filename=FILE, content_type="application/pdf", size=9,
                              storage_key="canary-letter-file", sha256="0" * 64, approved=True,
                              created_at=clock.now()))
    hidden = create_signal(Kind.problem, title=HIDDEN, description=HIDDEN, point=CENTRE)
    moderation.hide(hidden, HiddenReason.personal_data, None)
    db.session.flush()
    photo = db.session.scalar(select(Attachment.id).where(Attachment.signal_id == letter.id))
    return {"number": [letter.number, hidden.number], "photo_id": [photo], "attachment_id": [photo],
            "place_id": [1], "code": ["bg", "en", "ru"], "name": ["map-city.js", "labels"], "locale": ["bg"],
            "filename": ["css/site.css"], "format": ["json", "xml"], "owner": owner}


def _paths(app, values: dict) -> list[str]:
    """Every GET rule, each parameter filled from the canary items, with each query string."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        fills = [rule.rule]
        for name in sorted(rule.arguments):
            fills = [re.sub(rf"<(?:[a-z]+:)?{name}>", str(value), path) for path in fills
                     for value in values.get(name, ["1"])]
        paths += [f"{path}?{query}" if query else path for path in fills for query in QUERIES]
    return paths


@pytest.mark.parametrize("reader", ["anonymous", "another resident"])
def test_no_get_route_shows_a_private_or_hidden_canary(app, canaries, create_user, login_as, reader):
    client = app.test_client() if reader == "anonymous" else login_as(create_user())
    paths = _paths(app, canaries)
    assert any("/signals/LT-" in path for path in paths) and any("/map/" in path for path in paths)
    leaks = []
    for path in paths:
        for accept in ACCEPTS:
            response = client.get(path, headers={"Accept": accept})
            body = response.get_data(as_text=True) + " ".join(f"{k}: {v}" for k, v in response.headers.items())
            leaks += [(path, accept, response.status_code, canary) for canary in CANARIES if canary in body]
    assert not leaks, leaks[:10]
    seen = login_as(canaries["owner"]).get(f"/signals/{canaries['number'][0]}").get_data(as_text=True)
    assert LETTER in seen and LETTER_BODY in seen             # the canaries are there to be found by those who may
