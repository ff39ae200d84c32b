"""``lupcore.places.find`` on the committed lookups: what a council officer, a nurse or a police
analyst would type, and what they should be offered first.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lupcore.data import Dataset
from lupcore.places import KINDS, MAX_RESULTS, Candidate, find, name_key, normalise_postcode, place_index
from lupcore.places._text import clean, postcode_parts

WALSALL = "E08000030"


@pytest.mark.parametrize(
    ("query", "code", "kind", "match"),
    [
        ("WS1 1TP", WALSALL, "postcode", "WS1 1TP"),
        ("ws11tp", WALSALL, "postcode", "WS1 1TP"),
        ("WS1  1TP", WALSALL, "postcode", "WS1 1TP"),
        ("  ws1 1tp\t", WALSALL, "postcode", "WS1 1TP"),
        ("S70 2NZ", "E08000038", "postcode", "S70 2NZ"),  # Barnsley's 2025 code, not E08000016
        ("S1 1AA", "E08000039", "postcode", "S1 1AA"),  # Sheffield's 2025 code
        ("CA1 1AA", "E06000063", "postcode", "CA1 1AA"),  # Cumberland (2023 unitary)
        ("TA1 1AA", "E06000066", "postcode", "TA1 1AA"),  # Somerset
        ("BT1 1AA", "N09000003", "postcode", "BT1 1AA"),  # Belfast
        ("G2 1SH", "S12000049", "postcode", "G2 1SH"),  # two-character district, double-spaced in the source
        ("WS1 1", WALSALL, "sector", "WS1 1"),
        ("WS3", WALSALL, "district", "WS3"),
        ("Walsall", WALSALL, "council", "Walsall"),
        ("walsall", WALSALL, "council", "Walsall"),
        ("Wals", WALSALL, "council", "Walsall"),  # the 'Wals' problem: Walsall, not the Welsh councils
        ("E08000030", WALSALL, "council", "Walsall"),
        ("e08000030", WALSALL, "council", "Walsall"),
        ("Bloxwich", WALSALL, "place", "Bloxwich"),  # a part of a town (built-up area sub-division)
        ("Allerdale", "E06000063", "council", "Allerdale"),  # old council -> successor
        ("E07000026", "E06000063", "council", "Allerdale"),  # old code -> successor
        ("Barrow-in-Furness", "E06000064", "council", "Barrow-in-Furness"),  # old council, now Westmorland and Furness
        ("Newport", "W06000022", "council", "Newport"),
        ("Whitby", "E06000065", "place", "Whitby"),  # a town in North Yorkshire
        ("Sutton Coldfield", "E08000025", "place", "Sutton Coldfield"),  # mostly Birmingham
        ("Kings Lynn", "E07000146", "place", "King's Lynn"),  # apostrophe ignored
        ("St Helens", "E08000013", "council", "St. Helens"),  # full stop ignored
        ("Saint Helens", "E08000013", "council", "St. Helens"),
        ("Ynys Môn", None, None, None),  # not a name in these sources: no match rather than a guess
        ("Motherwell", "S12000050", "place", "Motherwell West"),  # a Scottish ward
        ("Cumbria", None, None, None),  # former county: not in the sources (left out, see the report)
    ],
)
def test_first_candidate(query: str, code: str | None, kind: str | None, match: str | None) -> None:
    found = find(query)
    if code is None:
        assert found == []
        return
    assert found, f"nothing for {query!r}"
    first = found[0]
    assert (first.code, first.kind, first.match) == (code, kind, match), found[:3]


def test_a_full_postcode_gives_one_council() -> None:
    assert find("WS1 1TP") == [Candidate(WALSALL, "Walsall", "postcode", None, "", "WS1 1TP")]


def test_a_straddling_district_lists_each_council_with_its_share() -> None:
    found = find("WS3")
    assert [c.name for c in found] == ["Walsall", "Cannock Chase", "South Staffordshire"]
    shares = [c.share for c in found]
    assert all(s is not None for s in shares) and shares == sorted(shares, reverse=True)
    assert sum(shares) == pytest.approx(1.0)
    assert shares[0] > 0.95
    assert all(c.kind == "district" and c.match == "WS3" for c in found)
    assert re.fullmatch(r"[\d,]+ of [\d,]+ postcodes in district WS3", found[0].note)


def test_a_sector_inside_one_council_has_no_share() -> None:
    (only,) = find("WS1 1")
    assert only.share is None and only.note.startswith("all ")


def test_an_unknown_unit_in_a_known_sector_offers_the_sector() -> None:
    index = place_index()
    free = next(f"WS1 1{a}{b}" for a in "ABDEFGHJLNPQRSTUWXYZ" for b in "ABDEFGHJLNPQRSTUWXYZ"
                if index.council_of_postcode("WS1", f"1{a}{b}") is None)
    found = find(free)
    assert [c.code for c in found] == [WALSALL]
    assert found[0].kind == "sector" and "is not in the postcode list" in found[0].note


def test_placeholder_and_unknown_postcodes_find_nothing() -> None:
    assert find("GY1 1AA") == []  # Guernsey: placeholder code, dropped at build time
    assert find("IM1 1AA") == []  # Isle of Man
    assert find("ZZ9 9ZZ") == []


def test_ambiguous_name_lists_every_council() -> None:
    found = find("Newport")
    names = [c.name for c in found]
    assert names[0] == "Newport"
    for council in ("Isle of Wight", "Telford and Wrekin", "Pembrokeshire"):
        assert council in names
    assert len({c.code for c in found}) == len(found), "one candidate per council"


def test_prefix_matches_rank_before_matches_inside_the_name() -> None:
    found = find("Walsham")
    keys = [name_key(c.match) for c in found]
    starts = [k.startswith("walsham") for k in keys]
    assert starts[0] and starts == sorted(starts, reverse=True), keys


def test_wals_lists_no_welsh_council_before_walsall() -> None:
    found = find("Wals")
    assert found[0].name == "Walsall"
    assert not any(c.code.startswith("W06") for c in found)


def test_old_council_note_names_the_successor() -> None:
    (first, *_) = find("Allerdale")
    assert first.name == "Cumberland" and "Allerdale" in first.note and "Cumberland" in first.note


def test_town_straddling_councils_lists_each_with_a_share() -> None:
    found = [c for c in find("Sutton Coldfield") if c.match == "Sutton Coldfield"]
    assert [c.name for c in found] == ["Birmingham", "Walsall"]
    assert all(c.share is not None and 0 < c.share < 1 for c in found)


def test_results_are_capped_and_kinds_known() -> None:
    for query in ("a", "st", "ton", "Newport", "WS3", "B"):
        found = find(query)
        assert len(found) <= MAX_RESULTS
        assert all(c.kind in KINDS for c in found)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ws11tp", "WS1 1TP"), ("WS1  1TP", "WS1 1TP"), ("ws1 1", "WS1 1"), ("ws3", "WS3"), ("EC1A1BB", "EC1A 1BB"),
     ("Walsall", None), ("", None), ("WS1 1TPX", None)],
)
def test_normalise_postcode(typed: str, expected: str | None) -> None:
    assert normalise_postcode(typed) == expected


def test_clean_truncates_and_strips_control_characters() -> None:
    assert clean("a\x00b\nc\u202ed") == "a b c d"
    assert len(clean("x" * 10_000)) == 100
    assert postcode_parts("W" * 50) is None


@pytest.mark.parametrize("query", ["", " ", "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "**bold**",
                                   "x" * 1_000_000, "🏴󠁧󠁢󠁷󠁬󠁳󠁿", "\u202eSW1A 1AA", None, 12345, "WS1 1T\u0000P",
                                   "[Walsall](javascript:alert(1))", ":material/home:"])
def test_awkward_input_never_raises(query: object) -> None:
    found = find(query)
    assert isinstance(found, list) and all(isinstance(c, Candidate) for c in found)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_never_raises(query: str) -> None:
    found = find(query)
    assert len(found) <= MAX_RESULTS
    assert all(c.kind in KINDS and re.fullmatch(r"[EWSN]\d{8}", c.code) for c in found)


def test_every_candidate_is_a_pickable_area(dataset: Dataset) -> None:
    pickable = set(dataset.pickable()["code"])
    for query in ("Newport", "Richmond", "WS3", "B1", "Shipley", "Allerdale", "West Midlands", "Bloxwich"):
        assert {c.code for c in find(query)} <= pickable, query


def test_lookup_is_fast_once_loaded() -> None:
    """The issue's aim is under 10 ms; the bench reports p50/p95, this only catches a gross regression."""
    place_index()
    queries = ["WS1 1TP", "WS3", "Bloxwich", "Newport", "Wals", "a", "Sutton", "ton", "zzzz", "E07000026"]
    slowest = 0.0
    for q in queries * 3:
        t = time.perf_counter()
        find(q)
        slowest = max(slowest, time.perf_counter() - t)
    assert slowest < 0.05, f"slowest lookup {slowest * 1000:.1f} ms"
