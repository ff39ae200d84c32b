"""What-if scenarios: change one or many metrics for one area and see RAG, mission scores and rank move.

Methods §6.1–6.2. Benchmarks and goalposts stay as fitted on the published data and every other
area keeps its published values ("other areas held constant"), so a change moves only this area's
scores; ranks are then re-counted among all comparable areas and among the peers given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lupcore.data import status_polarity
from lupcore.foresight._changes import ScenarioError, new_value, people_text, valid_range
from lupcore.format import format_change, format_value, ordinal
from lupcore.model import Rag
from lupcore.scoring import RAG_BY_CODE, Engine, Scores, classify, classify_scores, peer_rank, rank_with, score_rows

HELD_CONSTANT = "Other areas held constant."


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named set of changes, in ``ViewState.scenarios`` form: ((indicator id, change), …)."""

    name: str
    changes: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class MetricChange:
    """One changed metric: old and new value, RAG and score, and the change in people where it applies."""

    indicator_id: str
    label: str
    change: str  # as typed: "72.5", "+5%", "-2", "target"
    old_value: float | None
    new_value: float
    old_rag: Rag
    new_rag: Rag
    old_score: float | None
    new_score: float | None
    people: float | None  # change expressed in people, where a population is the denominator
    text: str


@dataclass(frozen=True, slots=True)
class MissionStanding:
    """A mission's score (0–100) and RAG for one side of a scenario."""

    mission: int
    score: float | None
    rag: Rag


@dataclass(frozen=True, slots=True)
class Standing:
    """Overall score, RAG and ranks (all comparable areas, and peers) with each mission's score and RAG."""

    overall: float | None
    overall_rag: Rag
    rank: int | None
    rank_of: int
    peer_rank: int | None
    peer_of: int
    missions: tuple[MissionStanding, ...]

    def mission(self, number: int) -> MissionStanding | None:
        """The standing of mission ``number`` (None when it does not apply to the area)."""
        return next((m for m in self.missions if m.mission == number), None)


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """Before and after for one area under one scenario; ``values`` feeds the rank Monte Carlo."""

    scenario: Scenario
    area_code: str
    before: Standing
    after: Standing
    metrics: tuple[MetricChange, ...]
    notices: tuple[str, ...]
    rags: tuple[tuple[str, Rag, Rag], ...]  # every metric that applies to the area: (id, today, scenario)
    values: np.ndarray = field(repr=False)  # the whole panel's values with this area's changes
    caveat: str = HELD_CONSTANT


def scenarios_from_view(saved: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> tuple[Scenario, ...]:
    """``ViewState.scenarios`` as ``Scenario`` objects, in order (names are kept as saved)."""
    return tuple(Scenario(name, tuple(changes)) for name, changes in saved)



def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def standing(engine: Engine, row: int, scores: Scores, at: int, peer_codes: Sequence[str] = ()) -> Standing:
    """The area's standing from row ``at`` of ``scores`` (``engine.scores`` itself, or a re-scored copy)."""
    overall = float(scores.overall[at])
    rag = classify_scores(scores.overall[at:at + 1], scores.overall_at_minimum[at:at + 1],
                          scores.overall_at_target[at:at + 1])[0]
    rank, of = rank_with(engine, row, overall)
    p_rank, p_of = peer_rank(engine, row, overall, tuple(peer_codes))
    codes = classify_scores(scores.mission[at], scores.mission_at_minimum[at], scores.mission_at_target[at])
    missions = tuple(MissionStanding(m + 1, _num(scores.mission[at, m]), RAG_BY_CODE[int(codes[m])])
                     for m in range(scores.mission.shape[1]) if scores.mission_applicable[at, m] > 0)
    return Standing(_num(overall), RAG_BY_CODE[int(rag)], None if math.isnan(rank) else int(rank), of,
                    p_rank, p_of, missions)


def _apply(engine: Engine, row: int, changes: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int], list[str]]:
    """New value row (with CIs shifted by the change, methodology §9), changed columns, notices."""
    panel, bench = engine.panel, engine.benchmarks
    x, lo, hi = panel.values[row].copy(), panel.lci[row].copy(), panel.uci[row].copy()
    changed: list[int] = []
    notices: list[str] = []
    for indicator_id, change in changes:
        if indicator_id not in panel.ids:
            notices.append(f"“{indicator_id}” is not a metric in this comparison, so it was left out.")
            continue
        j = panel.column(indicator_id)
        meta = panel.indicators[j]
        try:
            wanted = new_value(change, float(x[j]), float(bench.minimum[j]), float(bench.target[j]))
        except ScenarioError as exc:
            notices.append(f"{meta.label}: {exc}")
            continue
        low, high = valid_range(meta, panel.reference[j])
        value = float(np.clip(wanted, low, high))
        if value != wanted:
            notices.append(f"{meta.label}: {format_value(wanted, meta)} is outside the possible range, so "
                           f"{format_value(value, meta)} is used.")
        if math.isnan(x[j]):
            notices.append(f"{meta.label}: this area has no published value; the scenario adds one.")
        lo[j], hi[j] = lo[j] + (value - x[j]), hi[j] + (value - x[j])
        x[j] = value
        changed += [] if j in changed else [j]
    return x, lo, hi, changed, notices


