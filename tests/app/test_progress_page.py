"""The Progress and 2030 page through AppTest: baselines, change, gaps, trend, red-reds, missions, projections.

Walsall is used throughout: it has long annual series (claimant count), a weekly-pay series with
confidence intervals, single-snapshot broadband metrics and metrics whose series break after 2019,
so every baseline rule and both projection outcomes appear on one council.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pagekit import markdown_lines, open_page, url, with_local_metric
from streamlit.testing.v1 import AppTest

from lupcore.data._dataset import Dataset
from lupcore.model import Polarity

ROOT = Path(__file__).resolve().parents[2]
APP = "../../app.py"  # AppTest resolves paths against this test file
PAGE = "pages/6_Progress.py"
WALSALL = "E08000030"
# The latest period ending in 2019, as the page prints it: 2019, 10 Apr 2019, 2018/19 or 2017-2019.
ENDS_IN_2019 = re.compile(r"\((?:\d{1,2} [A-Z][a-z]{2} )?2019\)$|\(\d{4}/19\)$|\(\d{4}-2019\)$")
PROBABILITY = re.compile(r"\((?:under |over )?\d{1,3}%\)")  # "likely (89%)", "very unlikely (under 1%)"






def run_page(page: str = PAGE, **params: str) -> AppTest:
    """A new session opened on ``page`` by a link for Walsall carrying ``params``."""
    return open_page(page, check=False, area=WALSALL, **params)



def table(at: AppTest) -> pd.DataFrame:
    """The 'Every metric' table, indexed by the metric's label."""
    return at.dataframe[0].value.set_index("Metric")


