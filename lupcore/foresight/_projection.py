"""Projection of one metric to 2030 with honest uncertainty (methodology §8, §6.3.1).

A thin, area-aware layer over :mod:`lupcore.trends`: it picks the comparable points (no series
breaks, no disrupted periods, gaps left as gaps), fits the trend on the metric's own scale
(logit for percentages, log for money), and refuses to project when there are too few points
or when 2030 lies further ahead than the data reach back. Every number comes with its band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lupcore.data import Dataset, History, choose_baseline, horizon_period, load_history, trend_note
from lupcore.foresight import _outlook as outlook, _trends as trends
from lupcore.format import format_change, format_value
from lupcore.model import IndicatorMeta
from lupcore.periods import display_label
from lupcore.scoring import Engine

MIN_POINTS, MIN_SPAN = 5, 5.0  # methodology §8
RELAXED_POINTS, RELAXED_SPAN = 3, 2.0  # the clearly labelled relaxed mode
RELAXED_LABEL = "Relaxed mode: fitted on fewer points than our standard of 5 over 5 years, so treat it as indicative only."


@dataclass(frozen=True, slots=True)
class TargetOutlook:
    """Chance of reaching one target by the horizon, and the pace needed against the pace achieved."""

    label: str
    value: float
    probability: float | None
    likelihood: str
    required_per_year: float | None  # indicator units a year, signed
    achieved_per_year: float | None  # the fitted line's average pace to the horizon, same units
    pace: str  # on track / moderate progress / insufficient progress / moving away / target met
    not_informative: bool
    text: str


@dataclass(frozen=True, slots=True)
class FanPoint:
    """One time on the fan chart: the trend point with its 80% and 95% prediction bands."""

    t: float
    point: float
    lo95: float
    hi95: float
    lo80: float
    hi80: float


@dataclass(frozen=True, slots=True)
class Projection:
    """A metric's trend projected to the horizon, or the reason there is none (``status``, ``reason``)."""

    meta: IndicatorMeta
    area_code: str
    status: str  # projected / not enough data / no history / beyond the fitted span
    reason: str
    relaxed: bool
    transform: str
    n: int
    points: tuple[tuple[str, float], ...]  # (period, value) used in the fit, oldest first
    slope: float | None  # per year, on the fitting scale
    intercept: float | None  # fitting scale at t = 0
    horizon_period: str
    horizon_t: float | None
    point: float | None
    pi95: tuple[float, float] | None
    pi80: tuple[float, float] | None
    ci95: tuple[float, float] | None  # the trend line's own confidence band
    limit_t: float | None  # furthest time the trend may be carried to
    targets: tuple[TargetOutlook, ...]
    fan: tuple[FanPoint, ...]
    notes: tuple[str, ...]
    text: str

    @property
    def horizon_label(self) -> str:
        """The horizon period as a reader knows it: 2029/30, 2030, 2028-2030."""
        return display_label(self.horizon_period) if self.horizon_period else ""


def _targets(engine: Engine, meta: IndicatorMeta) -> list[tuple[str, float]]:
    """The engine's target and, where the White Paper gives one, the mission's own number."""
    out: list[tuple[str, float]] = []
    try:
        j = engine.panel.column(meta.id)
        value = float(engine.benchmarks.target[j])
        if not math.isnan(value):
            out.append((f"Target ({engine.benchmarks.target_label[j].lower()})", value))
    except KeyError:
        pass
    if meta.mission_target is not None and all(v != meta.mission_target for _, v in out):
        out.append(("Mission target", float(meta.mission_target)))
    return out


