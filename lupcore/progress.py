"""Progress since a baseline, per metric and per mission (methods §5.1–5.4): hindsight before foresight.

For each metric: the change since the baseline, judged with polarity and tested where CIs exist;
the gap to the national value and to the target, and whether it is closing; the Fingertips
recent-trend marker; and a red-red flag (red now and getting worse). Breaks, gaps and boundary
caveats come from :mod:`lupcore.history` and travel with every result as plain-English notes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lupcore import stats, trends
from lupcore.dataset import Dataset
from lupcore.format import format_change, format_number
from lupcore.history import Baseline, History, choose_baseline, load_history, national_code
from lupcore.model import IndicatorMeta, Mission, Rag
from lupcore.periods import parse_period
from lupcore.rag import RAG_BY_CODE
from lupcore.rescore import score_rows
from lupcore.scorecard import Engine

IMPROVING, WORSENING, NO_CLEAR = "improving", "worsening", "no clear change"


@dataclass(frozen=True, slots=True)
class GapChange:
    """Gap to a benchmark, oriented so positive means behind (methods §5.4.1)."""

    against: str  # "England value", "target (upper quartile)"
    gap_baseline: float | None
    gap_now: float | None
    status: str  # closing, widening, no clear change, closed, ahead, fallen behind, unknown
    closure: float | None  # share of the baseline gap closed, when behind at baseline
    text: str


@dataclass(frozen=True, slots=True)
class MetricProgress:
    meta: IndicatorMeta
    area_code: str
    source_area: str
    baseline: Baseline
    latest_period: str | None
    latest_value: float | None
    change: float | None
    direction: str  # improving / worsening / no clear change / increased / decreased / one period only / no history
    significance: str  # statistically clear / not statistically clear / no confidence interval / indicative (...)
    national_gap: GapChange | None
    target_gap: GapChange | None
    trend: str  # oriented recent-trend marker (methods §5.3)
    rag: Rag
    red_red: bool
    notes: tuple[str, ...]
    text: str


def _num(x: object) -> float | None:
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def _se(lci: float | None, uci: float | None) -> float:
    return float(stats.se_from_ci(lci, uci)) if lci is not None and uci is not None else math.nan


def _judge(meta: IndicatorMeta, base: Baseline, last: pd.Series) -> tuple[str, str]:
    """Direction (with polarity) and how sure we are, for the change from ``base`` to ``last``."""
    x0, x1 = float(base.value), float(last["value"])  # type: ignore[arg-type]
    se0, se1 = _se(base.lci95, base.uci95), _se(_num(last["lci95"]), _num(last["uci95"]))
    tested = not (math.isnan(se0) or math.isnan(se1))
    raw = float(stats.significant_change(x0, se0 if tested else 0.0, x1, se1 if tested else 0.0))
    if int(meta.polarity) == 0:
        direction = "increased" if x1 > x0 else "decreased" if x1 < x0 else NO_CLEAR
    else:
        oriented = raw * int(meta.polarity)
        direction = IMPROVING if oriented > 0 else WORSENING if oriented < 0 else NO_CLEAR
    if base.period and _overlap(base.period, str(last["period"])):
        return direction, "indicative: the two periods overlap"
    if not tested:
        return direction, "no confidence interval, so not tested"
    return direction, "statistically clear" if raw != 0 else "not statistically clear"


def _overlap(a: str, b: str) -> bool:
    """Rolling multi-year periods that share years are not independent (methods §5.2.2)."""
    pa, pb = parse_period(a), parse_period(b)
    return pa.start <= pb.end and pb.start <= pa.end and a != b


def _change_text(meta: IndicatorMeta, direction: str, change: float, since: str, qualifier: str) -> str:
    """"Improving: up 4.2 pp since 2018/19 (statistically clear)"."""
    if change == 0:
        return f"No change since {since}."
    word = "up" if change > 0 else "down"
    amount = _amount(meta, change)
    head = direction[:1].upper() + direction[1:]
    if direction in ("increased", "decreased"):
        head = "Changed"
    return f"{head}: {word} {amount} since {since} ({qualifier})."


def _amount(meta: IndicatorMeta, delta: float) -> str:
    """Unsigned size of a change in the metric's unit; "less than 0.1 pp" rather than "0.0 pp"."""
    text = format_change(abs(delta), meta).lstrip("+")
    if abs(delta) > 0 and not any(ch in "123456789" for ch in text.split(" ")[0]):
        smallest = format_change(10.0 ** -meta.decimals, meta).lstrip("+")
        return f"less than {smallest}"
    return text


