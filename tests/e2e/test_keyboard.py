"""Keyboard-only journeys (WCAG 2.1.1 Keyboard, 2.4.3 Focus order, 2.4.7 Focus visible).

After a page loads, everything is done with ``page.keyboard`` only (Tab, Shift+Tab, Enter, Space, arrows
and typing): no mouse, no ``locator.click()``/``fill()``/``check()``. Locators are used only to assert and
to see where focus is. ``tab_to`` presses Tab until focus reaches the target and otherwise fails with the
list of what focus visited: the trail a keyboard user would follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]

WALSALL = "E08000030"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
Focus = dict[str, Any]

# What has focus: tag, role, accessible-ish name (aria-label, else its text, else its value) and where it is.
FOCUS_JS = """() => { const e = document.activeElement;
  if (!e || e === document.body) return {tag: 'BODY', name: '', role: null, testid: null, main: false, sidebar: false};
  const name = (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().replace(/\\s+/g, ' ');
  return {tag: e.tagName, role: e.getAttribute('role'), type: e.getAttribute('type'), name: name.slice(0, 80),
          testid: e.getAttribute('data-testid'), main: !!e.closest('[data-testid=stMain]'),
          sidebar: !!e.closest('[data-testid=stSidebar]')}; }"""
# A visible focus indicator: an outline (not 'none', wider than 0, not transparent) or a box-shadow, on the
# focused element or on the box drawn around it (text, number and select boxes draw it on their wrapper or
# on the input's parent).
INDICATOR_JS = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const visible = el => { const s = getComputedStyle(el);
    const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !/rgba\\(.*, 0\\)|transparent/.test(s.outlineColor);
    return ring ? `outline ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : (s.boxShadow !== 'none' ? `box-shadow ${s.boxShadow}` : null); };
  const box = e.closest('[data-testid=stTextInputRootElement], [data-testid=stNumberInputContainer], '
                        + '[data-testid=stTextAreaRootElement], [data-baseweb=select], [data-baseweb=input]');
  return visible(e) || (box && visible(box)) || (e.tagName === 'INPUT' && visible(e.parentElement)); }"""


def focused(page: Page) -> Focus:
    return page.evaluate(FOCUS_JS)


def _label(f: Focus) -> str:
    where = "sidebar" if f.get("sidebar") else "main" if f.get("main") else "page"
    return f"{f['tag']}{'[' + f['role'] + ']' if f.get('role') else ''} {f['name']!r} ({where})"


def tab_to(page: Page, target: Callable[[Focus], bool], what: str, max_presses: int = 60, key: str = "Tab") -> Focus:
    """Press ``key`` until ``target(focused element)`` holds (at once if it does); fail listing every stop on the way."""
    now = focused(page)
    if target(now):  # already there (Tab out of a box lands on the next control)
        return now
    visited: list[str] = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        now = focused(page)
        if target(now):
            return now
        visited.append(_label(now))
    pytest.fail(f"Keyboard focus never reached {what} after {max_presses} presses of {key}. It visited, in order:\n  "
                + "\n  ".join(visited), pytrace=False)


def assert_focus_visible(page: Page) -> str:
    """The focused control shows a focus indicator; returns it (for the failure message of a later check)."""
    ring = page.evaluate(INDICATOR_JS)
    assert ring, f"no visible focus indicator on {_label(focused(page))}"
    return ring


def named(pattern: str, *, tag: str | None = None, main: bool | None = None) -> Callable[[Focus], bool]:
    """A target: the focused element's name matches ``pattern`` (and its tag and place, if given)."""
    rx = re.compile(pattern)
    return lambda f: bool(rx.search(f["name"])) and (tag is None or f["tag"] == tag) and (main is None or f["main"] == main)


def settled(page: Page) -> None:
    """The script run has finished (after a keypress that reruns the page)."""
    page.wait_for_timeout(300)  # let the rerun start before waiting for it to end
    page.locator(READY).wait_for(state="attached", timeout=60_000)


def test_tab_to_fails_with_the_trail_focus_followed(page: Page) -> None:
    """The helper can fail, and its message lists the stops: the finding a keyboard user would hit."""
    page.set_content("<button>One</button><a href='#'>Two</a><div>Unreachable</div>")
    with pytest.raises(pytest.fail.Exception) as failed:
        tab_to(page, named("Unreachable"), "the unreachable div", max_presses=3)
    assert "BUTTON 'One'" in str(failed.value) and "A 'Two'" in str(failed.value)
    page.set_content("<button style='outline:none'>Bare</button>")
    page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        assert_focus_visible(page)


def test_choose_an_area_from_the_home_page_by_keyboard(app_url: str, open_app: Callable[[str], Page]) -> None:
    page = open_app(f"{app_url}/")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("searchbox", name="Locality")).to_be_visible()
    tab_to(page, named("^Locality$", tag="INPUT", main=True), "the Locality search box on the page")
    assert_focus_visible(page)
    page.keyboard.type("Walsall", delay=60)  # live: the candidates appear after a pause in typing
    expect(main.get_by_role("button", name=re.compile(r"^Walsall \(West Midlands\)"))).to_be_visible()
    tab_to(page, named(r"^Walsall \(West Midlands\)", tag="BUTTON", main=True), "the Walsall candidate", max_presses=5)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(main.get_by_role("heading", level=1)).to_have_text("Walsall", timeout=30_000)
    expect(main.get_by_role("link", name=re.compile("See the scorecard"))).to_be_visible()
    settled(page)
    tab_to(page, named("^(arrow_forward )?See the scorecard", tag="A", main=True), "the link to the scorecard", 120)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(main.get_by_role("heading", level=1)).to_have_text("Scorecard: Walsall", timeout=30_000)
    score = main.get_by_test_id("stMetric").filter(has_text="Levelling Up score").get_by_test_id("stMetricValue")
    expect(score).to_have_text(re.compile(r"^\d+\.\d$"))
    expect(page).to_have_url(re.compile(rf"/Scorecard\?.*area={WALSALL}"))


