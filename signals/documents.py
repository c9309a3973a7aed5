"""Attachments of private items: PDF, JPEG, PNG and DOCX, recognised by their content (never by name or the
browser's type), each at most 10 MB and 5 per item.

Images are re-encoded without metadata (signals.photos). A DOCX must be well-formed OOXML without macros (no
`vbaProject`, no macro-enabled content type), at most 1,000 members and 50 MB uncompressed. A PDF is read with
pypdf and refused when any object holds JavaScript, a launch action, embedded files or rich media. Files are
stored outside static/ under a random key, readable by the service user only.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from signals import photos

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
DOCX_MEMBERS = 1000
DOCX_UNCOMPRESSED = 50 * 1024 * 1024
PDF_OBJECTS = 200_000
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", DOCX_TYPE: "docx"}
# Names in a PDF that run code, start programs or carry other files.
PDF_ACTIVE = {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}


class DocumentRejected(ValueError):
    """A file we do not accept; `reason` names why (too_large, bad_type, macro, active_pdf, too_complex)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Document:
    """A checked file, ready to store: its bytes (re-encoded for images), type, size and hash."""

    data: bytes
    content_type: str
    sha256: str

    @property
    def extension(self) -> str:
        """The file name extension of its type."""
        return EXTENSIONS[self.content_type]


def _docx(raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentRejected("bad_type") from exc
    if len(members) > DOCX_MEMBERS or sum(m.file_size for m in members) > DOCX_UNCOMPRESSED:
        raise DocumentRejected("too_complex")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise DocumentRejected("bad_type")
    if any("vbaproject" in name.lower() or name.lower().endswith(".bin") for name in names):
        raise DocumentRejected("macro")
    try:
        types = archive.read("[Content_Types].xml")
        ElementTree.fromstring(types)
        ElementTree.fromstring(archive.read("word/document.xml"))
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, OSError, RuntimeError) as exc:
        raise DocumentRejected("bad_type") from exc
    if b"macroEnabled" in types or b"vbaProject" in types:
        raise DocumentRejected("macro")


def _walk_pdf(value, seen: set, budget: list) -> None:
    """Look through every dictionary and array reachable from the value for an active name."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            budget[0] -= 1
            if budget[0] < 0:
                raise DocumentRejected("too_complex")
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for name, item in node.items():
                if name in PDF_ACTIVE or (isinstance(item, NameObject) and item in PDF_ACTIVE):
                    raise DocumentRejected("active_pdf")
                stack.append(item)
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def _pdf(raw: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        seen: set = set()
        _walk_pdf(reader.trailer, seen, [PDF_OBJECTS])
        for number in range(len(reader.pages)):                     # every page's annotations and actions
            _walk_pdf(reader.pages[number], seen, [PDF_OBJECTS])
    except DocumentRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        raise DocumentRejected("bad_type") from exc


def check(raw: bytes) -> Document:
    """Recognise and check one uploaded file; DocumentRejected with the reason otherwise."""
    if len(raw) > MAX_BYTES:
        raise DocumentRejected("too_large")
    if raw.startswith(b"%PDF-"):
        _pdf(raw)
        return Document(raw, "application/pdf", hashlib.sha256(raw).hexdigest())
    if raw.startswith(b"PK\x03\x04"):
        _docx(raw)
        return Document(raw, DOCX_TYPE, hashlib.sha256(raw).hexdigest())
    if raw.startswith(b"\xff\xd8\xff") or raw.startswith(b"\x89PNG\r\n\x1a\n"):
        try:
            photo = photos.clean(raw)
        except photos.PhotoRejected as rejected:
            raise DocumentRejected("bad_type") from rejected
        return Document(photo.data, photo.content_type, photo.sha256)
    raise DocumentRejected("bad_type")


def store(document: Document, directory: Path) -> str:
    """Write a checked file under a random key, readable by the service user only; returns the key."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = f"{secrets.token_hex(16)}.{document.extension}"
    fd = os.open(directory / key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(document.data)
    return key
