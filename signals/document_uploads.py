"""Files uploaded with a form (a private item's filing, a filer's answer, an operator's scans): checked at upload
(signals.documents, then the optional virus scan), stored, and described for the draft or the item; used by the
public pages and the console alike."""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, request
from flask_babel import gettext as _

from app import unit_of_work
from signals import documents, virus_scan

REASONS = {
    "too_large": lambda: _("A file is larger than 10 MB."),
    "bad_type": lambda: _("Only PDF, JPEG, PNG and Word (DOCX) files are accepted, recognised by their content."),
    "macro": lambda: _("A Word file with macros is not accepted: save it as a plain DOCX or as a PDF."),
    "active_pdf": lambda: _("A PDF with scripts, launch actions or embedded files is not accepted: print it to a "
                            "new PDF first."),
    "too_complex": lambda: _("This file is too complex to check: save it again as a PDF."),
    "virus": lambda: _("The virus check found malicious content in this file: it was not accepted."),
    "not_image": lambda: _("Only photos (JPEG or PNG) are shown with a public reply."),
    "too_many": lambda: _("At most %(n)d files per item.", n=documents.MAX_FILES),
}


def _display_name(name: str) -> str:
    """The uploaded file's own name, for the review page only: no path, no control characters, 100 at most."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:100] or "file"


def take(form, kept: list[dict], *, images_only: bool = False) -> list[dict] | None:
    """The draft's files after this POST: those kept (minus any marked for removal) and the new uploads, checked
    and stored; None when a file is refused (its reason goes to the field, nothing new is stored). With
    `images_only` (photos shown on a public page) only JPEG and PNG are taken."""
    removing = set(request.form.getlist("remove_file"))
    files = [f for f in kept if f["key"] not in removing]
    uploads = [f for f in (form.files.data or []) if getattr(f, "filename", "")]
    if len(files) + len(uploads) > documents.MAX_FILES:
        form.files.errors = [REASONS["too_many"]()]
        return None
    checked = []
    for upload in uploads:
        try:
            document = documents.check(upload.read(documents.MAX_BYTES + 1))
            if images_only and not document.content_type.startswith("image/"):
                raise documents.DocumentRejected("not_image")
            verdict = virus_scan.scan(document.data)
            if verdict == virus_scan.INFECTED:
                raise documents.DocumentRejected("virus")
            checked.append((upload.filename, document, verdict))
        except documents.DocumentRejected as refused:
            form.files.errors = [f"{_display_name(upload.filename)}: {REASONS[refused.reason]()}"]
            return None
    directory = Path(current_app.config["UPLOAD_DIR"])
    for name, document, verdict in checked:
        key = documents.store(document, directory)
        unit_of_work.written(directory / key)
        files.append({"key": key, "name": _display_name(name), "type": document.content_type,
                      "size": len(document.data), "sha256": document.sha256, "scan": verdict})
    for gone in kept:
        if gone["key"] in removing:
            unit_of_work.remove_after_commit(directory / gone["key"])
    return files