def test_change_a_weight_and_see_the_scorecard_change(app_url: str, open_app: Callable[[str], Page]) -> None:
    page = open_app(f"{app_url}/Weights?area={WALSALL}")
    main = page.get_by_test_id("stMain")
    preview = main.get_by_test_id("stMetric").filter(has_text="Levelling Up score").get_by_test_id("stMetricValue")
    expect(preview).to_have_text(re.compile(r"^\d+\.\d$"))
    before = preview.inner_text()
    # The browser draws a long page for a moment after the run ends (longer on a busy machine): wait for the
    # control itself, or Tab races past where it is about to appear.
    expect(main.get_by_role("slider", name="Mission 1: Living standards")).to_be_visible()
    settled(page)
    tab_to(page, named("^Mission 1: Living standards$", main=True), "the Mission 1 weight slider", 80)
    ring = assert_focus_visible(page)
    for _ in range(8):  # 1.00 -> 3.00 in steps of 0.25
        page.keyboard.press("ArrowRight")
    expect(preview).not_to_have_text(before, timeout=30_000)
    settled(page)
    after = preview.inner_text()
    tab_to(page, named("Scorecard$", tag="A", main=False), "the Scorecard link in the menu", 120, key="Shift+Tab")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(main.get_by_role("heading", level=1)).to_have_text("Scorecard: Walsall", timeout=30_000)
    expect(main.get_by_text(re.compile(r"Weights: .*Living standards.*3"))).to_be_visible()
    score = main.get_by_test_id("stMetric").filter(has_text="Levelling Up score").get_by_test_id("stMetricValue")
    expect(score).to_have_text(after)
    assert after != before, ring


def test_build_save_and_see_a_what_if_by_keyboard(app_url: str, open_app: Callable[[str], Page]) -> None:
    page = open_app(f"{app_url}/What_if?area={WALSALL}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name=re.compile("Add$"))).to_be_visible()
    settled(page)
    tab_to(page, named("^Change$", main=True), "the kind of change", 60)
    assert_focus_visible(page)
    page.keyboard.type("percentage", delay=30)  # the select box filters its options as you type
    page.keyboard.press("Enter")
    amount = main.get_by_role("spinbutton", name=re.compile("^Percent"))
    expect(amount).to_be_visible(timeout=30_000)
    settled(page)
    tab_to(page, named("^Percent", tag="INPUT", main=True), "the percentage box", 10)
    page.keyboard.type("10")
    page.keyboard.press("Tab")  # leaving the box commits the number
    settled(page)
    tab_to(page, named("Add$", tag="BUTTON", main=True), "the Add button", 10)
    page.keyboard.press("Enter")
    expect(main.get_by_text(re.compile(r": \+10%|10% (higher|more)"))).to_be_visible(timeout=30_000)
    settled(page)
    tab_to(page, named("Save scenario$", tag="BUTTON", main=True), "the Save scenario button", 30)
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(main.get_by_role("heading", name="The changes")).to_be_visible(timeout=60_000)
    expect(main.get_by_role("radiogroup", name="Scenario")).to_contain_text("Scenario A")
    score = main.get_by_test_id("stMetric").filter(has_text="Levelling Up score")
    expect(score.get_by_test_id("stMetricValue")).to_have_text(re.compile(r"^\d+\.\d$"))
    expect(score.get_by_test_id("stMetricDelta")).to_have_text(re.compile(r"^[-−]?\d+(\.\d)?$"))
    expect(page).to_have_url(re.compile(r"[?&]scen=Scenario\+A~[a-z0-9_]+%3D%2B10%25"))


@pytest.mark.parametrize(("button", "key", "suffix", "starts"), [
    ("Scorecard as CSV", "Enter", ".csv", b"Area code,Area name,Mission,Metric"),
    ("One-page summary (A4 PDF)", "Space", ".pdf", b"%PDF-"),  # Space presses a button too
])
def test_download_an_export_by_keyboard(app_url: str, open_app: Callable[[str], Page], button: str, key: str,
                                        suffix: str, starts: bytes) -> None:
    page = open_app(f"{app_url}/Export?area={WALSALL}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("button", name=re.compile(re.escape(button) + "$"))).to_be_visible(timeout=30_000)
    settled(page)
    tab_to(page, named(re.escape(button) + "$", tag="BUTTON", main=True), f"the '{button}' download button", 80)
    assert_focus_visible(page)
    with page.expect_download(timeout=60_000) as info:
        page.keyboard.press(key)
    download = info.value
    assert download.suggested_filename.startswith("walsall-") and download.suggested_filename.endswith(suffix)
    body = open(download.path(), "rb").read()  # noqa: PTH123
    assert len(body) > 200 and body.removeprefix(b"\xef\xbb\xbf").startswith(starts), body[:80]
    if suffix == ".csv":
        assert b"E08000030,Walsall," in body
