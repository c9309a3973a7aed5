"""Attachments of private items: recognised by content, checked for what runs or hides inside, refused at their
field with nothing stored, kept through review and edit, and served only as downloads through the gate."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from app.extensions import db
from app.kinds import Kind
from signals.drafts import Draft
from signals.models import Attachment, Signal
from tests.signals.formhelpers import form_token


def pdf(javascript: str | None = None, attach: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript(javascript))
    if attach:
        writer.add_attachment("inside.txt", b"hidden")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats'
                         '.org/wordprocessingml/2006/main"><w:body/></w:document>')
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return out.getvalue()


@pytest.fixture
def filer(create_user):
    return create_user(first_name="Иван", middle_name="Петров", last_name="Иванов", address="ул. „Шипка“ 6")


def _send(client, category, files: list[tuple[bytes, str]], path: str = "/signals/new?kind=letter", **extra):
    data = {"category": category.code, "title": "Писмо", "description": "Текст на писмото.",
            "person_name": "Иван Петров Иванов", "address": "ул. „Шипка“ 6", "csrf_token": form_token(client, path),
            "files": [(io.BytesIO(content), name) for content, name in files], **extra}
    return client.post(path, data=data, content_type="multipart/form-data")


def _stored(app) -> set[str]:
    directory = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in directory.glob("*")} if directory.exists() else set()


@pytest.mark.parametrize("content,name,reason", [
    (b"MZ\x90\x00" + b"\x00" * 200, "invoice.pdf", "Only PDF, JPEG, PNG"),
    (pdf(javascript="app.alert(1)"), "form.pdf", "with scripts"),
    (pdf(attach=True), "bundle.pdf", "with scripts, launch actions or embedded files"),
    (docx(macro=True), "letter.docx", "with macros"),
    (b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "big.pdf", "larger than 10 MB"),
])
def test_a_refused_file_is_named_at_its_field_and_nothing_is_stored(app, filer, create_category, login_as,
                                                                     content, name, reason):
    category = create_category(Kind.letter)
    client = login_as(filer)
    client.set_cookie("lang", "en")
    before = _stored(app)
    response = _send(client, category, [(content, name)])
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="files-error"' in page and reason in page and name in page
    assert _stored(app) == before and db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_accepted_files_survive_edit_and_are_downloads_only_for_those_who_may(app, filer, create_category,
                                                                              create_user, login_as):
    category = create_category(Kind.letter)
    client = login_as(filer)
    sent = _send(client, category, [(pdf(), "scan.pdf"), (docx(), "letter.docx")])
    assert sent.status_code == 303
    key = sent.headers["Location"].split("draft=")[1]
    assert "scan.pdf" in client.get(sent.headers["Location"]).get_data(as_text=True)
    edit = f"/signals/new?kind=letter&draft={key}"
    draft_files = db.session.scalar(select(Draft.data).where(Draft.key == key))["files"]
    again = _send(client, category, [], path=edit, remove_file=draft_files[1]["key"])   # keep the PDF only
    assert again.status_code == 303
    done = client.post("/signals/new/review", data={"draft": key, "csrf_token": form_token(client, edit)})
    number = done.headers["Location"].split("/")[2]
    item = db.session.scalar(select(Signal).where(Signal.number == number))
    files = db.session.scalars(select(Attachment).where(Attachment.signal_id == item.id)).all()
    assert [(f.content_type, f.filename) for f in files] == [("application/pdf", f"{number}-1.pdf")]
    download = client.get(f"/signals/{number}/attachments/{files[0].id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "sandbox"
    assert download.mimetype == "application/pdf"
    inline = client.get(f"/signals/{number}/photos/{files[0].id}")
    assert inline.status_code == 302 and inline.headers["Location"].endswith(f"/attachments/{files[0].id}")
    assert login_as(create_user()).get(f"/signals/{number}/attachments/{files[0].id}").status_code == 404
    removed = draft_files[1]["key"]
    assert removed not in _stored(app) and files[0].storage_key in _stored(app)
