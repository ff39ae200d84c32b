"""One area's scorecard: every metric against its minimum and target, mission RAG, score and rank.

The ``Engine`` bundles what a set of settings needs (panel, benchmarks, normaliser, scores) so
pages, the CLI and exports all compute the same numbers the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lupcore import stats
from lupcore.data import Dataset, Panel, mission_coverage, mission_status_label, status_polarity, value_note
from lupcore.format import format_value, ordinal
from lupcore.model import CAPITALS, Area, IndicatorMeta, Mission, Rag
from lupcore.scoring._normalise import Normaliser, Scores, fit_normaliser, score_panel
from lupcore.scoring._rag import RAG_BY_CODE, classify, classify_scores
from lupcore.scoring._thresholds import Benchmarks, compute_benchmarks, national_value
from lupcore.settings import Settings
from lupcore.wording import decisive_decimals, format_decisive

NATION_GROUP = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
TIER_GROUP = {"ltla": "local authorities", "utla": "upper-tier authorities", "cauth": "combined authorities"}


@dataclass(frozen=True, eq=False)
class Engine:
    """Benchmarks, normaliser, scores and RAG for every area of a panel under one set of settings."""

    panel: Panel
    settings: Settings
    peer_codes: tuple[str, ...]
    benchmarks: Benchmarks
    normaliser: Normaliser
    scores: Scores
    rag: np.ndarray  # (n_areas, n_ind) codes
    clear: np.ndarray  # (n_areas, n_ind) 1/0/NaN

    def rank_text(self, row: int) -> str:
        """"87th of 296 local authorities in England", or why there is no rank."""
        rank, of = self.scores.rank[row], int(self.scores.rank_of[row])
        group = f"{TIER_GROUP.get(self.panel.tier, 'areas')} in {NATION_GROUP.get(self.panel.nations[row], 'the UK')}"
        if np.isnan(rank):
            return f"not ranked (too few metrics with data) among {of} {group}"
        return f"{ordinal(int(rank))} of {of} {group}"


def build_engine(panel: Panel, settings: Settings, peer_codes: Sequence[str] = (),
                 benchmarks: Benchmarks | None = None, normaliser: Normaliser | None = None) -> Engine:
    """Everything for one settings choice; pass cached ``benchmarks``/``normaliser`` to skip refitting."""
    bench = benchmarks if benchmarks is not None else compute_benchmarks(panel, settings, peer_codes)
    norm = normaliser if normaliser is not None else fit_normaliser(panel, bench, settings)
    scores = score_panel(panel, bench, norm, settings)
    polarity = status_polarity(panel.indicators)  # context metrics are never red, amber or green
    rag, clear = classify(panel.values, panel.lci, panel.uci, bench.minimum, bench.target, polarity,
                          evidence_based=settings.evidence_based, mad=bench.mad)
    return Engine(panel, settings, tuple(peer_codes), bench, norm, scores, rag, clear)


@dataclass(frozen=True, slots=True)
class MetricRow:
    meta: IndicatorMeta
    period: str
    value: float | None
    lci95: float | None
    uci95: float | None
    minimum: float | None
    target: float | None
    minimum_label: str
    target_label: str
    national: float | None
    national_label: str
    rag: Rag
    clear: bool | None
    score: float | None
    weight: float
    from_upper_tier: bool
    direction: str  # improving / worsening / no clear change / "" (judged on the latest change)
    note: str = ""  # whose value this is when not the area's own (county, partnership, force, region)

    @property
    def red_red(self) -> bool:
        return self.rag == Rag.RED and self.direction == "worsening"


@dataclass(frozen=True, slots=True)
class MissionRow:
    mission: Mission
    score: float | None
    rag: Rag
    present: int
    applicable: int
    score_at_minimum: float | None
    score_at_target: float | None
    coverage_text: str = ""  # "3 of 4 metrics", "not applicable in Wales", "not rated: context only"…
    status_text: str = ""  # "Not applicable" where the mission does not apply, else "" (the RAG stands)

    @property
    def coverage(self) -> str:
        return f"{self.present} of {self.applicable} metrics"


@dataclass(frozen=True, slots=True)
class Scorecard:
    area: Area
    settings: Settings
    metrics: tuple[MetricRow, ...]
    missions: tuple[MissionRow, ...]
    capitals: tuple[tuple[str, float | None], ...]
    overall: float | None
    overall_rag: Rag
    rank: int | None
    rank_of: int
    rank_text: str

    def metric(self, indicator_id: str) -> MetricRow:
        return next(m for m in self.metrics if m.meta.id == indicator_id)


def _num(x: float) -> float | None:
    return None if x is None or np.isnan(x) else float(x)


def direction_of_travel(dataset: Dataset, meta: IndicatorMeta, area_code: str, source_area: str | None = None) -> str:
    """Latest value against the previous period, judged with polarity; significance where CIs exist."""
    series = dataset.series(meta.id, source_area or area_code)
    series = series[series["value"].notna()]
    if len(series) < 2 or meta.polarity == 0:
        return ""
    prev, last = series.iloc[-2], series.iloc[-1]
    se0 = stats.se_from_ci(prev["lci95"], prev["uci95"])
    se1 = stats.se_from_ci(last["lci95"], last["uci95"])
    if np.isnan(se0) or np.isnan(se1):
        se0 = se1 = 0.0  # no sampling error published: judge on the direction alone
    change = float(stats.significant_change(prev["value"], se0, last["value"], se1, polarity=int(meta.polarity)))
    return {1.0: "improving", -1.0: "worsening"}.get(change, "no clear change")


def build_scorecard(dataset: Dataset, engine: Engine, area_code: str, missions: dict[int, Mission]) -> Scorecard:
    """The scorecard rows for ``area_code`` (must be in the engine's panel)."""
    panel, bench, scores = engine.panel, engine.benchmarks, engine.scores
    row = panel.position(area_code)
    cover = panel.covers()[row]
    area = dataset.area(area_code) if dataset.has_area(area_code) else None
    metrics = []
    for j, meta in enumerate(panel.indicators):
        if not cover[j]:
            continue
        nat = national_value(panel, j)
        from_upper = bool(panel.from_upper_tier[row, j])
        source = area.utla_code if (from_upper and area is not None) else None
        metrics.append(MetricRow(
            meta=meta, period=panel.periods[j], value=_num(panel.values[row, j]),
            lci95=_num(panel.lci[row, j]), uci95=_num(panel.uci[row, j]),
            minimum=_num(bench.minimum[j]), target=_num(bench.target[j]),
            minimum_label=bench.minimum_label[j], target_label=bench.target_label[j],
            national=nat[0] if nat else None, national_label=nat[1] if nat else "",
            rag=RAG_BY_CODE[int(engine.rag[row, j])],
            clear=None if np.isnan(engine.clear[row, j]) else bool(engine.clear[row, j]),
            score=_num(scores.metric[row, j]), weight=float(scores.weights[j]), from_upper_tier=from_upper,
            direction=direction_of_travel(dataset, meta, area_code, source),
            note=value_note(dataset, meta.id, area_code, county=(area.utla_name or source or "") if source else ""),
        ))
    mission_rag = classify_scores(scores.mission[row], scores.mission_at_minimum[row], scores.mission_at_target[row])
    mission_rows = tuple(
        MissionRow(missions[m], _num(scores.mission[row, m - 1]), RAG_BY_CODE[int(mission_rag[m - 1])],
                   int(scores.mission_present[row, m - 1]), int(scores.mission_applicable[row, m - 1]),
                   _num(scores.mission_at_minimum[row, m - 1]), _num(scores.mission_at_target[row, m - 1]),
                   mission_coverage(dataset, missions[m], area_code, int(scores.mission_present[row, m - 1]),
                                    int(scores.mission_applicable[row, m - 1])),
                   mission_status_label(missions[m], area_code))
        for m in sorted(missions)
    )
    overall_rag = classify_scores(scores.overall[row:row + 1], scores.overall_at_minimum[row:row + 1],
                                  scores.overall_at_target[row:row + 1])[0]
    rank = scores.rank[row]
    return Scorecard(
        area=area, settings=engine.settings, metrics=tuple(metrics), missions=mission_rows,
        capitals=tuple((c, _num(scores.capital[row, k])) for k, c in enumerate(CAPITALS)),
        overall=_num(scores.overall[row]), overall_rag=RAG_BY_CODE[int(overall_rag)],
        rank=None if np.isnan(rank) else int(rank), rank_of=int(scores.rank_of[row]), rank_text=engine.rank_text(row),
    )


@dataclass(frozen=True, slots=True)
class Summary:
    strengths: tuple[str, ...]
    concerns: tuple[str, ...]
    red_reds: tuple[str, ...]
    headline: str


def summarise(card: Scorecard, limit: int = 4) -> Summary:
    """Plain-English strengths, concerns and red-reds generated from the scorecard's numbers."""
    scored = [m for m in card.metrics if m.score is not None and m.meta.scorable]
    greens = sorted((m for m in scored if m.rag == Rag.GREEN), key=lambda m: -(m.score or 0))
    reds = sorted((m for m in scored if m.rag == Rag.RED), key=lambda m: m.score or 0)
    strengths = tuple(
        f"{m.meta.label}: {_pair(m, m.target)[0]}, at or better than the target of "
        f"{_pair(m, m.target)[1]} ({m.target_label.lower()})." for m in greens[:limit])
    # "Worse than", never "below": for a lower-is-better metric (obesity, anxiety) red is above the minimum.
    concerns = tuple(
        f"{m.meta.label}: {_pair(m, m.minimum)[0]}, worse than the minimum of {_pair(m, m.minimum)[1]} "
        f"({_lower_first(m.minimum_label)}){'; statistically clear' if m.clear else ''}." for m in reds[:limit])
    worsening = [m for m in reds if m.red_red]
    red_reds = tuple(f"{m.meta.label}: {format_value(m.value, m.meta)}, worse than the minimum and worse than in "
                     "the period before." for m in worsening[:limit + 2])
    if len(worsening) > limit + 2:
        red_reds += (f"…and {len(worsening) - limit - 2} more.",)
    counts = {r: sum(1 for m in scored if m.rag == r) for r in (Rag.GREEN, Rag.AMBER, Rag.RED)}
    headline = (f"{card.area.name if card.area else 'This area'}: {counts[Rag.GREEN]} metrics at or better than target, "
                f"{counts[Rag.AMBER]} between minimum and target and {counts[Rag.RED]} worse than the minimum; "
                f"overall {card.rank_text}.")
    return Summary(strengths, concerns, red_reds, headline)


def _pair(m: MetricRow, threshold: float | None) -> tuple[str, str]:
    """The value and a threshold, with enough decimals that they never print the same when they differ."""
    d = decisive_decimals(m.value, (threshold,), m.meta.decimals)
    return format_decisive(m.value, m.meta, d), format_decisive(threshold, m.meta, d)


def _lower_first(label: str) -> str:
    """'Median of areas' → 'median of areas', but keep 'England value' as it is."""
    first = label.split(" ")[0]
    return label if first in ("England", "Wales", "Scotland", "Northern", "United", "Great", "UK") else label[:1].lower() + label[1:]