def _outlook(fit: trends.TrendFit, meta: IndicatorMeta, label: str, target: float, now: pd.Series,
             t0: float, pred: trends.Prediction, baseline: float | None, horizon: str) -> TargetOutlook:
    polarity = int(meta.polarity)
    x_now, t_now = float(now["value"]), float(now["t"])
    p = float(outlook.probability_of_reaching(fit, t0, target, polarity))
    need = outlook.required_pace(x_now, t_now, target, horizon=t0, transform=fit.transform)
    met = polarity * (x_now - target) >= 0
    pace = outlook.pace_class(fit.slope, need.per_year_g, met)
    line = trends.predict(fit, np.array([t_now, t0]))
    ends = np.asarray(line.point, dtype=float)
    achieved = float((ends[1] - ends[0]) / (t0 - t_now)) if t0 > t_now else math.nan
    flat = bool(outlook.not_informative(pred.pi_low, pred.pi_high, target, math.nan if baseline is None else baseline))
    finer = replace(meta, decimals=min(meta.decimals + 1, 4))  # paces are small: one more decimal
    text = (f"{label}, {format_value(target, meta)}, by {horizon}: {outlook.likelihood_label(p)} ({format_chance(p)}). "
            + ("Already met at the latest value." if met else
               f"Needs {format_change(need.per_year, finer)} a year; the trend gives "
               f"{format_change(achieved, finer)} a year ({pace})."))
    if flat:
        text += " Not informative: the 95% range covers both the target and the baseline."
    return TargetOutlook(label, target, p, outlook.likelihood_label(p), need.per_year, achieved, pace, flat, text)


def format_chance(p: float | None) -> str:
    """A probability as a reader takes it: "8%", "under 1%", "over 99%"."""
    if p is None or math.isnan(p):
        return "cannot be calculated"
    if p < 0.005:
        return "under 1%"
    return "over 99%" if p > 0.995 else f"{p:.0%}"


def _fan(fit: trends.TrendFit, end: float) -> tuple[FanPoint, ...]:
    """Yearly points of the 80% and 95% bands from the last observation to ``end``."""
    steps = max(2, int(math.ceil(end - fit.t_max)) + 1)
    t = np.linspace(fit.t_max, end, steps)
    p95, p80 = trends.predict(fit, t, 0.95), trends.predict(fit, t, 0.80)
    columns = np.column_stack([t, *(np.asarray(a, dtype=float) for a in
                                    (p95.point, p95.pi_low, p95.pi_high, p80.pi_low, p80.pi_high))])
    return tuple(FanPoint(*map(float, row)) for row in columns)


def _short(meta: IndicatorMeta, area_code: str, status: str, reason: str, history: History, relaxed: bool,
           transform: str, fit: trends.TrendFit | None = None, limit: float | None = None) -> Projection:
    used = history.fit_points()
    points = tuple((str(p), float(v)) for p, v in zip(used["period"], used["value"], strict=True))
    fan = _fan(fit, limit) if fit is not None and limit is not None else ()
    return Projection(meta, area_code, status, reason, relaxed, transform, fit.n if fit else len(points),
                      points[-fit.n:] if fit else points, fit.slope if fit else None, fit.intercept if fit else None,
                      "", None, None, None, None, None, limit, (), fan, history.notes, reason)


def _used(history: History, transform: trends.Transform, max_points: int = 10) -> pd.DataFrame:
    """The points a fit will use: comparable, not disrupted, defined on the fitting scale, latest ten."""
    pts = history.fit_points()
    ok = np.isfinite(transform.forward(pts["value"].to_numpy(dtype=float)))
    return pts[ok].tail(max_points)


def _too_few(n: int, span: float, relaxed: bool) -> str:
    need = (f"at least {RELAXED_POINTS} points in the relaxed mode" if relaxed else
            f"at least {MIN_POINTS} points spanning {MIN_SPAN:.0f} years")
    text = f"Not enough data to project: {n} comparable point{'s' if n != 1 else ''}"
    text += f" over {span:.1f} years" if n > 1 else ""
    text += f"; a projection needs {need}."
    if not relaxed and n >= RELAXED_POINTS:
        text += " The relaxed mode can fit fewer points, clearly labelled as indicative."
    return text