def gap_change(meta: IndicatorMeta, against: str, x0: float, x1: float, b0: float | None, b1: float | None,
               se_change: float, since: str) -> GapChange:
    """Classify a gap's movement; ``se_change`` is the SE of the area's change (NaN: no test)."""
    if b0 is None or b1 is None:
        return GapChange(against, None, None, "unknown", None, f"No {against} for both periods, so the gap cannot be followed.")
    p = int(meta.polarity)
    g0, g1 = p * (b0 - x0), p * (b1 - x1)
    closure = (g0 - g1) / g0 if g0 > 0 else None
    if g0 > 0 and g1 <= 0:
        status = "closed"
    elif g0 > 0:
        moved = abs(g1 - g0) > stats.Z95 * se_change if se_change > 0 else g1 != g0
        status = ("closing" if g1 < g0 else "widening") if moved else NO_CLEAR
    else:
        status = "ahead" if g1 <= 0 else "fallen behind"
    now, was = _amount(meta, g1), _amount(meta, g0)
    side_now, side_was = ("behind" if g1 > 0 else "ahead"), ("behind" if g0 > 0 else "ahead")
    text = f"Against the {against}: {now} {side_now} (baseline {since}: {was} {side_was}); {status}."
    return GapChange(against, g0, g1, status, closure, text)


def _benchmark_at(dataset: Dataset, meta: IndicatorMeta, period: str) -> float | None:
    rows = dataset.series(meta.id, national_code(meta))
    hit = rows[rows["period"] == period]["value"]
    return _num(hit.iloc[0]) if len(hit) else None


_NATION_NAMES = {"E92000001": "England", "W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland",
                 "K04000001": "England and Wales", "K03000001": "Great Britain", "K02000001": "United Kingdom"}


def _gaps(dataset: Dataset, engine: Engine, meta: IndicatorMeta, base: Baseline,
          last: pd.Series) -> tuple[GapChange | None, GapChange | None]:
    """Gap to the national value (at both periods) and to the engine's target (held at today's value)."""
    x0, x1 = float(base.value), float(last["value"])  # type: ignore[arg-type]
    se = math.hypot(_se(base.lci95, base.uci95), _se(_num(last["lci95"]), _num(last["uci95"])))
    since = base.label
    if int(meta.polarity) == 0:
        return None, None  # context metrics carry no judgement, so no gap either
    if meta.local:
        national = None
    else:
        name = _NATION_NAMES.get(national_code(meta), "national")
        national = gap_change(meta, f"{name} value", x0, x1, _benchmark_at(dataset, meta, str(base.period)),
                              _benchmark_at(dataset, meta, str(last["period"])), se, since)
    try:
        j = engine.panel.column(meta.id)
    except KeyError:
        return national, None
    target = _num(engine.benchmarks.target[j])
    label = f"target ({engine.benchmarks.target_label[j].lower()})"
    return national, gap_change(meta, label, x0, x1, target, target, se, since)


def _status(engine: Engine, area_code: str, indicator_id: str) -> Rag:
    try:
        return RAG_BY_CODE[int(engine.rag[engine.panel.position(area_code), engine.panel.column(indicator_id)])]
    except KeyError:
        return Rag.GREY


def _trend(history: History) -> str:
    pts = history.points
    marker = trends.recent_trend_marker(pts["value"].to_numpy(), pts["lci95"].to_numpy(), pts["uci95"].to_numpy())
    return trends.orient_marker(marker, int(history.meta.polarity))


def _empty(history: History, base: Baseline, rag: Rag, direction: str, text: str) -> MetricProgress:
    pts = history.points
    last_period = str(pts["period"].iloc[-1]) if len(pts) else None
    last_value = float(pts["value"].iloc[-1]) if len(pts) else None
    return MetricProgress(history.meta, history.area_code, history.source_area, base, last_period, last_value, None,
                          direction, "", None, None, "cannot be calculated", rag, False, history.notes, text)


def metric_progress(dataset: Dataset, engine: Engine, area_code: str, indicator_id: str,
                    baseline_period: str | None = None, extra: pd.DataFrame | None = None) -> MetricProgress:
    """Progress of one metric for one area since its baseline.

    Parameters
    ----------
    engine : Engine
        Supplies today's RAG and target (held fixed when following the target gap).
    baseline_period : str, optional
        A period label chosen by the user; without a value here the default applies (with a note).
    extra : DataFrame, optional
        Observations for local metrics (columns as ``Dataset.observations``).

    Direction uses polarity; significance uses ``|Δ|/sqrt(SE₀²+SE₁²) > 1.96`` where both periods
    have a CI, and is labelled "not tested" otherwise. Missing values are never filled.
    """
    meta = _meta(dataset, engine, indicator_id)
    history = load_history(dataset, meta, area_code, extra)
    base = choose_baseline(history, baseline_period)
    rag = _status(engine, area_code, indicator_id)
    if history.empty:
        return _empty(history, base, rag, "no history", " ".join(("No history.", *history.notes[-1:])))
    last = history.points.iloc[-1]
    if str(last["period"]) == base.period:
        text = (f"Only one period ({base.label}), so no change can be measured yet." if len(history.points) == 1 else
                f"The latest value is from the baseline period ({base.label}), so there is no change to measure.")
        return _empty(history, base, rag, "one period only", text)
    direction, significance = _judge(meta, base, last)
    change = float(last["value"]) - float(base.value)  # type: ignore[arg-type]
    national, target = _gaps(dataset, engine, meta, base, last)
    trend = _trend(history)
    red_red = rag == Rag.RED and WORSENING in (direction, trend)
    notes = tuple(n for n in (base.note, *history.notes) if n)
    text = _change_text(meta, direction, change, base.label, significance)
    return MetricProgress(meta, area_code, history.source_area, base, str(last["period"]), float(last["value"]), change,
                          direction, significance, national, target, trend, rag, red_red, notes, text)


