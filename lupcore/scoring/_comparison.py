"""The locality against a group of areas on every metric, and several areas side by side.

Used by the Peers page (rank within the group, peer median and best, a heatmap of scores) and
the facilitator's Compare page. Both read the same engine the scorecard uses.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lupcore.format import format_number, format_value, ordinal
from lupcore.model import IndicatorMeta
from lupcore.scoring._rag import classify_scores
from lupcore.scoring._scorecard import Engine


def anonymised_names(codes: Sequence[str], keep: str) -> dict[str, str]:
    """'Area A', 'Area B', … for every code except ``keep`` (the locality keeps its own name)."""
    letters = iter(string.ascii_uppercase)
    return {c: f"Area {next(letters)}" for c in codes if c != keep}


def _rows(engine: Engine, codes: Sequence[str]) -> np.ndarray:
    return np.array([engine.panel.position(c) for c in codes if c in set(engine.panel.codes)], dtype=int)


def compared(meta: IndicatorMeta) -> bool:
    """Metrics set against other areas: every scored one, and a council's own with a better direction
    even when it counts towards no mission (it has a status, so it has a rank)."""
    return meta.scorable or (meta.local and meta.polarity != 0)


def peer_table(engine: Engine, area_code: str, peer_codes: Sequence[str]) -> pd.DataFrame:
    """One row per compared metric: the locality's value, its rank in the group, peer median and best."""
    panel = engine.panel
    me = panel.position(area_code)
    peers = _rows(engine, [c for c in peer_codes if c != area_code])
    cover = panel.covers()[me]
    out = []
    for j, meta in enumerate(panel.indicators):
        if not cover[j] or not compared(meta):
            continue
        mine = panel.values[me, j]
        theirs = panel.values[peers, j]
        theirs = theirs[~np.isnan(theirs)]
        p = float(meta.polarity)
        group = np.append(theirs, mine) if not np.isnan(mine) else theirs
        rank = int(1 + np.sum(group * p > mine * p)) if not np.isnan(mine) else None
        best = (theirs.max() if p > 0 else theirs.min()) if len(theirs) else np.nan
        out.append({
            "indicator_id": meta.id, "mission": meta.mission, "metric": meta.shown_label,
            "value": format_value(mine, meta),
            "rank_in_group": f"{ordinal(rank)} of {len(group)}" if rank else "no data",
            "rank": rank, "group_size": len(group),
            "peer_median": format_value(float(np.median(theirs)), meta) if len(theirs) else "no data",
            "peer_best": format_value(float(best), meta) if len(theirs) else "no data",
            "peers_with_data": len(theirs),
        })
    return pd.DataFrame(out)


def score_heatmap(engine: Engine, codes: Sequence[str], names: dict[str, str]) -> pd.DataFrame:
    """Long frame (area, metric, score 0–100, value text) for a heatmap of normalised scores."""
    panel, y = engine.panel, engine.scores.metric
    rows = _rows(engine, codes)
    first = rows[0] if len(rows) else 0
    cover = panel.covers()[first]
    out = []
    for j, meta in enumerate(panel.indicators):
        if not cover[j] or not meta.scorable:
            continue
        for r in rows:
            code = str(panel.codes[r])
            out.append({"area": names.get(code, str(panel.names[r])), "metric": meta.shown_label, "mission": meta.mission,
                        "score": None if np.isnan(y[r, j]) else round(float(y[r, j]), 1),
                        "value": format_value(panel.values[r, j], meta)})
    return pd.DataFrame(out)


def side_by_side(engine: Engine, codes: Sequence[str], names: dict[str, str], missions: dict[int, str],
                 rank_texts: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(headline, missions, metrics) tables with one column per area, RAG as symbol + word.

    ``rank_texts`` (code → "87th (71st–102nd)") puts the uncertainty range next to each rank.
    """
    panel, s = engine.panel, engine.scores
    rows = _rows(engine, codes)
    labels = [names.get(str(panel.codes[r]), str(panel.names[r])) for r in rows]
    words = {0: "– Not rated", 1: "✖ Red", 2: "◆ Amber", 3: "✔ Green"}
    overall_rag = classify_scores(s.overall[rows], s.overall_at_minimum[rows], s.overall_at_target[rows])
    headline = pd.DataFrame({
        "": ["Levelling Up score", "Status", "Rank (5th–95th percentile)" if rank_texts else "Rank"],
        **{label: [format_number(s.overall[r], 1), words[int(overall_rag[k])],
                   (rank_texts or {}).get(str(panel.codes[r]), engine.rank_text(int(r)))]
           for k, (label, r) in enumerate(zip(labels, rows, strict=True))},
    })
    mission_rows = []
    for m, title in missions.items():
        rag = classify_scores(s.mission[rows, m - 1], s.mission_at_minimum[rows, m - 1], s.mission_at_target[rows, m - 1])
        if np.all(np.isnan(s.mission[rows, m - 1])):
            continue
        mission_rows.append({"Mission": title, **{label: f"{words[int(rag[k])]} · {format_number(s.mission[r, m - 1], 1)}"
                                                  for k, (label, r) in enumerate(zip(labels, rows, strict=True))}})
    metric_rows = []
    cover = panel.covers()
    for j, meta in enumerate(panel.indicators):
        if not compared(meta) or not cover[rows, j].any():
            continue
        metric_rows.append({"Mission": meta.mission, "Metric": meta.shown_label,
                            **{label: f"{words[int(engine.rag[r, j])].split(' ')[0]} {format_value(panel.values[r, j], meta)}"
                               if cover[r, j] else "not published"
                               for label, r in zip(labels, rows, strict=True)}})
    return headline, pd.DataFrame(mission_rows), pd.DataFrame(metric_rows)