def bold(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**")]


def projection_text(at: AppTest) -> str:
    return next(t for t in bold(at) if t.startswith("**Projection.**"))


def pick_metric(at: AppTest, indicator_id: str) -> AppTest:
    return at.selectbox(key="w_prog_metric").set_value(indicator_id).run()


@pytest.fixture(scope="module")
def walsall() -> AppTest:
    at = run_page()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_shows_baselines_change_gaps_trend_and_red_reds(walsall: AppTest) -> None:
    """Every part of "better or worse than before, and closing the gap?" is on one page."""
    assert [t.value for t in walsall.title] == ["Progress and 2030: Walsall"]
    assert [s.value for s in walsall.subheader] == [
        "Missions since the baseline", "Every metric", "One metric in detail: baseline and projection to 2030"]
    rows = table(walsall)
    assert {"Baseline", "Latest", "Change since baseline", "Gap to national", "Gap to target", "Recent trend",
            "Worse since baseline"} <= set(rows.columns)
    claimant = rows.loc["Claimant count"]
    assert claimant["Baseline"].endswith("(2019)") and claimant["Direction"] == "worsening"
    assert claimant["Gap to national"] in ("closing", "widening", "no clear change", "closed", "ahead", "fallen behind")
    assert claimant["Recent trend"] and claimant["Worse since baseline"] == "yes"
    red_reds = [e.value for e in walsall.error if "worse since the baseline" in e.value]
    assert len(red_reds) == 1 and "Claimant count" in red_reds[0]
    assert set(rows.index[rows["Worse since baseline"] == "yes"]) == {n.strip() for n in red_reds[0].split(":", 1)[1].rstrip(".").split(";")}


def test_default_baseline_is_the_latest_period_ending_in_2019(walsall: AppTest) -> None:
    """Every metric with a 2019 period uses it; the others say why they could not."""
    rows = table(walsall)
    explained = rows["Notes"].str.contains("2019") | (rows["Direction"] == "one period only")
    assert (~explained).sum() >= 20, "most Walsall metrics have a 2019 baseline"
    wrong = rows.loc[~explained & ~rows["Baseline"].str.contains(ENDS_IN_2019), "Baseline"]
    assert wrong.empty, wrong.to_dict()
    assert rows.loc["Median weekly pay", "Baseline"].endswith("(10 Apr 2019)")
    assert rows.loc["Adult obesity", "Baseline"].endswith("(2018/19)")
    assert "series break" in rows.loc["Early years: literacy", "Notes"].lower()


def test_mission_summaries_say_what_changed(walsall: AppTest) -> None:
    summaries = markdown_lines(walsall, "- Mission ")
    assert summaries[0].startswith("- Mission 1: Living standards:")
    assert any(re.search(r"\d+ improving", s) and re.search(r"Mission score [\d.]+ → [\d.]+", s) for s in summaries)
    assert any("Too few metrics have a baseline" in s for s in summaries), "snapshot-only missions must say so"


@pytest.mark.parametrize("indicator_id", ["gross_weekly_pay", "claimant_rate"])
def test_long_series_is_projected_with_odds(indicator_id: str) -> None:
    at = pick_metric(run_page(), indicator_id)
    assert not at.exception
    text = projection_text(at)
    assert re.search(r"Projected .*2030: .+ \(95% range .+ to .+\), from \d+ points", text), text
    outlooks = markdown_lines(at, "- Target")
    assert outlooks and all(PROBABILITY.search(o) for o in outlooks), outlooks
    assert len(at.get("vega_lite_chart")) == 1


def test_one_snapshot_is_not_projected() -> None:
    """Gigabit coverage has one snapshot: a fan from one point would be invented precision, and both
    the projection and the progress text say plainly that no trend can be drawn (the core's one message)."""
    at = pick_metric(run_page(), "gigabit")
    text = projection_text(at)
    assert "Published for one period only" in text and "no trend can be drawn" in text and "Projected" not in text
    assert not any(PROBABILITY.search(line) for line in markdown_lines(at, "- Target"))
    assert any("no trend can be drawn" in t for t in bold(at)), bold(at)


def test_chosen_baseline_is_kept_in_the_url_and_used() -> None:
    at = pick_metric(run_page(), "claimant_rate")
    at.selectbox(key="w_prog_baseline").set_value("2018-01-01/P1Y").run()
    assert not at.exception
    assert url(at)["base"] == "claimant_rate:2018-01-01/P1Y"
    row = table(at).loc["Claimant count"]
    assert row["Baseline"].endswith("(2018)") and "since 2018" in row["Change since baseline"]
    assert table(at).loc["Median weekly pay", "Baseline"].endswith("(10 Apr 2019)"), "other metrics keep the default"
    at.selectbox(key="w_prog_baseline").set_value("default").run()
    assert "base" not in url(at)
    assert table(at).loc["Claimant count", "Baseline"].endswith("(2019)")


def test_baseline_link_restores_the_view() -> None:
    """A shared link with ``base=`` must show the same baselines and preselect them in the picker."""
    at = run_page(base="claimant_rate:2018-01-01/P1Y,gross_weekly_pay:2012-04-18")
    assert not at.exception and not at.warning
    rows = table(at)
    assert rows.loc["Claimant count", "Baseline"].endswith("(2018)")
    assert rows.loc["Median weekly pay", "Baseline"].endswith("(18 Apr 2012)")
    assert at.selectbox(key="w_prog_metric").value == "gross_weekly_pay"
    assert at.selectbox(key="w_prog_baseline").value == "2012-04-18"
    pick_metric(at, "claimant_rate")
    assert at.selectbox(key="w_prog_baseline").value == "2018-01-01/P1Y"
    pick_metric(at, "employment_rate")
    assert at.selectbox(key="w_prog_baseline").value == "default"
    assert url(at)["base"] == "claimant_rate:2018-01-01/P1Y,gross_weekly_pay:2012-04-18", "browsing must not drop it"


def test_baseline_survives_a_visit_to_another_page() -> None:
    at = pick_metric(run_page(), "claimant_rate")
    at.selectbox(key="w_prog_baseline").set_value("2016-01-01/P1Y").run()
    at.switch_page("pages/1_Scorecard.py").run()
    assert url(at).get("base") == "claimant_rate:2016-01-01/P1Y"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert table(at).loc["Claimant count", "Baseline"].endswith("(2016)")


def test_bad_baseline_in_a_link_is_named_and_ignored() -> None:
    at = run_page(base="claimant_rate:soon,gross_weekly_pay:2018-04-30")
    assert not at.exception
    assert any("baseline “claimant_rate:soon”" in w.value for w in at.warning), [w.value for w in at.warning]
    assert table(at).loc["Claimant count", "Baseline"].endswith("(2019)")
    assert url(at)["base"].startswith("gross_weekly_pay:2018-04-30"), "the good baseline in the same link is kept"


def with_local_series(dataset: Dataset) -> AppTest:
    """A session holding an own metric with six annual values for five West Midlands councils."""
    codes = ("E08000030", "E08000031", "E08000025", "E08000026", "E08000027")
    csv = "area_code,period,value\n" + "".join(
        f"{code},{year},{50 + i + 1.5 * (year - 2019)}\n" for i, code in enumerate(codes) for year in range(2019, 2025))
    return with_local_metric(PAGE, csv, source="Residents' survey", polarity=Polarity.HIGHER_IS_BETTER, mission=9)


def test_local_metric_joins_the_progress_table(dataset: Dataset) -> None:
    """Own metrics get a baseline and a change like official ones, marked (local)."""
    row = table(with_local_series(dataset)).loc["Pride in place (local)"]
    assert row["Baseline"].endswith("(2019)") and row["Latest"].endswith("(2024)")
    assert row["Direction"] == "improving" and "since 2019" in row["Change since baseline"]


def test_local_metric_with_six_years_is_projected(dataset: Dataset) -> None:
    """A local metric's own history reaches the projection: it is fitted, and 2030 lies further ahead than the
    five fitted years, so the honest answer is the no-extrapolation rule (methodology §8), not 'no history'."""
    at = with_local_series(dataset)
    pick_metric(at, "local_pride_in_place")
    text = projection_text(at)
    assert "no published series" not in text and "No history" not in text, text
    assert "Projected" in text or "never project further ahead" in text, text
