"""Gap to a benchmark and whether it is closing (methodology §7), for progress since a baseline.

Gaps are oriented with polarity so a positive gap always means the area is behind. The national
gap compares like with like (the national value of the same two periods); the target gap holds
today's target fixed, because a distribution-based target (upper quartile) has no baseline-year
value on the same definition without re-running the benchmarks on that year's cross-section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from lupcore import stats
from lupcore.data import Baseline, Dataset, national_code
from lupcore.format import format_change
from lupcore.model import IndicatorMeta
from lupcore.scoring import Engine

NO_CLEAR = "no clear change"
NATION_NAMES = {"E92000001": "England", "W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland",
                "K04000001": "England and Wales", "K03000001": "Great Britain", "K02000001": "United Kingdom"}


@dataclass(frozen=True, slots=True)
class GapChange:
    """Gap to a benchmark, oriented so positive means behind (methodology §7)."""

    against: str  # "England value", "target (upper quartile)"
    gap_baseline: float | None
    gap_now: float | None
    status: str  # closing, widening, no clear change, closed, ahead, fallen behind, unknown
    closure: float | None  # share of the baseline gap closed, when behind at baseline
    text: str


def as_float(x: object) -> float | None:
    """A float, with None and NaN as None (the form results carry)."""
    return None if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def se_of(lci: float | None, uci: float | None) -> float:
    """SE from a 95% CI, NaN without one (so callers can tell "not tested" from "no change")."""
    return float(stats.se_from_ci(lci, uci)) if lci is not None and uci is not None else math.nan


def format_amount(meta: IndicatorMeta, delta: float) -> str:
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
    now, was = format_amount(meta, g1), format_amount(meta, g0)
    side_now, side_was = ("behind" if g1 > 0 else "ahead"), ("behind" if g0 > 0 else "ahead")
    text = f"Against the {against}: {now} {side_now} (baseline {since}: {was} {side_was}); {status}."
    return GapChange(against, g0, g1, status, closure, text)


def _benchmark_at(dataset: Dataset, meta: IndicatorMeta, period: str) -> float | None:
    rows = dataset.series(meta.id, national_code(meta))
    hit = rows[rows["period"] == period]["value"]
    return as_float(hit.iloc[0]) if len(hit) else None


NATION_NAMES = {"E92000001": "England", "W92000004": "Wales", "S92000003": "Scotland", "N92000002": "Northern Ireland",
                 "K04000001": "England and Wales", "K03000001": "Great Britain", "K02000001": "United Kingdom"}


def gaps_since(dataset: Dataset, engine: Engine, meta: IndicatorMeta, base: Baseline,
          last: pd.Series) -> tuple[GapChange | None, GapChange | None]:
    """Gap to the national value (at both periods) and to the engine's target (held at today's value).

    ``None`` for a contextual metric (no judgement), and for a national gap of a local metric.
    """
    x0, x1 = float(base.value), float(last["value"])  # type: ignore[arg-type]
    se = math.hypot(se_of(base.lci95, base.uci95), se_of(as_float(last["lci95"]), as_float(last["uci95"])))
    since = base.label
    if int(meta.polarity) == 0:
        return None, None  # context metrics carry no judgement, so no gap either
    if meta.local:
        national = None
    else:
        name = NATION_NAMES.get(national_code(meta), "national")
        national = gap_change(meta, f"{name} value", x0, x1, _benchmark_at(dataset, meta, str(base.period)),
                              _benchmark_at(dataset, meta, str(last["period"])), se, since)
    try:
        j = engine.panel.column(meta.id)
    except KeyError:
        return national, None
    target = as_float(engine.benchmarks.target[j])
    label = f"target ({engine.benchmarks.target_label[j].lower()})"
    return national, gap_change(meta, label, x0, x1, target, target, se, since)

