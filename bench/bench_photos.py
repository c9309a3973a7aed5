"""Peak memory and time of cleaning one photo at each format's pixel cap (signals/photos.MAX_PIXELS).

Each image is made in one process and cleaned in a fresh one, whose peak RSS above
its start is what one upload costs a web worker. Prints figures; asserts nothing.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE = """
import sys
from PIL import Image
kind, w, h, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
image = Image.linear_gradient("L").resize((w, h))
if kind == "PNG1":
    image.convert("1").save(out, "PNG", optimize=True)
else:
    image.convert("RGB").save(out, {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}[kind])
"""
CLEAN = """
import resource, sys, time
sys.path.insert(0, sys.argv[2])
from signals import photos
raw = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    photo = photos.clean(raw)
    outcome = f"cleaned to {photo.width}x{photo.height}"
except photos.PhotoRejected as refused:
    outcome = f"refused ({refused})"
peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print(f"{outcome}, {time.perf_counter() - started:.2f} s, peak +{peak:.0f} MB")
"""


def shape(pixels: int, ratio: float = 4 / 3) -> tuple[int, int]:
    """Width and height of about `pixels` pixels in a 4:3 frame."""
    height = int((pixels / ratio) ** 0.5)
    return int(height * ratio), height


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from signals.photos import MAX_PIXELS

    cases = [(fmt, cap, 4 / 3) for fmt, cap in MAX_PIXELS.items()] + [
        ("JPEG", MAX_PIXELS["JPEG"], 8.0),                         # a panorama: draft must still scale it down
        ("PNG1", MAX_PIXELS["PNG"], 4 / 3), ("PNG1", 40_000_000, 4 / 3)]
    print("bench_photos: peak memory of one clean() at each format's cap (a fresh process each)")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, pixels, ratio in cases:
            width, height = shape(pixels - 1000, ratio)
            path = Path(tmp) / f"{fmt}-{width}x{height}"
            subprocess.run([sys.executable, "-c", MAKE, fmt, str(width), str(height), str(path)], check=True)
            result = subprocess.run([sys.executable, "-c", CLEAN, str(path), str(ROOT)], check=True,
                                    capture_output=True, text=True).stdout.strip()
            size = path.stat().st_size // 1024
            print(f"{fmt:5} {width}x{height} ({width * height / 1e6:.1f} MP, {size} KB): {result}")


if __name__ == "__main__":
    main()
