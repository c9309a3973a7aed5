"""Registry numbers: the one place that gives them (and where a city plugs in its DMS).

Default scheme <CODE>-<YYYY>-<NNNNNN>, the year in APP_TIMEZONE. allocate() takes a
transaction-level advisory lock for the kind's code, then reads the clock, then
bumps the counter, so numbers are gap-free and rise with registration times. The
lock is held until commit: call allocate() last, after every slow step.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from app.kinds import KIND_BY_CODE, Kind

_LOCK_NAMESPACE = 0x52_47  # "RG": keeps our advisory locks apart from anyone else's
_BUMP = text(
    "INSERT INTO registry_counters (code, year, last) VALUES (:code, :year, 1) "
    "ON CONFLICT (code, year) DO UPDATE SET last = registry_counters.last + 1 RETURNING last"
)


def allocate(kind: Kind) -> tuple[str, datetime]:
    """Give the next number of this kind and the registration time; holds a lock until commit."""
    code = kind.code
    session = db.session
    with session.no_autoflush:
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"),
                        {"ns": _LOCK_NAMESPACE, "key": _lock_key(code)})
        registered_at = clock.now()
        year = clock.local(registered_at).year
        last = session.execute(_BUMP, {"code": code, "year": year}).scalar_one()
    return format_number(code, year, last), registered_at


def _lock_key(code: str) -> int:
    return int.from_bytes(code.encode("ascii"), "big")


def format_number(code: str, year: int, serial: int) -> str:
    """The canonical spelling, e.g. SG-2026-000042."""
    return f"{code}-{year:04d}-{serial:06d}"


# Codes typed in Cyrillic: whole-code table first (the Bulgarian phonetic layout and
# look-alikes), then single look-alike letters for mixed spellings.
CYRILLIC_CODES = {
    "СГ": "SG", "ЯН": "QN", "ЛТ": "LT", "ЦП": "CP", "ПР": "PR", "ИР": "IR",  # phonetic layout
    "СР": "CP",  # look-alikes
}
LOOKALIKES = str.maketrans({"А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "К": "K",
                            "М": "M", "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X"})
_SHAPE = re.compile(r"^([A-Z]{2})(\d{4})(\d{1,9})$")
# Spaces, and every dash or hyphen a keyboard or word processor produces: Unicode's dash punctuation
# (Pd), the minus sign, the soft hyphen, the hyphen bullet, and invisible joiners pasted with them.
_DASHES = ("\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030"
           "\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212\u00ad\u2043")
_SEPARATORS = re.compile(f"[\\s{_DASHES}_./№#\u200b-\u200d\u2060\ufeff]+")
MAX_TYPED = 100


def normalize(typed: str) -> str | None:
    """Turn what a person typed into the canonical number, or None if it cannot be one."""
    if not typed or len(typed) > MAX_TYPED:
        return None
    # NFKC folds full-width letters and digits (ＳＧ２０２６) into their plain forms.
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed).strip().upper())
    if len(compact) < 2 or len(compact) > 24:
        return None
    prefix = CYRILLIC_CODES.get(compact[:2], compact[:2].translate(LOOKALIKES))
    match = _SHAPE.match(prefix + compact[2:])
    if not match or match.group(1) not in KIND_BY_CODE:
        return None
    serial = int(match.group(3))
    if serial == 0 or serial > 999_999:
        return None
    return format_number(match.group(1), int(match.group(2)), serial)


def find(typed: str, *, details: bool = False):
    """The item whose number a person typed (any forgiven spelling), or None; with details, its category,
    department and district in the same statement (what an item page shows)."""
    from signals.models import Signal

    canonical = normalize(typed)
    if canonical is None:
        return None
    query = select(Signal).where(Signal.number == canonical)
    if details:
        query = query.options(joinedload(Signal.category), joinedload(Signal.department), joinedload(Signal.area))
    return db.session.scalar(query)
