"""Progress since baseline (methodology §7–5.4) on hand-built series over ``lupcore.examples``.

Each test writes the few published values it needs, so every expected label can be checked by
hand: a change is "statistically clear" when ``|Δ| / sqrt(SE₀² + SE₁²) > 1.96`` with
``SE = (uci − lci)/3.92``; gaps are oriented so positive means behind.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lupcore.data import _history as history, examples as examples
from lupcore.data._dataset import Dataset
from lupcore.data._history import SeriesNotes, choose_baseline, load_history, missing_periods
from lupcore.foresight import area_progress, metric_progress
from lupcore.model import Rag
from lupcore.periods import parse_period
from lupcore.scoring import Engine, build_engine
from lupcore.settings import Settings

ASHBY, BRINDLE, CARLOW = "E06000001", "E06000002", "E06000003"
Point = tuple[str, float, float, float]


def year(y: int) -> str:
    return f"{y}-01-01/P1Y"


def make_dataset(series: dict[tuple[str, str], list[Point]], starts: dict[str, int] | None = None) -> Dataset:
    """The example dataset with exactly these observations (and area start years)."""
    base = examples.example_dataset()
    rows = []
    for (indicator_id, code), points in series.items():
        for label, value, lci, uci in points:
            p = parse_period(label)
            rows.append((indicator_id, code, label, pd.Timestamp(p.start), pd.Timestamp(p.end), value, lci, uci))
    obs = pd.DataFrame(rows, columns=["indicator_id", "area_code", "period", "period_start", "period_end",
                                      "value", "lci95", "uci95"])
    obs["status"] = pd.array([pd.NA] * len(obs), dtype="string")
    obs = obs.assign(_k=obs["indicator_id"] + "|" + obs["area_code"]).sort_values(["_k", "period_start"])
    areas = base.areas.copy()
    for code, start in (starts or {}).items():
        areas.loc[code, "start"] = start
    return replace(base, observations=obs.drop(columns="_k").reset_index(drop=True), areas=areas)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine(examples.example_panel(), Settings())


def ci(value: float, half: float = 3.0) -> Point:
    return ("", value, value - half, value + half)


def pts(values: dict[int, float], half: float | None = 3.0) -> list[Point]:
    h = np.nan if half is None else half
    return [(year(y), v, v - h, v + h) for y, v in values.items()]


def test_significant_improvement_is_statistically_clear(engine: Engine) -> None:
    # SE = 3/1.96 each; |Δ| = 10 → z = 10 / (1.531·√2) = 4.6 > 1.96.
    ds = make_dataset({("employment", ASHBY): pts({2019: 50.0, 2024: 60.0})})
    mp = metric_progress(ds, engine, ASHBY, "employment")
    assert mp.baseline.period == year(2019) and mp.baseline.chosen_by == "default"
    assert (mp.direction, mp.significance) == ("improving", "statistically clear")
    assert mp.change == pytest.approx(10.0)
    assert mp.text == "Improving: up 10.0 pp since 2019 (statistically clear)."


def test_small_change_within_the_cis_is_no_clear_change(engine: Engine) -> None:
    ds = make_dataset({("employment", ASHBY): pts({2019: 58.0, 2024: 60.0})})  # z = 0.92
    mp = metric_progress(ds, engine, ASHBY, "employment")
    assert (mp.direction, mp.significance) == ("no clear change", "not statistically clear")
    assert mp.text.startswith("No clear change: up 2.0 pp since 2019")


def test_lower_is_better_without_ci_judged_on_direction_and_says_untested(engine: Engine) -> None:
    ds = make_dataset({("travel_time", ASHBY): pts({2019: 30.0, 2024: 20.0}, half=None)})
    mp = metric_progress(ds, engine, ASHBY, "travel_time")
    assert mp.direction == "improving"  # the journey got shorter
    assert mp.significance == "no confidence interval, so not tested"


@pytest.mark.parametrize(("area", "national", "expected"), [
    ({2019: 50.0, 2024: 60.0}, {2019: 65.0, 2024: 67.0}, "closing"),  # 15 behind → 7 behind
    ({2019: 60.0, 2024: 58.0}, {2019: 61.0, 2024: 67.0}, "widening"),  # 1 behind → 9 behind
    ({2019: 60.0, 2024: 61.0}, {2019: 62.0, 2024: 63.0}, "no clear change"),  # 2 → 2, within the CIs
    ({2019: 60.0, 2024: 70.0}, {2019: 65.0, 2024: 67.0}, "closed"),  # now ahead
    ({2019: 70.0, 2024: 60.0}, {2019: 65.0, 2024: 67.0}, "fallen behind"),
])
def test_gap_to_the_national_value(engine: Engine, area: dict, national: dict, expected: str) -> None:
    # Employment covers England and Wales, so the national series is K04000001.
    ds = make_dataset({("employment", ASHBY): pts(area), ("employment", "K04000001"): pts(national, None)})
    gap = metric_progress(ds, engine, ASHBY, "employment").national_gap
    assert gap is not None and gap.status == expected
    assert gap.against == "England and Wales value"
    b0, b1 = national[2019], national[2024]
    assert gap.gap_baseline == pytest.approx(b0 - area[2019]) and gap.gap_now == pytest.approx(b1 - area[2024])
    if expected == "closing":
        assert gap.closure == pytest.approx((15 - 7) / 15)


def test_gap_to_target_holds_todays_target(engine: Engine) -> None:
    # Employment target = upper quartile of the example = 69.
    ds = make_dataset({("employment", ASHBY): pts({2019: 50.0, 2024: 60.0})})
    gap = metric_progress(ds, engine, ASHBY, "employment").target_gap
    assert gap is not None and (gap.gap_baseline, gap.gap_now) == (pytest.approx(19.0), pytest.approx(9.0))
    assert gap.status == "closing" and "target (upper quartile)" in gap.text


def test_missing_years_are_a_gap_not_an_interpolation(engine: Engine) -> None:
    ks2 = {2016: 53.0, 2017: 61.0, 2018: 64.0, 2019: 65.0, 2022: 59.0, 2023: 60.0}
    ds = make_dataset({("ks2", ASHBY): pts(ks2, None)})
    h = load_history(ds, examples.INDICATORS[3], ASHBY)
    assert list(h.points["value"]) == list(ks2.values())  # nothing filled in
    assert h.gaps == ("2020", "2021")
    mp = metric_progress(ds, engine, ASHBY, "ks2")
    assert "No value for 2020 and 2021: shown as a gap, not joined up." in mp.notes


def test_academic_year_gap_labels() -> None:
    frame = pd.DataFrame({"period": ["2018-09-01/P1Y", "2021-09-01/P1Y", "2022-09-01/P1Y"]})
    frame["start"] = [parse_period(p).start for p in frame["period"]]
    assert missing_periods(frame) == ("2019/20", "2020/21")


def test_series_break_sets_earlier_points_aside(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    note = "Series break: counted on a new basis from 2022."
    monkeypatch.setitem(history.SERIES_NOTES, "employment", SeriesNotes("2022-01-01", note))
    ds = make_dataset({("employment", ASHBY): pts({2018: 40.0, 2019: 41.0, 2022: 55.0, 2024: 60.0})})
    mp = metric_progress(ds, engine, ASHBY, "employment")
    assert mp.baseline.period == year(2022) and mp.baseline.chosen_by == "earliest available"
    assert "series break" in mp.baseline.note and note in mp.notes
    assert mp.change == pytest.approx(5.0)  # from 55, never bridged back to 41


def test_no_baseline_on_current_boundaries(engine: Engine) -> None:
    # A unitary created in 2023: the source leaves 2019 empty and publishes from 2022.
    points = [(year(2019), np.nan, np.nan, np.nan), *pts({2022: 600.0, 2024: 700.0}, None)]
    ds = make_dataset({("pay", CARLOW): points}, starts={CARLOW: 2023})
    mp = metric_progress(ds, engine, CARLOW, "pay")
    assert mp.baseline.period == year(2022)
    assert mp.baseline.note.startswith("No baseline on current boundaries (Carlow was created in 2023)")


def test_no_history_and_local_metrics_do_not_crash(engine: Engine) -> None:
    ds = make_dataset({})
    mp = metric_progress(ds, engine, ASHBY, "employment")
    assert mp.direction == "no history" and mp.change is None and mp.text.startswith("No history.")
    local = replace(examples.INDICATORS[1], id="local_jobs", local=True)
    panel = examples.make_panel(examples.VALUES[:, 1:2], [local], examples.CODES, examples.NAMES)
    local_engine = build_engine(panel, Settings())
    assert metric_progress(ds, local_engine, ASHBY, "local_jobs").direction == "no history"
    extra = make_dataset({("local_jobs", ASHBY): pts({2019: 50.0, 2024: 60.0})}).observations
    assert metric_progress(ds, local_engine, ASHBY, "local_jobs", extra=extra).direction == "improving"


def test_one_period_only(engine: Engine) -> None:
    ds = make_dataset({("employment", ASHBY): pts({2024: 60.0})})
    mp = metric_progress(ds, engine, ASHBY, "employment")
    assert mp.direction == "one period only" and mp.change is None


def test_chosen_baseline_and_fallback_note(engine: Engine) -> None:
    ds = make_dataset({("employment", ASHBY): pts({2017: 40.0, 2019: 50.0, 2024: 60.0})})
    assert metric_progress(ds, engine, ASHBY, "employment", year(2017)).baseline.chosen_by == "you"
    fallback = metric_progress(ds, engine, ASHBY, "employment", year(2015)).baseline
    assert fallback.period == year(2019) and fallback.note.startswith("The chosen baseline 2015 has no comparable value")


def test_overlapping_rolling_periods_are_indicative(engine: Engine) -> None:
    ds = make_dataset({("employment", ASHBY): [("2018-01-01/P3Y", 50.0, 47.0, 53.0), ("2019-01-01/P3Y", 60.0, 57.0, 63.0)]})
    h = load_history(ds, examples.INDICATORS[1], ASHBY)
    assert choose_baseline(h, "2018-01-01/P3Y").period == "2018-01-01/P3Y"
    mp = metric_progress(ds, engine, ASHBY, "employment", "2018-01-01/P3Y")
    assert mp.significance == "indicative: the two periods overlap"


def test_red_red_and_mission_summary(engine: Engine) -> None:
    # Brindle's KS2 is red (60 < England's 61); falling 62 → 60 makes it a red-red.
    series = {("ks2", BRINDLE): pts({2019: 62.0, 2024: 60.0}, None),
              ("employment", BRINDLE): pts({2019: 55.0, 2024: 64.0}),
              ("pay", BRINDLE): pts({2019: 580.0, 2024: 600.0}, 30.0),
              ("travel_time", BRINDLE): pts({2019: 25.0, 2024: 20.0}, None)}
    ap = area_progress(make_dataset(series), engine, BRINDLE)
    ks2 = ap.metric("ks2")
    assert ks2.rag == Rag.RED and ks2.direction == "worsening" and ks2.red_red
    assert ap.red_reds == ("Pupils meeting the KS2 standard",)
    m5 = next(m for m in ap.missions if m.mission == 5)
    assert m5.worsening == ("Pupils meeting the KS2 standard",) and m5.red_reds == m5.worsening
    # Every metric has a baseline and its latest value is the panel's, so "now" is today's score.
    row = engine.panel.position(BRINDLE)
    for m in ap.missions:
        assert m.score_latest == pytest.approx(engine.scores.mission[row, m.mission - 1])
    m1 = next(m for m in ap.missions if m.mission == 1)
    # pay 580 → 600 is within its CIs (no clear change); employment 55 → 64 is clear.
    assert m1.improving == ("Employment rate",) and m1.no_clear_change == ("Gross weekly pay",)
    assert m1.score_baseline == pytest.approx((20.0 + 0.0) / 2) and m1.score_latest == pytest.approx((25 + 100 / 3) / 2)
    assert m1.text.startswith("Mission 1: Living standards: 1 improving, 1 with no clear change.")
