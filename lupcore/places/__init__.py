"""Find a council by what people know: its name, a postcode, a sector or district, a town or a ward.

``find(query)`` answers from lookups built by ``make data`` into ``data/places/`` (no network);
the first call loads them (about 0.1 s), later calls take well under 10 ms.

>>> [c.name for c in find("WS1 1TP")]
['Walsall']
"""

from __future__ import annotations

import threading

from lupcore.places._index import KINDS, MAX_RESULTS, Candidate, PlaceIndex, load_index
from lupcore.places._text import MAX_QUERY, clean, is_area_code, name_key, postcode_parts

__all__ = ["KINDS", "MAX_QUERY", "MAX_RESULTS", "Candidate", "PlaceIndex", "find", "load_index", "name_key",
           "normalise_postcode", "place_index"]

_LOCK = threading.Lock()
_INDEX: PlaceIndex | None = None


def place_index() -> PlaceIndex:
    """The process-wide index, loaded on first use (thread-safe; read-only afterwards)."""
    global _INDEX
    if _INDEX is None:
        with _LOCK:
            if _INDEX is None:
                _INDEX = load_index()
    return _INDEX


def normalise_postcode(text: str) -> str | None:
    """"ws11tp", "WS1  1TP" -> "WS1 1TP"; a sector stays "WS1 1", a district "WS3"; else None."""
    parts = postcode_parts(clean(text))
    if parts is None:
        return None
    kind, outward, inward = parts
    return f"{outward} {inward}" if inward else outward


def _postcode_candidates(index: PlaceIndex, kind: str, outward: str, inward: str) -> list[Candidate]:
    if kind == "postcode":
        postcode = f"{outward} {inward}"
        council = index.council_of_postcode(outward, inward)
        if council is not None:
            return [Candidate(council, index.council_name.get(council, council), "postcode", None, "", postcode)]
        # Not in the list (new, mistyped or outside the UK): offer its sector's councils instead.
        sector = f"{outward} {inward[0]}"
        return [
            Candidate(c.code, c.name, c.kind, c.share, f"{postcode} is not in the postcode list; {c.note}", c.match)
            for c in _postcode_candidates(index, "sector", outward, inward[0])
        ] if index.split("sector", sector) else []
    area = f"{outward} {inward}" if kind == "sector" else outward
    rows = index.split(kind, area)
    if not rows:
        return []
    total = sum(n for _, n in rows)
    out = []
    for council, n in rows:
        share = n / total
        note = f"{n:,} of {total:,} postcodes in {kind} {area}" if len(rows) > 1 else f"all {total:,} postcodes in {kind} {area}"
        out.append(Candidate(council, index.council_name.get(council, council), kind,
                             share if len(rows) > 1 else None, note, area))
    return out[:MAX_RESULTS]


def find(query: object, index: PlaceIndex | None = None) -> list[Candidate]:
    """Councils ``query`` can mean, best first; an empty list when nothing matches.

    Parameters
    ----------
    query
        Anything typed: a council name or GSS code (old codes and names find their successor), a
        full postcode in any spacing or case ("WS1 1TP", "ws11tp"), a postcode sector ("WS1 1")
        or district ("WS3"), or a place name (town, part of a town, parish, ward, neighbourhood).
        Only the first 100 characters count; control characters and markup are plain text.
    index
        The loaded lookups; the process-wide one by default.

    Returns
    -------
    list[Candidate]
        At most 12, one per council. A full postcode gives its one council. A sector or
        district that straddles councils gives each with its share of the postcodes, largest
        first. A name gives exact matches, then names starting with the text, then names with a
        word starting with it, then names containing it; within each, councils before towns,
        parts of towns, parishes, wards and neighbourhoods.

    Raises
    ------
    DataFileError
        Only when ``data/places/`` is missing or damaged (never for what is typed).
    """
    text = clean(query)
    if not text:
        return []
    index = index or place_index()
    if is_area_code(text):
        hit = index.council_by_code(text.upper())
        return [hit] if hit else []
    parts = postcode_parts(text)
    if parts is not None:
        found = _postcode_candidates(index, *parts)
        if found or parts[0] != "district":
            return found
    key = name_key(text)
    return index.rank_names(key) if key else []