def project_metric(dataset: Dataset, engine: Engine, area_code: str, indicator_id: str, *,
                   horizon_year: int = 2030, relaxed: bool = False, transform: str | None = None,
                   baseline_period: str | None = None, extra: pd.DataFrame | None = None) -> Projection:
    """Project one metric for one area to the period ending in ``horizon_year``.

    Parameters
    ----------
    engine : Engine
        Supplies the target (the mission's own number is added where the registry has one).
    relaxed : bool
        Fit on 3+ points over 2+ years instead of 5 over 5; the result says so in ``notes``.
    transform : str, optional
        ``'identity'``, ``'logit'`` or ``'log'``; default by value type (methodology §8).
    baseline_period, extra
        As for :func:`lupcore.progress.metric_progress` (the baseline feeds the "not informative" flag).

    Returns a ``Projection`` whose ``status`` is ``'projected'`` or says why not: ``'no history'``,
    ``'not enough data'`` or ``'beyond the fitted span'`` (never extrapolated further ahead than
    the fitted points reach back). Levels are in the metric's units; slopes on the fitting scale.
    """
    meta = engine.panel.indicators[engine.panel.column(indicator_id)] if indicator_id in engine.panel.ids \
        else dataset.indicators[indicator_id]
    history = load_history(dataset, meta, area_code, extra)
    tr = trends.get_transform(transform) if transform else trends.transform_for(meta.value_type)
    if history.empty:
        return _short(meta, area_code, "no history", " ".join(("No history to project.", *history.notes[-1:])),
                      history, relaxed, tr.name)
    used = _used(history, tr)
    fit = trends.fit_trend(used["t"], used["value"], tr, min_points=RELAXED_POINTS if relaxed else MIN_POINTS,
                           min_span=RELAXED_SPAN if relaxed else MIN_SPAN)
    if fit is None:
        span = float(used["t"].max() - used["t"].min()) if len(used) else 0.0
        reason = trend_note(meta) or _too_few(len(used), span, relaxed)  # one published period: say so plainly
        return _short(meta, area_code, "not enough data", reason, history, relaxed, tr.name)
    label, t0 = horizon_period(history, horizon_year)
    limit = fit.t_max + (fit.t_max - fit.t_min)
    if not trends.extrapolation_ok(fit, t0):
        reason = (f"Not projected to {display_label(label)}: the trend covers {fit.t_max - fit.t_min:.1f} years of data, "
                  f"and we never project further ahead than that (to about {limit:.0f}).")
        return _short(meta, area_code, "beyond the fitted span", reason, history, relaxed, tr.name, fit, limit)
    return _projected(dataset, meta, area_code, history, fit, used, label, t0, relaxed, engine, baseline_period)


def _projected(dataset: Dataset, meta: IndicatorMeta, area_code: str, history: History, fit: trends.TrendFit,
               used: pd.DataFrame, label: str, t0: float, relaxed: bool, engine: Engine,
               baseline_period: str | None) -> Projection:
    p95, p80 = trends.predict(fit, t0, 0.95), trends.predict(fit, t0, 0.80)
    horizon = display_label(label)
    base = choose_baseline(history, baseline_period).value
    now = history.points.iloc[-1]
    outlooks = () if int(meta.polarity) == 0 else tuple(
        _outlook(fit, meta, name, value, now, t0, p95, base, horizon) for name, value in _targets(engine, meta))
    first, last = display_label(str(used["period"].iloc[0])), display_label(str(used["period"].iloc[-1]))
    text = (f"Projected {horizon}: {format_value(float(p95.point), meta)} (95% range {format_value(float(p95.pi_low), meta)}"
            f" to {format_value(float(p95.pi_high), meta)}), from {fit.n} points ({first} to {last}).")
    notes = (RELAXED_LABEL, *history.notes) if relaxed else history.notes
    points = tuple((str(p), float(v)) for p, v in zip(used["period"], used["value"], strict=True))
    return Projection(meta, area_code, "projected", "", relaxed, fit.transform, fit.n, points, fit.slope, fit.intercept,
                      label, t0, float(p95.point), (float(p95.pi_low), float(p95.pi_high)),
                      (float(p80.pi_low), float(p80.pi_high)), (float(p95.ci_low), float(p95.ci_high)),
                      fit.t_max + (fit.t_max - fit.t_min), outlooks, _fan(fit, t0), notes, text)
