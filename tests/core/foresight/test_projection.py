"""Projection to 2030 end to end (methodology §8, §9 vectors) through ``project_metric``.

The §9 KS2-like series (2016–19, 2022–23: 53, 61, 64, 65, 59, 60) is published as calendar years,
so its midpoints are the vector's years + 0.5 and the 2030 period's midpoint is 2030.5: every
difference in time, and so every number below, is the vector's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lupcore.data import _history as history, examples as examples
from lupcore.data._dataset import Dataset
from lupcore.data._history import SeriesNotes
from lupcore.foresight import RELAXED_LABEL, Projection, TargetOutlook, format_chance, project_metric
from lupcore.periods import parse_period
from lupcore.scoring import Engine, build_engine
from lupcore.settings import Settings

ASHBY = "E06000001"
KS2 = {2016: 53.0, 2017: 61.0, 2018: 64.0, 2019: 65.0, 2022: 59.0, 2023: 60.0}


def make_dataset(series: dict[tuple[str, str], dict[int, float]]) -> Dataset:
    """The example dataset with these calendar-year values (no CIs) and nothing else."""
    rows = []
    for (indicator_id, code), values in series.items():
        for y, value in values.items():
            p = parse_period(f"{y}-01-01/P1Y")
            rows.append((indicator_id, code, p.label, pd.Timestamp(p.start), pd.Timestamp(p.end), value, np.nan, np.nan))
    obs = pd.DataFrame(rows, columns=["indicator_id", "area_code", "period", "period_start", "period_end",
                                      "value", "lci95", "uci95"])
    obs["status"] = pd.array([pd.NA] * len(obs), dtype="string")
    obs = obs.sort_values(["indicator_id", "area_code", "period_start"], ignore_index=True)
    return replace(examples.example_dataset(), observations=obs)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine(examples.example_panel(), Settings())


def mission(p: Projection) -> TargetOutlook:
    return next(o for o in p.targets if o.label == "Mission target")


def test_ks2_vector_identity(engine: Engine) -> None:
    p = project_metric(make_dataset({("ks2", ASHBY): KS2}), engine, ASHBY, "ks2", transform="identity")
    assert p.status == "projected" and p.transform == "identity" and p.n == 6
    assert p.horizon_period == "2030-01-01/P1Y" and p.horizon_t == pytest.approx(2030.5)
    assert p.slope == pytest.approx(0.30, abs=0.005)
    assert p.point == pytest.approx(63.6, abs=0.05)
    assert p.pi95 == (pytest.approx(37.0, abs=0.05), pytest.approx(90.2, abs=0.05))
    assert p.ci95 == (pytest.approx(40.4, abs=0.05), pytest.approx(86.8, abs=0.05))
    assert p.pi80[0] > p.pi95[0] and p.pi80[1] < p.pi95[1]
    target = mission(p)
    assert target.value == 90.0 and target.probability == pytest.approx(0.026, abs=0.001)
    assert target.not_informative  # the band covers both 90 and the 2019 baseline of 65


def test_ks2_vector_logit_default(engine: Engine) -> None:
    p = project_metric(make_dataset({("ks2", ASHBY): KS2}), engine, ASHBY, "ks2")
    assert p.transform == "logit"
    assert p.point == pytest.approx(63.4, abs=0.05)
    assert p.pi95 == (pytest.approx(36.4, abs=0.05), pytest.approx(84.0, abs=0.05))
    assert p.ci95 == (pytest.approx(39.7, abs=0.05), pytest.approx(82.0, abs=0.05))
    target = mission(p)
    assert target.probability == pytest.approx(0.007, abs=0.001) and target.likelihood == "very unlikely"
    assert p.fan[0].t == pytest.approx(2023.5) and p.fan[-1].t == pytest.approx(2030.5)
    assert p.fan[-1].lo95 == pytest.approx(36.4, abs=0.05)


def test_required_pace_vector(engine: Engine) -> None:
    # the worked values of the statistical spec: 60% (2023) → 90% by 2030 needs 4.29 pp a year.
    p = project_metric(make_dataset({("ks2", ASHBY): KS2}), engine, ASHBY, "ks2", transform="identity")
    target = mission(p)
    assert target.required_per_year == pytest.approx(30 / 7, abs=0.005)
    assert target.achieved_per_year == pytest.approx(p.slope)  # identity: the line's pace is its slope
    assert target.pace == "insufficient progress"  # ρ = 0.30/4.29 = 0.07
    assert "Needs +4.29 pp a year; the trend gives +0.30 pp a year (insufficient progress)." in target.text


def test_engine_target_is_offered_too(engine: Engine) -> None:
    p = project_metric(make_dataset({("ks2", ASHBY): KS2}), engine, ASHBY, "ks2")
    assert [o.label for o in p.targets] == ["Target (upper quartile)", "Mission target"]
    assert p.targets[0].value == pytest.approx(65.0)


def test_too_few_points_and_the_relaxed_mode(engine: Engine) -> None:
    ds = make_dataset({("ks2", ASHBY): {2020: 60.0, 2021: 61.0, 2022: 62.0, 2023: 63.0}})
    p = project_metric(ds, engine, ASHBY, "ks2")
    assert p.status == "not enough data" and p.point is None and p.targets == ()
    assert p.reason.startswith("Not enough data to project: 4 comparable points over 3.0 years")
    relaxed = project_metric(ds, engine, ASHBY, "ks2", relaxed=True)
    # Three years of data never reach 2030: the span rule still holds in the relaxed mode.
    assert relaxed.status == "beyond the fitted span" and relaxed.relaxed
    assert relaxed.limit_t == pytest.approx(2023.5 + 3.0) and relaxed.fan[-1].t == pytest.approx(2026.5)


def test_relaxed_mode_is_labelled(engine: Engine) -> None:
    ds = make_dataset({("ks2", ASHBY): {2014: 50.0, 2019: 55.0, 2024: 60.0}})
    p = project_metric(ds, engine, ASHBY, "ks2", relaxed=True)
    assert p.status == "projected" and p.n == 3 and p.notes[0] == RELAXED_LABEL
    assert project_metric(ds, engine, ASHBY, "ks2").status == "not enough data"


def test_never_beyond_the_fitted_span(engine: Engine) -> None:
    ds = make_dataset({("ks2", ASHBY): {2019: 60.0, 2020: 61.0, 2021: 62.0, 2022: 62.0, 2023: 63.0, 2024: 64.0}})
    p = project_metric(ds, engine, ASHBY, "ks2")  # span 5 years, 2030 is 6 years past the last point
    assert p.status == "beyond the fitted span" and p.point is None and p.slope is not None
    assert "never project further ahead" in p.reason


def test_disrupted_periods_are_left_out(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(history.SERIES_NOTES, "ks2", SeriesNotes(disrupted=("2022-01-01/P1Y",), disrupted_note="x"))
    p = project_metric(make_dataset({("ks2", ASHBY): KS2}), engine, ASHBY, "ks2")
    assert p.n == 5 and "2022-01-01/P1Y" not in dict(p.points)


def test_no_history_says_so(engine: Engine) -> None:
    p = project_metric(make_dataset({}), engine, ASHBY, "ks2")
    assert p.status == "no history" and p.reason.startswith("No history to project.")


def test_money_is_fitted_on_logs(engine: Engine) -> None:
    pay = {2015 + i: 500.0 * 1.03**i for i in range(10)}  # 3% a year, exactly
    p = project_metric(make_dataset({("pay", ASHBY): pay}), engine, ASHBY, "pay")
    assert p.transform == "log" and p.slope == pytest.approx(np.log(1.03))
    assert p.point == pytest.approx(500.0 * 1.03**15.0)


@pytest.mark.parametrize(("p", "text"), [(0.004, "under 1%"), (0.08, "8%"), (0.996, "over 99%"), (float("nan"), "cannot be calculated")])
def test_format_chance(p: float, text: str) -> None:
    assert format_chance(p) == text
