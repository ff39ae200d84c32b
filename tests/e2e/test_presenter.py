"""Presenter mode on a 1280 x 720 projector: text at 20 px or more (body, captions and tables), no filters
or sidebar, the rank range on one line. A screenshot is kept for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_phone import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]

WALSALL = "E08000030"
MIN_PX = 20
SIZES_JS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.getBoundingClientRect().height > 0 && e.textContent.trim())
  .map(e => parseFloat(getComputedStyle(e).fontSize))"""


@pytest.mark.parametrize("path", ["/Scorecard", "/Compare", "/Progress"])
def test_presenter_reads_from_the_back_of_the_room(app_url: str, page: Page, open_app: Callable[[str], Page],
                                                   path: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(f"{app_url}{path}?area={WALSALL}&present=1")
    expect(page.get_by_test_id("stTable").first).to_be_visible()  # after any background rerun (rank ranges)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"presenter-1280x720{path.replace('/', '-').lower()}.png"))
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name="Leave presenter mode")).to_be_visible()
    assert page.get_by_test_id("stSidebar").is_hidden()
    for what, selector in (("body text", "[data-testid='stMain'] [data-testid='stMarkdownContainer'] p"),
                           ("captions", "[data-testid='stMain'] [data-testid='stCaptionContainer']"),
                           ("table cells", "[data-testid='stMain'] [data-testid='stTable'] td")):
        sizes = page.evaluate(SIZES_JS, selector)
        assert sizes, f"no {what} on {path}"
        assert min(sizes) >= MIN_PX, f"{what} at {min(sizes)} px on {path}"
    assert page.get_by_test_id("stDataFrame").count() == 0, "a data grid's canvas text cannot be enlarged"
    assert main.get_by_test_id("stMultiSelect").count() == 0, "filters shown although presenter mode hides controls"
    assert main.get_by_test_id("stException").count() == 0


def test_rank_range_stays_on_one_line(app_url: str, page: Page, open_app: Callable[[str], Page]) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(f"{app_url}/Scorecard?area={WALSALL}&present=1")
    rank = page.get_by_test_id("stMetric").filter(has_text="Rank").get_by_test_id("stMetricValue")
    expect(rank).to_contain_text("(")
    height, font = rank.evaluate("e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).fontSize)]")
    assert font >= 40 and height < 1.6 * font, (height, font)
    box = rank.bounding_box()
    assert box and box["x"] + box["width"] <= 1280
