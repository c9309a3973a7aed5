"""Filling the report form with the test client: CSRF token and submission key from the page."""

from __future__ import annotations

import io
import re

from PIL import Image

CENTRE = {"lat": "42.6945", "lon": "23.3265"}


def form_tokens(client, path: str = "/signals/new") -> dict[str, str]:
    """The hidden fields of the form as served."""
    page = client.get(path).get_data(as_text=True)
    return dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', page))


def form_token(client, path: str = "/signals/new") -> str:
    """The CSRF token this client's session puts in the form of a page."""
    return form_tokens(client, path)["csrf_token"]


def jpeg(width: int = 40, height: int = 20, color="blue", **save) -> bytes:
    """A small JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def report(category: str, **overrides) -> dict:
    """A valid problem report; override any field."""
    data = {"kind": "problem", "category": category, "title": "Дупка на тротоара",
            "description": "Голяма дупка пред входа на блока, опасна за пешеходци.", **CENTRE,
            "district": "", "place_description": "", "name": "", "email": "", "website": ""}
    data.update(overrides)
    return data
