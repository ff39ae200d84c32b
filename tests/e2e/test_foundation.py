"""Browser journeys for the foundation: a cold deep link renders the page inside the shared frame, and
the sidebar picker moves the whole view (title and shareable URL) to another council.

Only what AppTest cannot see is tested here: the real server's page routing on first contact and
the URL the browser ends up showing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
APP_TITLE = "Levelling Up Place Explorer"
WALSALL = "E08000030"
DEEP_PATH = "/Scorecard" if (ROOT / "pages" / "1_Scorecard.py").exists() else "/"

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) trips a pytest 9 deprecation; not ours to fix.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def expect_shared_frame(page: Page) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(APP_TITLE, exact=True)).to_be_visible()
    expect(sidebar.get_by_role("searchbox", name="Locality")).to_be_visible()


def test_cold_deep_link_renders_page_and_frame(fresh_app_url: str, open_app: Callable[[str], Page]) -> None:
    """The very first request to a fresh server is a deep link (the pages/ cold-link trap)."""
    page = open_app(f"{fresh_app_url}{DEEP_PATH}?area={WALSALL}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", level=1)).to_contain_text("Walsall", timeout=30_000)
    expect_shared_frame(page)
    expect(page.get_by_test_id("stSidebar").get_by_text(re.compile(r"^Showing Walsall\b"))).to_be_visible()
    expect(page).to_have_url(re.compile(rf"{re.escape(DEEP_PATH.rstrip('/'))}/?\?.*area={WALSALL}"))
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_picker_moves_view_to_another_council(app_url: str, open_app: Callable[[str], Page]) -> None:
    page = open_app(f"{app_url}/?area={WALSALL}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", level=1)).to_have_text("Walsall")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("searchbox", name="Locality").fill("Cardiff")
    sidebar.get_by_role("button", name=re.compile(r"^Cardiff\b")).first.click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Cardiff", timeout=30_000)
    expect(page).to_have_url(re.compile(r"[?&]area=W06000015(&|$)"))
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_page_link_keeps_area_and_picker(app_url: str, open_app: Callable[[str], Page]) -> None:
    """Moving between pages by the sidebar links keeps the council in the view, the URL and the picker."""
    page = open_app(f"{app_url}/?area={WALSALL}")
    target = "Scorecard" if DEEP_PATH != "/" else "Overview"
    page.get_by_test_id("stSidebar").get_by_role("link", name=target).click()
    main = page.get_by_test_id("stMain")
    expect(page).to_have_url(re.compile(rf"{re.escape(DEEP_PATH.rstrip('/'))}/?\?.*area={WALSALL}"))
    expect(main.get_by_role("heading", level=1)).to_contain_text("Walsall", timeout=30_000)
    expect(page.get_by_test_id("stSidebar").get_by_text(re.compile(r"^Showing Walsall\b"))).to_be_visible()
