"""Browser journeys for the Weights page's two editors, which AppTest cannot edit.

Unticking a metric's "Include" box and typing a new weight must reach the view state and the
shareable link (``ex=`` and ``iw=``), exactly as the other weight controls do; so must choosing a
per-metric minimum preset and typing a custom minimum (``minx=`` and ``cmin=``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

WALSALL = "E08000030"
ROW_PX, HEADER_PX = 35, 35  # Streamlit's data editor row and header heights
# The editors' fixed column widths (pages/2_Weights.py WEIGHT_COLUMNS and BENCH_COLUMNS), left to right.
WIDTHS = {"Mission": 60, "Metric": 200, "Role": 80, "Local control": 70, "Include": 70, "Weight": 70}
BENCH_WIDTHS = {"Metric": 170, "Minimum preset": 110, "Custom minimum": 80, "Minimum now": 190}

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


def cell_centre(box: dict[str, float], column: str, row: int, widths: dict[str, int] = WIDTHS) -> tuple[float, float]:
    """Screen point of a cell (``row`` from 0) of the editor whose bounding box is ``box``."""
    names = list(widths)
    left = sum(widths[n] for n in names[: names.index(column)])
    return box["x"] + left + widths[column] / 2, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2


def editor_box(page: Page, nth: int = 1) -> dict[str, float]:
    """The metric editor (1, after the preview's missions table) or the benchmark editor (2)."""
    editor = page.get_by_test_id("stDataFrame").nth(nth)
    expect(editor).to_be_visible(timeout=30_000)
    # The run that drew the editor must be over: a rerun arriving mid-edit redraws the grid and drops the edit.
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    assert box is not None
    return box


def mirror(page: Page, nth: int, widths: dict[str, int], column: str, row: int) -> Locator:
    """The grid's accessible copy of a cell (the canvas cannot be read): its text follows edits."""
    return page.get_by_test_id("stDataFrame").nth(nth).get_by_test_id(f"glide-cell-{list(widths).index(column)}-{row}")


def reopen(page: Page, open_app: Callable[[str], Page]) -> Page:
    """Open the page's link as a new visit: a reload would restore the old scroll position late, under the clicks."""
    url = page.url
    page.goto("about:blank")
    return open_app(url)


def leave_grid(page: Page, box: dict[str, float]) -> None:
    page.mouse.click(box["x"] - 200, box["y"] - 40)  # the edit is sent when the grid loses focus


def type_in_cell(page: Page, point: tuple[float, float], text: str, cell: Locator, shown: re.Pattern[str]) -> None:
    """Select a cell, type into it and commit, waiting on each step (fixed sleeps race on a busy machine)."""
    select_cell(page, point, cell)
    page.keyboard.type(text[0])  # the first key opens the cell's editor…
    editor = page.locator("input.gdg-input, textarea.gdg-input")
    expect(editor).to_be_focused()  # …which must hold the focus before the rest arrives
    page.keyboard.type(text[1:])
    expect(editor).to_have_value(text)
    # The number editor passes its text on asynchronously: an Enter a few milliseconds after the last key
    # (faster than any person types) commits the stale value, and the edit is silently dropped.
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")
    expect(cell).to_have_text(shown)


def select_cell(page: Page, point: tuple[float, float], cell: Locator) -> None:
    page.mouse.click(*point)
    expect(cell).to_have_attribute("aria-selected", "true")


def test_include_and_weight_edits_reach_the_link(app_url: str, page: Page, open_app: Callable[[str], Page]) -> None:
    """Each edit on a freshly opened page (a grid edit leaves the grid scrolled to where focus went)."""
    page.set_viewport_size({"width": 1400, "height": 2000})
    page = open_app(f"{app_url}/Weights?area={WALSALL}")
    box = editor_box(page)
    weight = mirror(page, 1, WIDTHS, "Weight", 1)  # the second metric's weight (GVA per hour)
    type_in_cell(page, cell_centre(box, "Weight", 1), "3", weight, re.compile(r"^3(\.0+)?$"))
    leave_grid(page, box)
    expect(page).to_have_url(re.compile(r"[?&]iw=gva_per_hour%3A3(&|$)"), timeout=30_000)

    page = reopen(page, open_app)  # the shared link: a new session starts from the edited view
    box = editor_box(page)
    include = mirror(page, 1, WIDTHS, "Include", 0)
    expect(include).to_have_text("true")
    x, y = cell_centre(box, "Include", 0)
    select_cell(page, (x - WIDTHS["Include"] / 2 + 6, y), include)  # select the cell beside its box, without ticking…
    page.keyboard.press(" ")  # …and untick it from the keyboard
    expect(include).to_have_text("false")
    leave_grid(page, box)
    expect(page).to_have_url(re.compile(r"[?&]ex=gross_weekly_pay(&|$)"), timeout=30_000)
    expect(page).to_have_url(re.compile(r"[?&]iw=gva_per_hour%3A3(&|$)"))
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_custom_minimum_from_the_benchmark_editor(app_url: str, page: Page, open_app: Callable[[str], Page]) -> None:
    """Choose 'Custom value' as the first metric's minimum, type £600, and see the minimum become £600."""
    page.set_viewport_size({"width": 1400, "height": 2000})
    page = open_app(f"{app_url}/Weights?area={WALSALL}")
    box = editor_box(page, 2)
    preset = mirror(page, 2, BENCH_WIDTHS, "Minimum preset", 0)
    select_cell(page, cell_centre(box, "Minimum preset", 0, BENCH_WIDTHS), preset)
    page.keyboard.press("Enter")  # opens the preset list
    page.get_by_role("option", name="Custom value", exact=True).click()
    expect(preset).to_have_text(re.compile("custom", re.IGNORECASE))
    leave_grid(page, box)
    expect(page).to_have_url(re.compile(r"[?&]minx=gross_weekly_pay%3Acustom(&|$)"), timeout=30_000)

    page = reopen(page, open_app)
    box = editor_box(page, 2)
    custom = mirror(page, 2, BENCH_WIDTHS, "Custom minimum", 0)
    type_in_cell(page, cell_centre(box, "Custom minimum", 0, BENCH_WIDTHS), "600", custom, re.compile(r"^600(\.0+)?$"))
    leave_grid(page, box)
    expect(page).to_have_url(re.compile(r"[?&]cmin=gross_weekly_pay%3A600(&|$)"), timeout=30_000)
    expect(page).to_have_url(re.compile(r"[?&]minx=gross_weekly_pay%3Acustom(&|$)"))
    expect(mirror(page, 2, BENCH_WIDTHS, "Minimum now", 0)).to_contain_text("£600 (Custom value)")
    expect(page.get_by_test_id("stException")).to_have_count(0)
