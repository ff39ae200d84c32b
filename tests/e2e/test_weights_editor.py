"""Browser journey for the Weights page's metric editor, which AppTest cannot edit.

Unticking a metric's "Include" box and typing a new weight must reach the view state and the
shareable link (``ex=`` and ``iw=``), exactly as the other weight controls do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

WALSALL = "E08000030"
ROW_PX, HEADER_PX = 35, 35  # Streamlit's data editor row and header heights
# The editor's fixed column widths (pages/2_Weights.py WEIGHT_COLUMNS), left to right.
WIDTHS = {"Mission": 60, "Metric": 200, "Role": 80, "Local control": 70, "Include": 70, "Weight": 70}

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


def cell_centre(box: dict[str, float], column: str, row: int) -> tuple[float, float]:
    """Screen point of a cell (``row`` from 0) of the editor whose bounding box is ``box``."""
    names = list(WIDTHS)
    left = sum(WIDTHS[n] for n in names[: names.index(column)])
    return box["x"] + left + WIDTHS[column] / 2, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2


def editor_box(page: Page) -> dict[str, float]:
    editor = page.get_by_test_id("stDataFrame").nth(1)  # after the preview's missions table
    expect(editor).to_be_visible(timeout=30_000)
    box = editor.bounding_box()
    assert box is not None
    return box


def test_include_and_weight_edits_reach_the_link(app_url: str, page: Page, open_app: Callable[[str], Page]) -> None:
    """Each edit on a freshly opened page (a grid edit leaves the grid scrolled to where focus went)."""
    page.set_viewport_size({"width": 1400, "height": 2000})
    page = open_app(f"{app_url}/Weights?area={WALSALL}")
    box = editor_box(page)
    page.mouse.click(*cell_centre(box, "Weight", 1))  # select the second metric's weight (GVA per hour)
    page.wait_for_timeout(500)  # the canvas grid takes a moment to move its focus to the cell
    page.keyboard.type("3")  # typing opens the cell's editor
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] - 200, box["y"] - 40)  # leave the grid so the edit is sent
    expect(page).to_have_url(re.compile(r"[?&]iw=gva_per_hour%3A3(&|$)"), timeout=30_000)

    page = open_app(page.url)  # the shared link: a new session starts from the edited view
    box = editor_box(page)
    page.mouse.click(*cell_centre(box, "Include", 0))  # select the first metric's checkbox…
    page.wait_for_timeout(500)
    page.keyboard.press(" ")  # …and untick it
    expect(page).to_have_url(re.compile(r"[?&]ex=gross_weekly_pay(&|$)"), timeout=30_000)
    expect(page).to_have_url(re.compile(r"[?&]iw=gva_per_hour%3A3(&|$)"))
    expect(page.get_by_test_id("stException")).to_have_count(0)
