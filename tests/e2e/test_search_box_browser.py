"""Browser journeys for the locality search box: typing a postcode and a town into the real sidebar.

AppTest cannot see the live typing (a fragment rerun after a pause) or the URL the browser ends up with.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

CARDIFF, WALSALL = "W06000015", "E08000030"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def test_typing_a_postcode_moves_to_its_council(app_url: str, open_app: Callable[[str], Page]) -> None:
    page = open_app(f"{app_url}/?area={CARDIFF}")
    main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")
    expect(main.get_by_role("heading", level=1)).to_have_text("Cardiff", timeout=30_000)
    box = sidebar.get_by_role("searchbox", name="Locality")
    box.press_sequentially("WS1 1TP", delay=40)  # live: commits after a pause in typing, no Enter needed
    expect(main.get_by_role("heading", level=1)).to_have_text("Walsall", timeout=30_000)
    expect(page).to_have_url(re.compile(rf"[?&]area={WALSALL}(&|$)"))
    expect(page.get_by_text("WS1 1TP is in Walsall (West Midlands).")).to_be_visible()
    expect(sidebar.get_by_text(re.compile(r"^Showing Walsall\b"))).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_typing_a_town_offers_its_council(app_url: str, open_app: Callable[[str], Page]) -> None:
    page = open_app(f"{app_url}/?area={CARDIFF}")
    main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")
    expect(main.get_by_role("heading", level=1)).to_have_text("Cardiff", timeout=30_000)
    sidebar.get_by_role("searchbox", name="Locality").fill("Bloxwich")
    choice = sidebar.get_by_role("button", name="Walsall (West Midlands) · Bloxwich")
    expect(choice).to_be_visible()
    expect(main.get_by_role("heading", level=1)).to_have_text("Cardiff")  # a town offers, it does not jump
    choice.click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Walsall", timeout=30_000)
    expect(page).to_have_url(re.compile(rf"[?&]area={WALSALL}(&|$)"))
    expect(page.get_by_test_id("stException")).to_have_count(0)