def _meta(dataset: Dataset, engine: Engine, indicator_id: str) -> IndicatorMeta:
    try:
        return engine.panel.indicators[engine.panel.column(indicator_id)]
    except KeyError:
        return dataset.indicators[indicator_id]


@dataclass(frozen=True, slots=True)
class MissionProgress:
    """One mission's metrics grouped by direction since baseline, and its score then and now."""

    mission: int
    title: str
    improving: tuple[str, ...]
    worsening: tuple[str, ...]
    no_clear_change: tuple[str, ...]
    no_history: tuple[str, ...]
    red_reds: tuple[str, ...]
    score_baseline: float | None  # on the metrics with both a baseline and a later value
    score_latest: float | None
    compared_on: int
    text: str


@dataclass(frozen=True, slots=True)
class AreaProgress:
    area_code: str
    metrics: tuple[MetricProgress, ...]
    missions: tuple[MissionProgress, ...]
    red_reds: tuple[str, ...]

    def metric(self, indicator_id: str) -> MetricProgress:
        return next(m for m in self.metrics if m.meta.id == indicator_id)


def _mission_scores(engine: Engine, row: int, metrics: tuple[MetricProgress, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Mission scores from baseline values and from latest values, over metrics that have both.

    Goalposts are the engine's (fixed, methods §3.5.3), so the two are on the same scale.
    """
    values = np.full((2, len(engine.panel.indicators)), np.nan)
    for m in metrics:
        if m.change is not None:
            j = engine.panel.column(m.meta.id)
            values[:, j] = (m.baseline.value, m.latest_value)
    both = ~np.isnan(values[0])
    scores = score_rows(engine, row, values).mission
    return scores, (both[:, None] & (engine.scores.weights[:, None] > 0) & _members(engine)).sum(axis=0)


def _members(engine: Engine) -> np.ndarray:
    member = np.zeros((len(engine.panel.indicators), 12), dtype=bool)
    for j, meta in enumerate(engine.panel.indicators):
        if meta.mission is not None:
            member[j, meta.mission - 1] = True
    return member


def _mission_text(title: str, groups: dict[str, tuple[str, ...]], reds: tuple[str, ...], then: float | None,
                  now: float | None, compared: int) -> str:
    counts = ", ".join(f"{len(v)} {k}" for k, v in groups.items() if v) or "no metrics"
    text = f"{title}: {counts}."
    if reds:
        text += f" Red and getting worse: {', '.join(reds)}."
    if then is not None and now is not None:
        text += (f" Mission score {format_number(then)} → {format_number(now)} on the {compared} "
                 f"metric{'s' if compared != 1 else ''} with a baseline (goalposts held fixed).")
    else:
        text += " Too few metrics have a baseline to compare the mission score."
    return text


def area_progress(dataset: Dataset, engine: Engine, area_code: str, baselines: tuple[tuple[str, str], ...] = (),
                  extra: pd.DataFrame | None = None, missions: Mapping[int, Mission] | None = None) -> AreaProgress:
    """Progress of every metric the area has in ``engine``'s panel, and each scored mission's summary.

    ``baselines`` are ``ViewState.baseline`` pairs (indicator id, period label); other metrics use
    the default baseline. Red-reds are metrics red now and worsening since baseline or in trend.
    """
    panel, row = engine.panel, engine.panel.position(area_code)
    cover = panel.covers()[row]
    chosen = dict(baselines)
    metrics = tuple(metric_progress(dataset, engine, area_code, m.id, chosen.get(m.id), extra)
                    for j, m in enumerate(panel.indicators) if cover[j])
    scores, compared = _mission_scores(engine, row, metrics)
    names = missions if missions is not None else dict(dataset.missions)
    out = []
    for number in sorted({m.meta.mission for m in metrics if m.meta.mission is not None}):
        own = [m for m in metrics if m.meta.mission == number and engine.scores.weights[panel.column(m.meta.id)] > 0]
        if not own:
            continue
        groups = {label: tuple(m.meta.label for m in own if m.direction == key) for key, label in
                  ((IMPROVING, "improving"), (WORSENING, "worsening"), (NO_CLEAR, "with no clear change"))}
        quiet = tuple(m.meta.label for m in own if m.change is None)
        reds = tuple(m.meta.label for m in own if m.red_red)
        title = names[number].title if number in names else f"Mission {number}"
        then, now = _num(scores[0, number - 1]), _num(scores[1, number - 1])
        text = _mission_text(title, {**groups, "without a change to measure": quiet}, reds, then, now,
                             int(compared[number - 1]))
        out.append(MissionProgress(number, title, *groups.values(), quiet, reds, then, now,
                                   int(compared[number - 1]), text))
    red_reds = tuple(m.meta.label for m in metrics if m.red_red)
    return AreaProgress(area_code, metrics, tuple(out), red_reds)
