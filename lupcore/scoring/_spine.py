"""Spine-chart positions: where an area sits in the comparison set, with its minimum and target.

Each metric is put on a 0–100 scale running from the worst to the best area of the comparison
set (polarity applied, so right is always better), as in Fingertips' spine charts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lupcore.format import format_value
from lupcore.scoring._scorecard import Engine


def _position(value: float, lo: float, hi: float) -> float:
    if np.isnan(value) or hi <= lo:
        return float("nan")
    return float(np.clip(100.0 * (value - lo) / (hi - lo), -4.0, 104.0))


def spine_frame(engine: Engine, area_code: str, indicator_ids: list[str]) -> pd.DataFrame:
    """One row per metric: oriented positions of worst, quartiles, median, best, minimum, target, area."""
    panel, bench = engine.panel, engine.benchmarks
    row = panel.position(area_code)
    out = []
    for iid in indicator_ids:
        j = panel.column(iid)
        meta = panel.indicators[j]
        if meta.polarity == 0 or len(panel.reference[j]) < 3:
            continue
        p = float(meta.polarity)
        ref = np.sort(panel.reference[j] * p)
        lo, hi = float(ref[0]), float(ref[-1])
        q25, q50, q75 = (float(np.quantile(ref, q)) for q in (0.25, 0.5, 0.75))
        value = float(panel.values[row, j])
        out.append({
            "indicator_id": iid, "metric": meta.label,
            "q25": _position(q25, lo, hi), "median": _position(q50, lo, hi), "q75": _position(q75, lo, hi),
            "minimum": _position(bench.minimum[j] * p, lo, hi), "target": _position(bench.target[j] * p, lo, hi),
            "value": _position(value * p, lo, hi),
            "value_text": format_value(value, meta), "minimum_text": format_value(bench.minimum[j], meta),
            "target_text": format_value(bench.target[j], meta),
            "worst_text": format_value(lo * p, meta), "best_text": format_value(hi * p, meta),
            "rag": int(engine.rag[row, j]),
        })
    return pd.DataFrame(out)
