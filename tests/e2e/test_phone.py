"""A 390 x 844 phone (an iPhone 13's browser): the sidebar starts closed, nothing in the page runs off the
right edge, the Scorecard's tables show the few columns that fit, and the Weights page lists the missions
in their order. The screenshots are kept (``LUPE_SCREENSHOTS``, default the system temp folder) for a person
to look at; the assertions are about the page itself.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e.conftest import LOOPBACK, READY

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]

WALSALL = "E08000030"
SHOTS = Path(os.environ.get("LUPE_SCREENSHOTS", Path(tempfile.gettempdir()) / "lupe-screenshots"))
OVERFLOW_JS = """() => {
  const edge = window.innerWidth + 1, out = [];
  for (const el of document.querySelectorAll('[data-testid="stMainBlockContainer"] *')) {
    if (el.closest('[data-testid="stDataFrame"]')) continue;  // a data grid scrolls inside its own frame
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > edge) out.push(`${el.tagName} ${(el.textContent || '').slice(0, 60)}`);
  }
  return out;
}"""


@pytest.fixture
def phone(browser: Browser, playwright: Playwright) -> Iterator[Page]:
    device = {k: v for k, v in playwright.devices["iPhone 13"].items() if k != "default_browser_type"}
    device["viewport"] = {"width": 390, "height": 844}  # the whole screen (the preset leaves room for the toolbar)
    context = browser.new_context(**device)
    context.route(lambda url: not url.startswith(LOOPBACK), lambda route: route.abort())
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


def open_on_phone(page: Page, url: str, name: str) -> Path:
    page.goto(url)
    page.locator(READY).wait_for(state="attached", timeout=60_000)
    page.wait_for_timeout(1500)  # charts draw after the script run
    assert page.viewport_size == {"width": 390, "height": 844}
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"phone-390x844-{name}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000, "the screenshot is blank"
    return shot


@pytest.mark.parametrize(("path", "name"), [("/", "overview"), ("/Scorecard", "scorecard"), ("/Weights", "weights")])
def test_page_reads_on_a_phone(app_url: str, phone: Page, path: str, name: str) -> None:
    open_on_phone(phone, f"{app_url}{path}?area={WALSALL}", name)
    expect(phone.get_by_test_id("stMain").get_by_role("heading", level=1)).to_be_visible()
    sidebar = phone.get_by_test_id("stSidebar").bounding_box()
    assert sidebar is None or sidebar["x"] + sidebar["width"] <= 0, f"the sidebar covers the page: {sidebar}"
    assert phone.evaluate(OVERFLOW_JS) == [], "content runs off the right edge of a 390 px screen"
    assert phone.get_by_test_id("stException").count() == 0


def test_scorecard_tables_keep_to_the_columns_that_fit(app_url: str, phone: Page) -> None:
    open_on_phone(phone, f"{app_url}/Scorecard?area={WALSALL}", "scorecard-tables")
    grids = phone.get_by_test_id("stDataFrame")
    expect(grids.first).to_be_visible()
    for i in range(grids.count()):
        box = grids.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 391, box
    header_cells = phone.locator("[data-testid='stDataFrame'] [role='columnheader']")
    expect(header_cells.first).to_be_attached()  # the grid's accessible header is built after it draws
    headers = [h.strip() for h in header_cells.all_inner_texts()]
    assert "Status" in headers and "Minimum" not in headers and "Local control" not in headers, headers


def test_weights_lists_missions_in_order(app_url: str, phone: Page) -> None:
    open_on_phone(phone, f"{app_url}/Weights?area={WALSALL}", "weights-missions")
    labels = phone.get_by_test_id("stSlider").locator("[data-testid='stWidgetLabel']")
    expect(labels.first).to_be_visible()
    found = []
    for i in range(labels.count()):
        match = re.match(r"Mission (\d+):", labels.nth(i).inner_text())
        if match:
            found.append((labels.nth(i).bounding_box()["y"], int(match.group(1))))
    numbers = [n for _, n in sorted(found)]
    assert len(numbers) >= 5 and numbers == sorted(numbers), numbers