def apply_scenario(engine: Engine, area_code: str, scenario: Scenario, peer_codes: Sequence[str] = (),
                   bases: Mapping[str, float] | None = None) -> ScenarioResult:
    """Before and after for one area under ``scenario``, other areas held constant.

    Parameters
    ----------
    engine : Engine
        Its benchmarks, normaliser and every other area's scores are held fixed.
    scenario : Scenario
        Changes apply in order (two changes to one metric compound). Unknown metrics and
        impossible changes are skipped with a notice; values are clipped to the valid range.
    peer_codes : sequence of str
        Ranks are also counted among these areas (those in the panel with an overall score).
    bases : mapping, optional
        :func:`people_bases` of the area, to express percentage changes in people.

    Raises ``KeyError`` when the area is not in the engine's panel.
    """
    panel, row = engine.panel, engine.panel.position(area_code)
    x, lo, hi, changed, notices = _apply(engine, row, scenario.changes)
    after_scores = score_rows(engine, row, x[None, :])
    polarity = status_polarity(panel.indicators)  # context metrics are never red, amber or green
    rag_after, _ = classify(x[None, :], lo[None, :], hi[None, :], engine.benchmarks.minimum, engine.benchmarks.target,
                            polarity, evidence_based=engine.settings.evidence_based, mad=engine.benchmarks.mad)
    typed = {iid: ", ".join(c for i, c in scenario.changes if i == iid) for iid, _ in scenario.changes}
    metrics = tuple(_metric_change(engine, row, j, x[j], typed[panel.ids[j]],
                                   RAG_BY_CODE[int(rag_after[0, j])], after_scores, bases or {}) for j in changed)
    cover = panel.covers()[row]
    rags = tuple((panel.ids[j], RAG_BY_CODE[int(engine.rag[row, j])],
                  RAG_BY_CODE[int(rag_after[0, j] if j in changed else engine.rag[row, j])])
                 for j in range(len(panel.ids)) if cover[j])
    values = panel.values.copy()
    values[row] = x
    values.setflags(write=False)
    return ScenarioResult(scenario, area_code, standing(engine, row, engine.scores, row, peer_codes),
                          standing(engine, row, after_scores, 0, peer_codes), metrics, tuple(notices), rags, values)


def _metric_change(engine: Engine, row: int, j: int, value: float, change: str, rag: Rag, after: Scores,
                   bases: Mapping[str, float]) -> MetricChange:
    meta = engine.panel.indicators[j]
    old = float(engine.panel.values[row, j])
    old_rag = RAG_BY_CODE[int(engine.rag[row, j])]
    people, words = people_text(meta, value - old, bases) if not math.isnan(old) else (None, "")
    delta = format_change(value - old, meta) if not math.isnan(old) else "new value"
    detail = f"{delta}: {words}" if words else delta
    text = (f"{meta.label}: {format_value(_num(old), meta)} → {format_value(value, meta)} ({detail}), "
            f"{old_rag.value} → {rag.value}.")
    return MetricChange(meta.id, meta.shown_label, change, _num(old), float(value), old_rag, rag,
                        _num(float(engine.scores.metric[row, j])), _num(float(after.metric[0, j])), people, text)


@dataclass(frozen=True, slots=True)
class ScenarioComparison:
    """Two scenarios for the same area side by side (A vs B), each against today's standing."""

    a: ScenarioResult
    b: ScenarioResult
    missions: tuple[tuple[int, MissionStanding | None, MissionStanding | None], ...]
    text: str
    caveat: str = HELD_CONSTANT


def compare_scenarios(a: ScenarioResult, b: ScenarioResult) -> ScenarioComparison:
    """Line up two results for the same area and say which does better overall."""
    if a.area_code != b.area_code:
        raise ScenarioError("Scenarios can only be compared for the same area.")
    numbers = sorted({m.mission for m in a.after.missions} | {m.mission for m in b.after.missions})
    rows = tuple((n, a.after.mission(n), b.after.mission(n)) for n in numbers)
    return ScenarioComparison(a, b, rows, _comparison_text(a, b))


def _comparison_text(a: ScenarioResult, b: ScenarioResult) -> str:
    sa, sb = a.after.overall, b.after.overall
    if sa is None or sb is None:
        return "One of the scenarios leaves the area without an overall score, so they cannot be compared."
    if abs(sa - sb) < 0.05:
        lead = f"“{a.scenario.name}” and “{b.scenario.name}” give the same overall score ({sa:.1f})"
    else:
        better, worse = (a, b) if sa > sb else (b, a)
        lead = (f"“{better.scenario.name}” scores {abs(sa - sb):.1f} points higher overall than "
                f"“{worse.scenario.name}” ({max(sa, sb):.1f} against {min(sa, sb):.1f})")
    ranks = f"ranks {_ordinal(a.after.rank)} and {_ordinal(b.after.rank)} of {a.after.rank_of}"
    return f"{lead}; {ranks}. {HELD_CONSTANT}"


def _ordinal(rank: int | None) -> str:
    return "unranked" if rank is None else ordinal(rank)


def scenario_frame(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """Each scenario's changes and their effect on the overall score and rank, for exports.

    One row per changed metric; the scenario's overall effect repeats on each of its rows so the
    table reads on its own in a spreadsheet.
    """
    rows = []
    for r in results:
        overall = (f"{_fmt(r.before.overall)} → {_fmt(r.after.overall)}; rank {_ordinal(r.before.rank)} → "
                   f"{_ordinal(r.after.rank)} of {r.after.rank_of}")
        for c in r.metrics:
            rows.append({"Scenario": r.scenario.name, "Change": c.change, "In plain words": c.text,
                         "Overall effect": overall})
    return pd.DataFrame(rows, columns=["Scenario", "Change", "In plain words", "Overall effect"])


def _fmt(score: float | None) -> str:
    return "no score" if score is None else f"{score:.1f}"
