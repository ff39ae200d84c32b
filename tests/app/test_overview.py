"""The Overview page through AppTest: real content for one council per nation, plus a smoke run of every page.

Areas are chosen for the traps they exercise: a two-tier district whose health figures are the
county's, the three devolved nations (no comparable mission 5 measure) and a 2023 unitary that
older series never covered. Streamlit's caches are process-global, so the dataset loads once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pagekit import open_page
from streamlit.testing.v1 import AppTest

from lupcore.data._dataset import Dataset

ROOT = Path(__file__).resolve().parents[2]
APP = "../../app.py"  # AppTest resolves paths against this test file, not the working directory
WALSALL = "E08000030"
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
NO_LOCAL_EDUCATION = "England only: Wales, Scotland and Northern Ireland publish no comparable local measure"


def run_app(area: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if area is not None:
        at.query_params["area"] = area
    return at.run()


def markdown_texts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def mission_block(at: AppTest, number: int) -> list[str]:
    """Markdown from a mission's heading up to the next mission's heading."""
    texts = markdown_texts(at)
    start = texts.index(next(t for t in texts if t.startswith(f"**Mission {number}:")))
    end = next((i for i in range(start + 1, len(texts)) if texts[i].startswith("**Mission ")), len(texts))
    return texts[start:end]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize(
    ("code", "name", "nation"),
    [
        ("E07000117", "Burnley", "England"),
        ("W06000015", "Cardiff", "Wales"),
        ("S12000049", "Glasgow City", "Scotland"),
        ("N09000003", "Belfast", "Northern Ireland"),
        ("E06000063", "Cumberland", "England"),
    ],
)
def test_overview_identifies_the_area(code: str, name: str, nation: str, dataset: Dataset) -> None:
    at = run_app(code)
    assert not at.exception
    assert [t.value for t in at.title] == [name]
    assert any(nation in t and code in t for t in markdown_texts(at)), "nation and code line missing"
    headings = [t for t in markdown_texts(at) if t.startswith("**Mission ")]
    assert "**Mission 5: Education**" in headings and len(headings) == 12
    assert metric(at, "Population (mid-2024)") == f"{dataset.area(code).population:,.0f}"
    assert any(c.value.startswith(f"Showing {name}") for c in at.sidebar.caption), "sidebar search should name the area"
    assert at.query_params["area"] == [code] or at.query_params["area"] == code


def test_district_shows_county_health_values_and_says_so() -> None:
    """Burnley has no healthy life expectancy of its own: the row is Lancashire's, labelled as such."""
    at = run_app("E07000117")
    assert metric(at, "Upper-tier authority") == "Lancashire"
    rows = [line for text in markdown_texts(at) for line in text.splitlines()
            if line.startswith("| Healthy life expectancy")]
    assert len(rows) == 2
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    assert all(c[3] == "County value: Lancashire" and c[1].endswith("years") for c in cells), cells


@pytest.mark.parametrize("code", ["W06000015", "S12000049", "N09000003"])
def test_devolved_nations_show_no_local_education_measure(code: str) -> None:
    block = mission_block(run_app(code), 5)
    assert any("No local measure" in t and NO_LOCAL_EDUCATION in t for t in block), block


def test_english_council_has_education_values() -> None:
    block = mission_block(run_app("E07000117"), 5)
    assert not any("No local measure" in t for t in block)


def test_2023_unitary_has_no_wellbeing_on_old_boundaries() -> None:
    """Wellbeing stops on 2021 boundaries: Cumberland gets the explanation, not a borrowed number."""
    at = run_app("E06000063")
    assert metric(at, "Upper-tier authority") == "none (single tier)"
    block = mission_block(at, 8)
    assert any("No local measure" in t and "2023 unitary authorities have no value" in t for t in block), block


def test_sidebar_picker_changes_area_and_url() -> None:
    at = run_app(WALSALL)
    at.sidebar.text_input(key="w_area").input("Cardiff").run()
    next(b for b in at.sidebar.button if b.label.startswith("Cardiff")).click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Cardiff"]
    assert at.query_params["area"] in ("W06000015", ["W06000015"])


# A metropolitan borough and the five kinds of area issue 2 names.
FIVE_AREAS = {"E08000030": "Walsall", "E07000117": "Burnley", "W06000015": "Cardiff", "S12000049": "Glasgow City",
              "N09000003": "Belfast", "E06000063": "Cumberland"}


@pytest.mark.parametrize("code", list(FIVE_AREAS))
@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_renders_for_every_kind_of_area(page_file: str, code: str) -> None:
    """Each page (found at collection time, so new pages are covered) as a cold link for a metropolitan
    borough, a district, a Welsh, a Scottish and a Northern Irish council and a 2023 unitary: no
    exception, no error box (the Progress page's red-red callout aside), the shared frame drawn and,
    on every page about the place, the area named or chosen."""
    at = open_page(page_file, check=False, area=code)
    assert not at.exception, [e.value for e in at.exception]
    assert all(e.value.startswith("**Red now and worse since the baseline**") for e in at.error), [e.value for e in at.error]
    assert at.title and at.title[0].value.strip()
    assert at.sidebar.text_input(key="w_area").label == "Locality", "page did not draw the shared frame"
    assert any(c.value.startswith(f"Showing {FIVE_AREAS[code]}") for c in at.sidebar.caption)
    if page_file == "pages/10_Data_and_methods.py":  # about the method, not the place
        return
    shown = [e.value for kind in (at.title, at.subheader, at.caption, at.markdown) for e in kind]
    chosen = [code in (m.value or ()) for m in at.multiselect]  # Compare lists its areas in a multiselect
    assert any(FIVE_AREAS[code] in text for text in shown) or any(chosen), f"{FIVE_AREAS[code]} is not on {page_file}"
