"""Progress since a baseline, per metric and per mission (methodology §7–5.4): hindsight before foresight.

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

from lupcore import stats
from lupcore.data import Baseline, Dataset, History, choose_baseline, load_history, trend_note
from lupcore.foresight import _trends as trends
from lupcore.foresight._gaps import GapChange, as_float, format_amount, gaps_since, se_of
from lupcore.format import format_number
from lupcore.model import IndicatorMeta, Mission, Rag
from lupcore.periods import parse_period
from lupcore.scoring import RAG_BY_CODE, Engine, score_rows

IMPROVING, WORSENING, NO_CLEAR = "improving", "worsening", "no clear change"



@dataclass(frozen=True, slots=True)
class MetricProgress:
    """One metric since its baseline: change, direction, gaps, trend marker, RAG and red-red flag."""

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
    trend: str  # oriented recent-trend marker (methodology §7)
    rag: Rag
    red_red: bool
    notes: tuple[str, ...]
    text: str


def _judge(meta: IndicatorMeta, base: Baseline, last: pd.Series) -> tuple[str, str]:
    """Direction (with polarity) and how sure we are, for the change from ``base`` to ``last``."""
    x0, x1 = float(base.value), float(last["value"])  # type: ignore[arg-type]
    se0, se1 = se_of(base.lci95, base.uci95), se_of(as_float(last["lci95"]), as_float(last["uci95"]))
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
    """Rolling multi-year periods that share years are not independent (methodology §7)."""
    pa, pb = parse_period(a), parse_period(b)
    return pa.start <= pb.end and pb.start <= pa.end and a != b


def _change_text(meta: IndicatorMeta, direction: str, change: float, since: str, qualifier: str) -> str:
    """"Improving: up 4.2 pp since 2018/19 (statistically clear)"."""
    if change == 0:
        return f"No change since {since}."
    word = "up" if change > 0 else "down"
    amount = format_amount(meta, change)
    head = direction[:1].upper() + direction[1:]
    if direction in ("increased", "decreased"):
        head = "Changed"
    return f"{head}: {word} {amount} since {since} ({qualifier})."



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
        text = (trend_note(meta) or f"Only one period ({base.label}), so no change can be measured yet."
                if len(history.points) == 1 else
                f"The latest value is from the baseline period ({base.label}), so there is no change to measure.")
        return _empty(history, base, rag, "one period only", text)
    direction, significance = _judge(meta, base, last)
    change = float(last["value"]) - float(base.value)  # type: ignore[arg-type]
    national, target = gaps_since(dataset, engine, meta, base, last)
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
    """Every metric's progress for one area, each scored mission's summary, and the red-reds."""

    area_code: str
    metrics: tuple[MetricProgress, ...]
    missions: tuple[MissionProgress, ...]
    red_reds: tuple[str, ...]

    def metric(self, indicator_id: str) -> MetricProgress:
        """The progress of one metric (``StopIteration`` if the area has no such metric)."""
        return next(m for m in self.metrics if m.meta.id == indicator_id)


def _mission_scores(engine: Engine, row: int, metrics: tuple[MetricProgress, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Mission scores from baseline values and from latest values, over metrics that have both.

    Goalposts are the engine's (fixed, methodology §5), so the two are on the same scale.
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


def _mission_progress(number: int, title: str, own: list[MetricProgress], scores: np.ndarray,
                      compared: int) -> MissionProgress:
    """One mission's metrics grouped by direction, with its score at baseline and now (``scores``)."""
    def labelled(direction: str) -> tuple[str, ...]:
        return tuple(m.meta.label for m in own if m.direction == direction)

    improving, worsening, unclear = labelled(IMPROVING), labelled(WORSENING), labelled(NO_CLEAR)
    quiet = tuple(m.meta.label for m in own if m.change is None)
    reds = tuple(m.meta.label for m in own if m.red_red)
    then, now = as_float(scores[0]), as_float(scores[1])
    groups = {"improving": improving, "worsening": worsening, "with no clear change": unclear,
              "without a change to measure": quiet}
    text = _mission_text(title, groups, reds, then, now, compared)
    return MissionProgress(number, title, improving, worsening, unclear, quiet, reds, then, now, compared, text)


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
        title = names[number].title if number in names else f"Mission {number}"
        out.append(_mission_progress(number, title, own, scores[:, number - 1], int(compared[number - 1])))
    red_reds = tuple(m.meta.label for m in metrics if m.red_red)
    return AreaProgress(area_code, metrics, tuple(out), red_reds)


def progress_frame(progress: AreaProgress, scored_only: bool = True) -> pd.DataFrame:
    """The progress table the exports print: one row per metric since its baseline (compact columns)."""
    rows = [m for m in progress.metrics if m.meta.scorable or m.meta.local or not scored_only]
    return pd.DataFrame({
        "Metric": [m.meta.shown_label for m in rows],
        "Change since baseline": [m.text for m in rows],
        "Gap to target": [m.target_gap.status if m.target_gap else "–" for m in rows],
        "Worse since baseline": ["yes" if m.red_red else "" for m in rows],
    })
