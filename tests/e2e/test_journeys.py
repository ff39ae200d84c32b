"""Browser journeys for foresight and take-away: build a scenario, add a local metric, download the PDF.

Only what AppTest cannot show is checked here: real widgets, real uploads and downloads through
the server, the address bar, and what is drawn (the spine chart's SVG text, the PDF's text).
Waits are on visible outcomes, never on fixed sleeps.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, TimeoutError as PlaywrightTimeoutError, expect
from pypdf import PdfReader

WALSALL = "E08000030"
WEST_MIDLANDS = {"E08000030": 70.5, "E08000031": 58.2, "E08000025": 55.0, "E08000026": 63.1, "E08000027": 60.4}
METRIC_NAME = "Pride in place"  # from the file name, as the page names an unnamed long-form metric
RANK_WITH_RANGE = re.compile(r"^\d+(?:st|nd|rd|th) \(\d+(?:st|nd|rd|th)–\d+(?:st|nd|rd|th)\)$")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
FITS = "el => [el, ...el.querySelectorAll('*')].every(n => n.scrollWidth <= n.clientWidth + 1)"
OVERFLOWS = ("el => [el, ...el.querySelectorAll('*')].filter(n => n.scrollWidth > n.clientWidth + 1)"
             ".map(n => `${n.tagName}.${n.className}: ${n.scrollWidth} > ${n.clientWidth} px, `"
             "+ `white-space ${getComputedStyle(n).whiteSpace}, font ${getComputedStyle(n).fontFamily}`)")

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url (pulled in by pytest-playwright) trips a pytest 9 deprecation; not ours to fix.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def choose(page: Page, combobox: Locator, option: str) -> None:
    """Pick an option in a Streamlit selectbox by typing, as a keyboard user would."""
    combobox.click()
    combobox.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def rank_value(page: Page) -> Locator:
    """The overall rank with its range: 'Rank of 294' on What if, 'Rank (5th–95th …)' on the Scorecard."""
    metric = page.get_by_test_id("stMain").get_by_test_id("stMetric").filter(has_text=re.compile(r"^Rank (of|\(5th)"))
    return metric.get_by_test_id("stMetricValue")


def test_build_a_scenario_and_see_the_rank_change(app_url: str, open_app: Callable[[str], Page]) -> None:
    page = open_app(f"{app_url}/What_if?area={WALSALL}")
    main = page.get_by_test_id("stMain")
    build = main.get_by_test_id("stExpander").filter(has_text="Build a scenario")
    choose(page, build.get_by_role("combobox", name="Metric"), "Median weekly pay")
    choose(page, build.get_by_role("combobox", name="Change"), "Reach the target")
    expect(build.get_by_label("New value (£)")).to_have_count(0)  # the rerun for the new mode has landed
    build.get_by_role("button", name="Add", exact=True).click()
    expect(build.get_by_text("Median weekly pay: reach the target")).to_be_visible()
    build.get_by_role("button", name="Save scenario").click()

    expect(page).to_have_url(re.compile(r"[?&]scen=Scenario(\+|%20)A~gross_weekly_pay%3Dtarget(&|$)"))
    value = rank_value(page)
    expect(value).to_have_text(RANK_WITH_RANGE)
    today = main.get_by_text(re.compile(r"^Today: \d+(st|nd|rd|th) \(")).first  # the overall rank; then the peers'
    expect(today).to_be_visible()
    after, before = value.inner_text().strip(), today.inner_text().removeprefix("Today: ").strip()
    assert RANK_WITH_RANGE.match(before), before
    assert after != before, f"reaching the pay target should change the rank shown: {before} → {after}"
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_upload_a_local_metric_see_it_on_the_scorecard_and_download_the_pdf(
        app_url: str, open_app: Callable[[str], Page], tmp_path: Path) -> None:
    csv = tmp_path / "pride_in_place.csv"
    csv.write_text("area_code,period,value\n" + "".join(f"{c},2024,{v}\n" for c, v in WEST_MIDLANDS.items()))
    page = open_app(f"{app_url}/Local_metrics?area={WALSALL}")
    main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")
    main.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(csv)
    expect(main.get_by_text("1 metric, 5 values for 5 areas: ready to add")).to_be_visible()
    form = main.get_by_test_id("stForm")
    form.get_by_label("Source (who collects it, and how)").fill("Walsall residents' survey 2024, 1,850 respondents")
    choose(page, form.get_by_role("combobox", name="Mission"), "Mission 9: Pride in place")
    form.get_by_role("button", name="Add these metrics").click()
    expect(main.get_by_text(re.compile(r"^Added 1 local metric\(s\)\."))).to_be_visible()
    expect(main.get_by_text(f"{METRIC_NAME} (local) ·", exact=False)).to_be_visible()

    sidebar.get_by_role("link", name="Scorecard").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Scorecard: Walsall")
    spine = main.get_by_test_id("stVegaLiteChart")
    expect(spine.locator("svg text").filter(has_text=re.compile(rf"^{METRIC_NAME}$"))).to_have_count(1)

    sidebar.get_by_role("link", name="Export and session").click()
    pdf_button = main.get_by_role("button", name=re.compile(r"^Full report"))
    expect(pdf_button).to_be_enabled()
    with page.expect_download(timeout=60_000) as download_info:
        pdf_button.click()
    download = download_info.value
    assert download.suggested_filename == "walsall-levelling-up-summary.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "Walsall" in text and METRIC_NAME in text
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_bad_session_file_changes_nothing(app_url: str, open_app: Callable[[str], Page], tmp_path: Path) -> None:
    """A file from a newer app: one message, and the weights in the link are still there."""
    newer = tmp_path / "walsall-session.json"
    newer.write_text('{"schema": "levelling-up-place-explorer/session", "version": 2, "state": {"area": "E06000001"}}')
    page = open_app(f"{app_url}/Export?area={WALSALL}&mw=1:50")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", level=3).filter(has_text="A summary of Walsall")).to_be_visible()
    main.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(newer)
    alert = main.get_by_test_id("stAlert").filter(has_text="Nothing was changed.")
    expect(alert).to_contain_text("This session file is version 2; this app reads version 1.")
    expect(page).to_have_url(re.compile(r"[?&]mw=1(%3A|:)50(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]area={WALSALL}(&|$)"))
    expect(main.get_by_role("heading", level=3).filter(has_text="A summary of Walsall")).to_be_visible()


@pytest.mark.parametrize("path", ["/Scorecard?area=E08000030", "/What_if?area=E08000030&scen=A~gross_weekly_pay%3Dtarget"])
def test_rank_range_is_shown_in_full(app_url: str, open_app: Callable[[str], Page], path: str) -> None:
    """At the default 1280×720 viewport the range used to be cut off ('288th (277th–…'); it must wrap instead."""
    page = open_app(app_url + path)
    value = rank_value(page)
    # The range needs the 1,000-run Monte Carlo on first use (under a second alone, longer on a busy machine).
    expect(value).to_have_text(RANK_WITH_RANGE, timeout=60_000)
    page.locator(READY).wait_for(state="attached")
    # Layout settles after the script ends (fonts, charts below, scroll bar), so the fit is polled, not sampled.
    try:
        page.wait_for_function(FITS, arg=value.element_handle(), timeout=15_000)
    except PlaywrightTimeoutError:
        pytest.fail(f"{value.inner_text()} does not fit its column: {value.evaluate(OVERFLOWS)}")


def test_scorecard_status_filter_narrows_the_table(app_url: str, open_app: Callable[[str], Page]) -> None:
    """The filters live in a fragment (a partial rerun): choosing Green must still shrink the table, keep the chart."""
    page = open_app(f"{app_url}/Scorecard?area={WALSALL}")
    main = page.get_by_test_id("stMain")
    table = main.get_by_test_id("stDataFrame").nth(1)  # after the missions table
    expect(table).to_be_visible(timeout=30_000)
    page.locator(READY).wait_for(state="attached")
    full_height = table.bounding_box()["height"]
    status = main.get_by_role("combobox", name="Status")
    status.click()
    status.press_sequentially("Green")  # type-ahead, as a user would
    green = page.get_by_role("option").filter(has_text="Green")
    expect(green).to_be_visible()
    green.click()
    page.keyboard.press("Escape")
    expect(main.get_by_test_id("stMultiSelect").filter(has_text="Status")).to_contain_text("✔ Green")
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame]')[1]"
                           f".getBoundingClientRect().height < {full_height} - 100", timeout=30_000)
    expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(main.get_by_role("heading", name=re.compile(r"^Scorecard: Walsall"))).to_be_visible()
