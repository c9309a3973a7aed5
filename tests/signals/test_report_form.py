"""The report form end to end with the test client: registration, confirmation, bad input stores nothing."""

from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select, text

from app.extensions import db
from app.kinds import Kind
from app.mail import outbox
from app.mail.delivery import bodies
from app.mail.models import Delivery
from signals.models import Attachment, FilerContact, Signal
from tests.signals.formhelpers import form_tokens, jpeg, report


@pytest.fixture
def potholes(create_category):
    return create_category(Kind.problem, code="potholes")


def _post(client, data: dict, files: list[tuple[bytes, str]] = ()):
    payload = {**form_tokens(client), **data}
    payload["photos"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/signals/new", data=payload, content_type="multipart/form-data")


def _state(app) -> dict:
    upload = app.config["UPLOAD_DIR"]
    return {
        "signals": db.session.scalar(select(func.count()).select_from(Signal)),
        "filers": db.session.scalar(select(func.count()).select_from(FilerContact)),
        "attachments": db.session.scalar(select(func.count()).select_from(Attachment)),
        "outbox": db.session.scalar(select(func.count()).select_from(Delivery)),
        "counter": db.session.execute(text("SELECT coalesce(sum(last), 0) FROM registry_counters")).scalar_one(),
        "uploads": sorted(os.listdir(upload)) if os.path.isdir(upload) else [],
    }


def test_a_report_registers_and_confirms(client, potholes):
    response = _post(client, report(potholes.code, email="filer@example.org", name="Иван"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    number = re.search(r'id="registered-number">([^<]+)<', page).group(1)
    signal = db.session.scalar(select(Signal).where(Signal.number == number))
    assert signal.department == potholes.department and signal.filer.email == "filer@example.org"
    assert potholes.department.name_bg in page and "/signals/" + number + "?t=" in page


def test_the_form_labels_coordinates_for_keyboard_users(client, potholes):
    page = client.get("/signals/new").get_data(as_text=True)
    assert '<label for="lat">' in page and '<label for="lon">' in page
    assert 'id="lat"' in page and 'id="lon"' in page


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG of a few KB that declares a huge canvas (a decompression bomb)."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


BAD = {
    "outside the outline": (dict(lat="42.15", lon="24.75"), [], "lat", "outside the municipality"),
    "empty text": (dict(description=""), [], "description", "Describe the problem"),
    "exe renamed jpg": ({}, [(b"MZ\x90\x00" + os.urandom(2000), "photo.jpg")], "photos", "Only JPEG, PNG and WebP"),
    "11 MB jpeg": ({}, [(jpeg() + os.urandom(11 * 1024 * 1024), "big.jpg")], "photos", "larger than 10 MB"),
    "17 megapixel png": ({}, [(_png_header_only(4200, 4100), "bomb.png")], "photos", "too many pixels"),
    "fourth photo": ({}, [(jpeg(), f"p{i}.jpg") for i in range(4)], "photos", "at most 3 photos"),
    "too many links": (dict(description="https://a.example http://b.example www.c.example спам спам"), [],
                       "description", "at most 2 links"),
    "filled honeypot": (dict(website="http://spam.example"), [], "website", "leave this field empty"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_gets_its_message_at_its_field_and_stores_nothing(app, client, potholes, case):
    overrides, files, field, message = BAD[case]
    client.set_cookie("lang", "en")
    before = _state(app)
    response = _post(client, report(potholes.code, email="filer@example.org", **overrides), files)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message.lower() in error.group(1).lower(), page[:3000] if not error else error.group(1)
    assert _state(app) == before


def test_a_rotated_photo_is_stored_upright_without_metadata(app, client, potholes):
    image = Image.new("RGB", (40, 20), "blue")
    for x in range(20):
        for y in range(20):
            image.putpixel((x, y), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (42.0, 41.0, 40.0), 3: "E", 4: (23.0, 19.0, 35.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    assert _post(client, report(potholes.code), [(buffer.getvalue(), "photo.jpg")]).status_code == 302
    attachment = db.session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
    stored = Image.open(os.path.join(app.config["UPLOAD_DIR"], attachment.storage_key))
    assert stored.size == (20, 40)
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60 and bottom[2] > 200
    assert len(stored.getexif()) == 0 and "exif" not in stored.info
    assert not attachment.approved


def test_unapproved_photo_is_hidden_from_strangers_and_shown_to_the_token_holder(app, client, potholes):
    response = _post(client, report(potholes.code), [(jpeg(), "photo.jpg")])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'id="tracking-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    attachment = db.session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
    number = attachment.signal.number
    photo_url = f"/signals/{number}/photos/{attachment.id}"
    assert app.test_client().get(photo_url).status_code == 404
    holder = app.test_client()
    first = holder.get(link)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/signals/{number}")
    assert "?t=" not in first.headers["Location"] and "ft_" in first.headers.get("Set-Cookie", "")
    page = holder.get(f"/signals/{number}").get_data(as_text=True)
    assert photo_url in page
    assert holder.get(photo_url).status_code == 200


def test_a_repeated_submission_gives_one_item(client, potholes):
    tokens = form_tokens(client)
    data = {**tokens, **report(potholes.code)}
    first = client.post("/signals/new", data=data)
    second = client.post("/signals/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Signal)
                             .where(Signal.submission_key == tokens["submission_key"])) == 1


def test_the_mailed_link_opened_in_a_fresh_client_shows_the_unapproved_photo(app, client, potholes):
    response = _post(client, report(potholes.code, email="filer@example.org", title="CANARY-T-55aa",
                                    description="CANARY-D-66bb описание на проблема", name="CANARY-N-77cc"),
                     [(jpeg(), "photo.jpg")])
    assert response.status_code == 302
    mail = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    assert mail.rendered_at is None and mail.subject == ""   # rendered by the job that sends it, not the request
    outbox.render(mail)
    for canary in ("CANARY-T-55aa", "CANARY-D-66bb", "CANARY-N-77cc"):
        assert canary not in mail.subject + mail.body_text + mail.body_html
    assert "[[filer-token]]" in mail.body_text          # the stored body holds no token ...
    sent_text, _ = bodies(mail)                           # ... the delivery fills it in
    link = re.search(r"http://127\.0\.0\.1:5000(/signals/\S+\?t=\S+)", sent_text).group(1)
    number = link.split("/")[2].split("?")[0]
    assert number in mail.subject
    fresh = app.test_client()
    first = fresh.get(link)
    assert first.status_code == 302 and "?t=" not in first.headers["Location"]
    attachment = db.session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
    page = fresh.get(f"/signals/{number}").get_data(as_text=True)
    assert f"/signals/{number}/photos/{attachment.id}" in page
    assert fresh.get(f"/signals/{number}/photos/{attachment.id}").status_code == 200


@pytest.mark.parametrize("size,decoded", [((6000, 2000), (3000, 1000)), ((8000, 1000), (4000, 500)),
                                          ((3000, 3000), (3000, 3000))])
def test_a_jpeg_is_decoded_at_a_reduced_scale_when_it_will_be_scaled_down(size, decoded):
    """`draft` is asked for the size the photo is scaled to, so a panorama is reduced too (a square request
    would decode it in full); a photo that draft cannot halve without going under the target is decoded whole."""
    from signals import photos

    buffer = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(buffer, "JPEG", quality=70)
    image, _gps = photos._opened(buffer.getvalue())
    assert image.size == decoded
    cleaned = photos.clean(buffer.getvalue())
    assert max(cleaned.width, cleaned.height) == min(photos.MAX_SIDE, max(size))
