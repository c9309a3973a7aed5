"""Photos of a report: checked by content, turned upright, scaled, stripped of all metadata, stored outside static/.

Only JPEG, PNG and WebP are accepted, judged by their bytes, not their names. A
photo is re-encoded from its pixels alone, so EXIF (with GPS), XMP, ICC and text
chunks never reach the disk; the GPS position is read first, for the form to offer.

The cost is bounded before any pixel is decoded: the pixel count is read from the
header (a 117 KB PNG may declare 40 megapixels) and refused above the limit of its
format. A JPEG is decoded at a reduced scale (`draft`) when it will be scaled down
anyway, so its limit is higher; PNG and WebP decode in full. The image is scaled
down before any change of mode, and one process decodes one image at a time, so a
burst of uploads queues instead of multiplying the memory. Limits measured with
bench/bench_photos.py (peak memory at the cap): see its output.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED = {"JPEG", "PNG", "WEBP"}
MAX_BYTES = 10 * 1024 * 1024
# Pixels declared in the header, per format: JPEG decodes at 1/2, 1/4 or 1/8 scale (draft), the others in full.
MAX_PIXELS = {"JPEG": 64_000_000, "PNG": 16_000_000, "WEBP": 8_000_000}
MAX_SIDE = 2048
# Pillow's own bomb check must not fire before ours: ours gives the user a clear message.
Image.MAX_IMAGE_PIXELS = None
_decoding = threading.BoundedSemaphore(1)   # one decode at a time per process


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


def _scaled_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a photo is scaled down to (its long side MAX_SIDE at most): what `draft` may decode it at. Asking
    draft for a MAX_SIDE square instead would decode a long panorama in full (its short side is under MAX_SIDE)."""
    width, height = size
    ratio = min(1.0, MAX_SIDE / max(width, height, 1))
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def _opened(raw: bytes) -> tuple[Image.Image, tuple[float, float] | None]:
    """Open lazily, check format and declared pixels, then decode (a JPEG at reduced scale) and turn upright."""
    image = Image.open(io.BytesIO(raw))
    if image.format not in ACCEPTED:
        raise PhotoRejected("bad_type")
    if image.width * image.height > MAX_PIXELS[image.format]:
        raise PhotoRejected("too_many_pixels")
    gps = _gps(image)
    if image.format == "JPEG":
        image.draft("RGB", _scaled_size(image.size))
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    return image, gps


def _flattened(image: Image.Image) -> Image.Image:
    """RGB or L, transparency on white; done after scaling down, so it costs little."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode == "P" or "A" in image.getbands() or image.mode == "PA":
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def clean(raw: bytes) -> Photo:
    """Check and re-encode one uploaded file; raises PhotoRejected with a message for the user."""
    if len(raw) > MAX_BYTES:
        raise PhotoRejected("too_large")
    with _decoding:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image, gps = _opened(raw)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
        except PhotoRejected:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
                Image.DecompressionBombWarning) as exc:
            raise PhotoRejected("bad_type") from exc
        image = _flattened(image)
        pixels_only = Image.frombytes(image.mode, image.size, image.tobytes())   # no info, no EXIF, no ICC
        out = io.BytesIO()
        pixels_only.save(out, "JPEG", quality=85, optimize=True)
    data = out.getvalue()
    return Photo(data, pixels_only.width, pixels_only.height, gps, hashlib.sha256(data).hexdigest())


def store(photo: Photo, directory: Path) -> str:
    """Write a cleaned photo under a random key, readable by the service user only; returns the key."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(16) + ".jpg"
    fd = os.open(directory / key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(photo.data)
    return key
