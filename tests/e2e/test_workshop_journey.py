"""Browser journey for a live workshop: a facilitator page and three participant pages (one a 390 px phone)
in one Chromium; answers reach the projector within seconds, a reloaded phone keeps its answers.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1")


@pytest.fixture
def workshop_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh server whose workshop database is a new SQLite file."""
    monkeypatch.setenv("LUPE_DATABASE_URL", f"sqlite:///{tmp_path / 'workshop.sqlite3'}")
    monkeypatch.delenv("LUPE_PUBLIC_URL", raising=False)
    return request.getfixturevalue("fresh_app_url")


def new_page(browser: Browser, **kw: object) -> Page:
    ctx = browser.new_context(**kw)
    ctx.route(lambda url: not url.startswith(LOOPBACK), lambda route: route.abort())
    ctx.set_default_timeout(30_000)
    return ctx.new_page()


def settled(page: Page) -> None:
    page.locator(READY).wait_for(state="attached", timeout=60_000)


def join_and_allocate(page: Page, url: str, name: str, points: dict[str, int]) -> None:
    page.goto(url)
    settled(page)
    page.get_by_label("Your name (optional)").fill(name)
    page.get_by_role("button", name="Join the room").click()
    expect(page.get_by_text("Points left: 100")).to_be_visible()
    assert "p=" in page.url  # the participant's token is in the link
    for label, value in points.items():
        box = page.get_by_label(label)
        box.fill(str(value))
        box.press("Enter")
        settled(page)
    expect(page.get_by_text("Points left: 0")).to_be_visible()
    page.get_by_role("button", name="Send my points").click()
    expect(page.get_by_text(re.compile("saved at"))).to_be_visible()


def test_answers_flow_from_phones_to_the_projector(browser: Browser, workshop_app: str) -> None:
    projector = new_page(browser, viewport={"width": 1280, "height": 720})
    projector.goto(f"{workshop_app}/Workshop?area=E08000030")
    settled(projector)
    projector.get_by_label("Room name").fill("Walsall Place Board, 12 Jan")
    projector.get_by_text("Named (people may give their name)").click()
    projector.get_by_role("button", name="Open the room").click()
    code_box = projector.get_by_test_id("ws-code")
    expect(code_box).to_have_text(re.compile(r"^[2-9A-HJKMNP-Z]{6}$"))
    code = code_box.inner_text().strip()
    projector.get_by_role("radio", name="Open", exact=True).first.click()  # the first activity: mission priorities
    settled(projector)

    join = f"{workshop_app}/?join={code}"
    phone = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    laptops = [new_page(browser, viewport={"width": 1024, "height": 768}) for _ in range(2)]
    join_and_allocate(phone, join, "Asha", {"1. Living standards": 60, "7. Health": 40})
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    join_and_allocate(laptops[0], join, "Ben", {"1. Living standards": 50, "7. Health": 50})
    join_and_allocate(laptops[1], join, "Cait", {"1. Living standards": 70, "3. Transport": 30})
    sent = time.monotonic()

    # The projector's timed fragment shows the third answer without anyone touching it.
    count = projector.get_by_test_id("stMetric").filter(has_text="Priorities").get_by_test_id("stMetricValue")
    expect(count).to_have_text("3", timeout=5_000)
    took = time.monotonic() - sent
    assert took < 5.0, f"the projector took {took:.1f} s to show the answer"

    phone.reload()  # a phone that slept: the link brings back its own answers
    settled(phone)
    expect(phone.get_by_label("1. Living standards")).to_have_value("60")
    expect(phone.get_by_label("7. Health")).to_have_value("40")

    projector.get_by_role("radio", name="Revealed", exact=True).first.click()
    expect(projector.get_by_text("Agreement (Kendall's W)")).to_be_visible()
    expect(projector.get_by_text("Mission priorities: 3 people")).to_be_visible()
    expect(phone.get_by_text(re.compile("Mission priorities is closed: your answer is kept"))).to_be_visible()

    for page in (projector, phone, *laptops):
        page.context.close()
