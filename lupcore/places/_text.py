"""Turning what people type into search keys: postcodes and place names."""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY = 100  # characters kept of what is typed; the longest UK place name is under 60
_OUTWARD = r"[A-Z]{1,2}\d[A-Z\d]?"
_FULL = re.compile(rf"^({_OUTWARD})(\d)([A-Z]{{2}})$")
_SECTOR = re.compile(rf"^({_OUTWARD}) (\d)$")
_DISTRICT = re.compile(rf"^{_OUTWARD}$")
_CODE = re.compile(r"^[EWSN]\d{8}$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def clean(query: object) -> str:
    """What was typed, as a short single-line string: control and format characters become spaces."""
    text = str(query)[: MAX_QUERY * 4] if query is not None else ""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(text.split())[:MAX_QUERY]


def name_key(text: str) -> str:
    """A place name as a search key: lower case, no accents, ``&`` as ``and``, ``saint`` as ``st``.

    >>> name_key("St. Helens & Prescot")
    'st helens and prescot'
    >>> name_key("Ynys Môn")
    'ynys mon'
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = _NOT_WORD.sub(" ", text).split()
    return " ".join("st" if w == "saint" else w for w in words)


def postcode_parts(text: str) -> tuple[str, str, str] | None:
    """``(kind, outward, inward)`` when ``text`` is shaped like a postcode, a sector or a district.

    kind is ``postcode`` ("WS1 1TP", "ws11tp", "WS1  1TP"), ``sector`` ("WS1 1") or
    ``district`` ("WS3"); the inward part is "" for a district. Anything else gives None.

    >>> postcode_parts("ws11tp")
    ('postcode', 'WS1', '1TP')
    >>> postcode_parts("WS1 1")
    ('sector', 'WS1', '1')
    """
    upper = " ".join(text.upper().split())
    squashed = upper.replace(" ", "")
    if len(squashed) > 7:
        return None
    full = _FULL.match(squashed)
    if full:
        return "postcode", full.group(1), full.group(2) + full.group(3)
    sector = _SECTOR.match(upper)
    if sector:
        return "sector", sector.group(1), sector.group(2)
    if _DISTRICT.match(squashed):
        return "district", squashed, ""
    return None


def is_area_code(text: str) -> bool:
    return bool(_CODE.match(text.strip().upper()))
