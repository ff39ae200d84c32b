"""Every chart on the chart pages has an accessible name in the real DOM (WCAG 1.1.1), not Vega's default
"Vega visualization" and not an unnamed canvas: Streamlit's ``alt=`` becomes the chart container's
``aria-label`` (role ``graphics-document`` for Vega-Lite, ``figure`` for pydeck)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]

WALSALL = "E08000030"
CHART = "[data-testid='stVegaLiteChart'], [data-testid='stDeckGlJsonChart']"
# Every drawn chart surface (Vega's SVG or canvas, deck.gl's canvas) and the name of its nearest labelled ancestor.
SURFACES_JS = """() => [...document.querySelectorAll('svg.marks, canvas.marks, [data-testid=stDeckGlJsonChart] canvas')]
  .map(el => { const named = el.closest('[aria-label]');
               return {surface: el.tagName + '.' + (el.getAttribute('class') || ''),
                       role: named ? named.getAttribute('role') : null,
                       name: named ? named.getAttribute('aria-label') : null}; })"""
DEFAULT_NAMES = {None, "", "Vega visualization", "Map"}


def chart_names(page: Page) -> list[dict[str, str | None]]:
    return page.evaluate(SURFACES_JS)


def test_the_check_can_fail_on_an_unnamed_vega_chart(page: Page) -> None:
    """A Vega chart without ``alt`` is named "Vega visualization": the check below rejects it."""
    page.set_content("<div role='graphics-document' aria-label='Vega visualization'><svg class='marks'></svg></div>"
                     "<canvas class='marks'></canvas>")
    names = chart_names(page)
    assert [n["name"] for n in names] == ["Vega visualization", None]
    assert all(n["name"] in DEFAULT_NAMES for n in names)


@pytest.mark.parametrize(("path", "charts", "starts"), [
    ("/Scorecard", 1, "Spine chart of "),
    ("/Progress", 1, "Line chart of "),
    ("/Map", 1, "Map of UK councils coloured by "),
    ("/Peers", 1, "Heatmap of metric scores "),
])
def test_every_chart_has_an_accessible_name(app_url: str, open_app: Callable[[str], Page], path: str, charts: int,
                                            starts: str) -> None:
    page = open_app(f"{app_url}{path}?area={WALSALL}")
    if path == "/Peers":  # the heatmap is on the second tab
        page.get_by_role("tab", name="Heatmap of scores").click()
    expect(page.locator(CHART)).to_have_count(charts, timeout=30_000)
    expect(page.locator(CHART).first).to_have_attribute("aria-label", starts_with(starts))
    page.wait_for_function("document.querySelectorAll('svg.marks, canvas.marks, "
                           "[data-testid=stDeckGlJsonChart] canvas').length > 0", timeout=30_000)
    names = chart_names(page)
    unnamed = [n for n in names if n["name"] in DEFAULT_NAMES and "mapboxgl" not in (n["surface"] or "")]
    assert not unnamed, f"{path}: charts without an accessible name: {unnamed}"
    assert all(n["role"] in ("graphics-document", "figure", "img") for n in names
               if "mapboxgl" not in (n["surface"] or "")), names
    assert page.get_by_text("Chart as a table").count() == charts


def starts_with(prefix: str):  # noqa: ANN201
    import re

    return re.compile("^" + re.escape(prefix))
