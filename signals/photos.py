"""Photos of a report: checked by content, turned upright, scaled, stripped of all metadata, stored outside static/.

Only JPEG, PNG and WebP are accepted, judged by their bytes, not their names. A
photo is re-encoded from its pixels alone, so EXIF (with GPS), XMP, ICC and text
chunks never reach the disk; the GPS position is read first, for the form to offer.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG", "PNG", "WEBP"}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2048
# Pillow's own bomb check must not fire before ours: ours gives the user a clear message.
Image.MAX_IMAGE_PIXELS = None


class PhotoRejected(ValueError):
    """A file that is not an acceptable photo; the message is shown at the field."""


@dataclass
class Photo:
    """A cleaned photo ready to store."""

    data: bytes
    width: int
    height: int
    gps: tuple[float, float] | None     # (lon, lat) from EXIF, if the camera recorded one
    sha256: str
    content_type: str = "image/jpeg"


def _gps(image: Image.Image) -> tuple[float, float] | None:
    try:
        info = image.getexif().get_ifd(0x8825)   # GPSInfo
        if not info or 2 not in info or 4 not in info:
            return None

        def degrees(value, ref) -> float:
            d, m, s = (float(x) for x in value)
            sign = -1 if ref in ("S", "W") else 1
            return sign * (d + m / 60 + s / 3600)

        return round(degrees(info[4], info.get(3, "E")), 6), round(degrees(info[2], info.get(1, "N")), 6)
    except (KeyError, ValueError, TypeError, ZeroDivisionError, AttributeError):
        return None


def clean(raw: bytes) -> Photo:
    """Check and re-encode one uploaded file; raises PhotoRejected with a message for the user."""
    if len(raw) > MAX_BYTES:
        raise PhotoRejected("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format not in ACCEPTED:
                raise PhotoRejected("bad_type")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected("too_many_pixels")
            gps = _gps(image)
            image = ImageOps.exif_transpose(image)
            image.load()
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise PhotoRejected("bad_type") from exc
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    pixels_only = Image.frombytes(image.mode, image.size, image.tobytes())   # no info, no EXIF, no ICC
    out = io.BytesIO()
    pixels_only.save(out, "JPEG", quality=85, optimize=True)
    data = out.getvalue()
    return Photo(data, pixels_only.width, pixels_only.height, gps, hashlib.sha256(data).hexdigest())


def store(photo: Photo, directory: Path) -> str:
    """Write a cleaned photo under a random key; returns the key."""
    directory.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16) + ".jpg"
    (directory / key).write_bytes(photo.data)
    return key
