"""Cached progress, projections, scenarios and rank intervals for the current view.

Each is computed once per process for a given view (settings, peers, local metrics, area) and
shared read-only; keys are small strings, the engine rides along unhashed.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from lupcore import (
    AreaProgress,
    Assembly,
    Engine,
    Projection,
    RankEnsemble,
    RankInterval,
    Requirement,
    Scenario,
    ScenarioResult,
    apply_scenario,
    area_progress,
    people_bases,
    project_metric,
    required_for_green,
    required_for_rank,
    simulate,
)
from lupui import background, cache


def view_key(now: Assembly) -> tuple[str, str, str, tuple[str, ...]]:
    """(tier, local metrics, settings, peers): what makes one engine different from another."""
    return now.view_key()


@st.cache_resource(show_spinner="Comparing every metric with its baseline…", max_entries=256)
def _progress(key: tuple, area: str, baselines: tuple[tuple[str, str], ...], _engine: Engine,
              _extra: object) -> AreaProgress:
    ds = cache.dataset()
    return area_progress(ds, _engine, area, baselines, extra=_extra, missions=ds.missions)


def progress(now: Assembly, area: str, baselines: tuple[tuple[str, str], ...], extra: object = None) -> AreaProgress:
    return _progress(view_key(now), area, baselines, now.engine, extra)


@st.cache_resource(show_spinner=False, max_entries=1024)
def _projection(key: tuple, area: str, indicator_id: str, relaxed: bool, baseline: str | None,
                _engine: Engine, _extra: object) -> Projection:
    return project_metric(cache.dataset(), _engine, area, indicator_id, relaxed=relaxed, baseline_period=baseline,
                          extra=_extra)


def projection(now: Assembly, area: str, indicator_id: str, relaxed: bool, baseline: str | None,
               extra: object = None) -> Projection:
    """One metric projected to 2030; ``extra`` carries the session's local metrics (their own history)."""
    return _projection(view_key(now), area, indicator_id, relaxed, baseline, now.engine, extra)


ENSEMBLE_LABEL = "Estimating rank uncertainty (1,000 runs over weights, methods and data)…"


def _ensemble(now: Assembly) -> RankEnsemble:
    """The 1,000 runs of the view (about 5 MB each, so only a few views are kept; recomputed when evicted)."""
    engine = now.engine
    return background.cached("ensembles", 8, view_key(now), lambda report: simulate(engine, on_progress=report),
                             ENSEMBLE_LABEL)


def intervals(now: Assembly) -> dict[str, RankInterval]:
    """5th–95th percentile rank intervals for every area of the view (about half a second, once per view)."""
    return background.memo("intervals", 64, view_key(now), lambda: _ensemble(now).intervals())


def peer_interval(now: Assembly, area: str, nominal: int | None, of: int) -> RankInterval | None:
    """The area's rank among its peers over the same runs: "3rd (2nd–6th)"."""
    return background.memo("peer_intervals", 256, (view_key(now), area),
                           lambda: _ensemble(now).peer_interval(area, now.engine.peer_codes, nominal, of))


@st.cache_resource(show_spinner=False, max_entries=512)
def bases(area: str) -> dict[str, float]:
    """Population denominators (16–64, 0–15, all ages) for expressing changes in people."""
    return people_bases(cache.dataset(), area)


@st.cache_resource(show_spinner=False, max_entries=512)
def _scenario(key: tuple, area: str, scenario: Scenario, _engine: Engine) -> ScenarioResult:
    return apply_scenario(_engine, area, scenario, _engine.peer_codes, bases(area))


def scenario_result(now: Assembly, area: str, scenario: Scenario) -> ScenarioResult:
    return _scenario(view_key(now), area, scenario, now.engine)


def scenario_intervals(now: Assembly, area: str, scenario: Scenario) -> tuple[RankInterval, RankInterval | None]:
    """The area's rank range, overall and among its peers, with the scenario applied (1,000 runs, once)."""
    key, engine = view_key(now), now.engine
    result = _scenario(key, area, scenario, engine)

    def work(report: Callable[[float], None]) -> tuple[RankInterval, RankInterval | None]:
        ensemble = simulate(engine, values=result.values, on_progress=report)
        after = result.after
        return ensemble.intervals()[area], ensemble.peer_interval(area, engine.peer_codes, after.peer_rank, after.peer_of)

    return background.cached("scenario_intervals", 128, (key, area, scenario), work,
                             "Estimating the scenario's rank uncertainty (1,000 runs)…")


@st.cache_resource(show_spinner=False, max_entries=512)
def _requirement(key: tuple, area: str, indicator_id: str, places: int, _engine: Engine) -> Requirement:
    if places <= 0:
        return required_for_green(_engine, area, indicator_id, bases(area))
    return required_for_rank(_engine, area, indicator_id, places, _engine.peer_codes, bases(area))


def requirement(now: Assembly, area: str, indicator_id: str, places: int = 0) -> Requirement:
    """What it would take in one metric: turn its mission green (``places=0``) or move up ``places``."""
    return _requirement(view_key(now), area, indicator_id, places, now.engine)
