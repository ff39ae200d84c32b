"""The locality search box through AppTest: the sidebar box on a council's page and the landing page's box.

A full postcode goes straight to its council; a straddling district lists each council with its
share; a town or an old council name offers its council as a button; what is typed is never rendered.
"""

from __future__ import annotations

from pagekit import open_page, url
from streamlit.testing.v1 import AppTest

CARDIFF, WALSALL = "W06000015", "E08000030"


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def type_into(at: AppTest, text: str, key: str = "w_area") -> AppTest:
    at.text_input(key=key).input(text).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def candidates(at: AppTest, key: str = "w_area") -> list[str]:
    return [b.label for b in at.button if b.key and b.key.startswith(f"{key}_pick_")]


def test_full_postcode_goes_straight_to_its_council() -> None:
    at = type_into(open_page(area=CARDIFF), "ws1  1tp")
    assert titles(at) == ["Walsall"]
    assert url(at)["area"] == WALSALL
    assert any(s.value == "WS1 1TP is in Walsall (West Midlands)." for s in at.success)
    assert at.sidebar.text_input(key="w_area").value == "", "the box empties once the council is chosen"
    assert any(c.value.startswith("Showing Walsall") for c in at.sidebar.caption)


def test_straddling_district_lists_each_council_with_its_share() -> None:
    at = type_into(open_page(area=CARDIFF), "WS3")
    assert candidates(at) == ["Walsall (West Midlands) · WS3, 99%", "Cannock Chase (West Midlands) · WS3, 1%",
                              "South Staffordshire (West Midlands) · WS3, under 1%"]
    assert titles(at) == ["Cardiff"], "a list, not a jump"
    next(b for b in at.button if b.label.startswith("Cannock Chase")).click().run()
    assert titles(at) == ["Cannock Chase"] and url(at)["area"] == "E07000192"
    assert candidates(at) == [] and at.sidebar.text_input(key="w_area").value == ""


def test_town_part_offers_its_council() -> None:
    at = type_into(open_page(area=CARDIFF), "Bloxwich")
    assert candidates(at) == ["Walsall (West Midlands) · Bloxwich"]
    at.button(key="w_area_pick_0").click().run()
    assert titles(at) == ["Walsall"] and url(at)["area"] == WALSALL


def test_wals_offers_walsall_first_and_no_welsh_council() -> None:
    at = type_into(open_page(area=CARDIFF), "Wals")
    labels = candidates(at)
    assert labels[0] == "Walsall (West Midlands)"
    assert not any("(Wales)" in label for label in labels)


def test_current_council_is_marked() -> None:
    at = type_into(open_page(area=WALSALL), "WS3")
    marked = [b for b in at.button if b.key == "w_area_pick_0"]
    assert marked and marked[0].proto.type == "primary"


def test_landing_page_box_finds_an_old_council() -> None:
    at = open_page()
    assert titles(at) == ["Overview"]
    type_into(at, "Allerdale", key="w_area_main")
    assert candidates(at, "w_area_main")[0] == "Cumberland (North West) · was Allerdale"
    at.button(key="w_area_main_pick_0").click().run()
    assert not at.exception
    assert titles(at) == ["Cumberland"] and url(at)["area"] == "E06000063"


def test_no_match_says_so_and_renders_nothing_typed() -> None:
    typed = "<script>alert(1)</script> **zzqx**"
    at = type_into(open_page(area=CARDIFF), typed)
    assert candidates(at) == []
    assert any(c.value.startswith("No council, town or postcode matches that") for c in at.sidebar.caption)
    shown = [e.value for kind in (at.markdown, at.caption, at.success, at.warning) for e in kind]
    assert not any("<script" in s or "zzqx" in s for s in shown)
    assert titles(at) == ["Cardiff"]


def test_very_long_and_control_text_is_harmless() -> None:
    at = type_into(open_page(area=CARDIFF), "Walsall\x00\n" + "x" * 5_000)
    assert titles(at) == ["Cardiff"]
    at = type_into(at, "\u202eWalsall")
    assert candidates(at)[0] == "Walsall (West Midlands)"


def test_data_and_methods_page_attributes_the_postcodes() -> None:
    at = open_page("pages/10_Data_and_methods.py")
    texts = [e.value for kind in (at.caption, at.markdown) for e in kind]
    assert any("ONS Postcode Directory" in t and "Land and Property Services" in t for t in at.caption.values)
    assert any("Finding a council (the search box)" in t and "non-commercial and internal business purposes" in t for t in texts)
