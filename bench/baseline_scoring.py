"""The baseline for the re-score figure: the same scores computed the straightforward way, area by area.

This is how the scoring would read as a first pandas draft: loop over areas, build each area's
metric table, normalise value by value, group by mission, then rank each nation. It uses the
engine's learned normaliser and benchmarks (fitting them is not part of a weight change) and
must give the engine's numbers, which ``bench.scoring`` checks before it reports any timing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lupcore.data._panel import Panel
from lupcore.scoring import Normaliser, indicator_weights, mission_weights
from lupcore.settings import AVAILABILITY_THRESHOLD, Settings


def metric_table(panel: Panel, settings: Settings) -> pd.DataFrame:
    """One row per metric: mission, weight and the nations it covers (built once, outside the timing)."""
    return pd.DataFrame({
        "indicator_id": panel.ids,
        "mission": [m.mission for m in panel.indicators],
        "weight": indicator_weights(panel, settings),
        "nations": [set(m.nations) for m in panel.indicators],
        "column": range(len(panel.indicators)),
    })


def _normalise(x: float, j: int, norm: Normaliser) -> float:
    """Min–max of one value after the learned outlier treatment, as ``Normaliser`` does (default method)."""
    if np.isnan(x):
        return np.nan
    x = x * norm.polarity[j]
    treatment = norm.treatments[j]
    if treatment is not None:
        x = float(treatment.apply(np.array([x]))[0])
    lo, hi = norm.low[j], norm.high[j]
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return np.nan
    if hi <= lo:
        return 100.0 if x >= hi else 0.0
    return float(min(max(100.0 * (x - lo) / (hi - lo), 0.0), 100.0))


def _group_means(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per group: weighted mean of the present scores, kept if ≥ 2/3 of the counted rows are present."""
    frame = frame.assign(present=frame["score"].notna(), weighted=frame["score"].fillna(0) * frame["weight"],
                         present_weight=frame["weight"].where(frame["score"].notna(), 0.0))
    groups = frame.groupby(key)[["present", "weighted", "present_weight"]].sum()
    groups["counted"] = frame.groupby(key).size()
    enough = (groups["present"] >= AVAILABILITY_THRESHOLD * groups["counted"] - 1e-9) & (groups["present_weight"] > 0)
    groups["score"] = (groups["weighted"] / groups["present_weight"]).where(enough)
    return groups


def _area(values: np.ndarray, nation: str, table: pd.DataFrame, norm: Normaliser, w_mission: pd.Series) -> float:
    """One area's overall score: its metric table, mission means, then the mean over missions."""
    metrics = table.assign(score=[_normalise(x, j, norm) for x, j in zip(values, table["column"], strict=True)])
    counted = metrics["mission"].notna() & (metrics["weight"] > 0)
    counted &= metrics["nations"].map(lambda n: not n or nation in n)
    missions = _group_means(metrics[counted], "mission")
    missions = missions.assign(weight=w_mission.reindex(missions.index.astype(int)).to_numpy(), overall=0)
    missions = missions[missions["weight"] > 0]
    return float(_group_means(missions, "overall")["score"].iloc[0]) if len(missions) else np.nan


def rescore_loop(panel: Panel, normaliser: Normaliser, settings: Settings) -> pd.DataFrame:
    """Overall score and rank (within nation, ties share the better rank) for every area, one area at a time."""
    table = metric_table(panel, settings)
    w_mission = pd.Series(mission_weights(settings), index=range(1, 13))
    frame = pd.DataFrame(panel.values, index=panel.codes, columns=panel.ids).assign(nation=panel.nations)
    rows = []
    for code, row in frame.iterrows():
        values = row.drop("nation").to_numpy(dtype=float)
        rows.append({"code": code, "nation": row["nation"],
                     "overall": _area(values, row["nation"], table, normaliser, w_mission)})
    out = pd.DataFrame(rows).set_index("code")
    out["rank"] = out.groupby("nation")["overall"].rank(method="min", ascending=False)
    return out
