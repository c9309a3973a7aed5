"""Latin forms of names, for searching across scripts: Bulgarian by the official Streamlined System
(Transliteration Act 2009, the same as the districts' and neighbourhoods' `name_en`), Russian letters that
Bulgarian lacks by their usual Latin spelling. A query in either Cyrillic or Latin is folded the same way,
so "Младост 1", "Mladost 1" and a Russian visitor's "Студентский" all meet the stored names.
"""

from __future__ import annotations

import re
import unicodedata

_BG = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}
_RU = {"ы": "y", "э": "e", "ё": "yo", "і": "i", "ї": "yi", "є": "ye", "ў": "u"}
_TABLE = {**_BG, **_RU}
_NOT_WORD = re.compile(r"[\W_]+")
# What a street or neighbourhood is called before its name, in the forms people type: matched without them.
TYPE_WORDS = frozenset({
    "ul", "ulitsa", "ulica", "ulitsy", "bul", "blvd", "bulevard", "bulevardi", "boulevard", "bulvar", "pl",
    "ploshtad", "ploshchad", "zhk", "zh", "k", "kv", "kvartal", "zhilishten", "kompleks", "street", "str",
    "square", "sq", "st", "mikrorayon",
})


def to_latin(text: str) -> str:
    """Cyrillic letters in their Latin form (Bulgarian Streamlined System; Russian extras), case kept loosely.

    The word-final "-ия" is "-ia", as in the official rule (София → Sofia)."""
    text = re.sub(r"ия\b", "ia", text)
    text = re.sub(r"ИЯ\b", "IA", text)
    out = []
    for ch in text:
        low = ch.lower()
        latin = _TABLE.get(low)
        if latin is None:
            out.append(ch)
        else:
            out.append(latin.capitalize() if ch != low and latin else latin)
    return "".join(out)


def fold(text: str | None) -> str:
    """The search key of a name or a query: Latin, lower case, accents and punctuation gone, spaces single,
    and the type words ("ул.", "бул.", "ж.к.", "street") left out unless nothing else is left."""
    if not text:
        return ""
    latin = to_latin(unicodedata.normalize("NFKC", text).lower())
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(ch))
    words = _NOT_WORD.sub(" ", stripped).split()
    named = [word for word in words if word not in TYPE_WORDS]
    return " ".join(named or words)


def search_key(*names: str | None) -> str:
    """What place search matches: each distinct folded name, joined by " | " (the Latin name usually folds the
    same as the Bulgarian one, so most places have one key)."""
    keys: list[str] = []
    for name in names:
        key = fold(name)
        if key and key not in keys:
            keys.append(key)
    return " | ".join(keys)
