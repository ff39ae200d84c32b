"""Re-score one area against fixed benchmarks and goalposts, with every other area held constant.

What-ifs (methodology §9) and baseline mission scores need the engine's arithmetic for a few
alternative value rows of a single area. Scoring a one-area sub-panel with the engine's own
benchmarks and normaliser gives exactly the numbers ``score_panel`` would give that row, in
about a millisecond, because normalisation and aggregation never look at other rows.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lupcore.data import Panel
from lupcore.scoring._normalise import Scores, rank_within_nations, score_panel
from lupcore.scoring._scorecard import Engine


def row_panel(panel: Panel, row: int, values: np.ndarray, lci: np.ndarray | None = None,
              uci: np.ndarray | None = None) -> Panel:
    """A panel of ``len(values)`` copies of area ``row`` carrying the given value rows."""
    x = np.atleast_2d(np.asarray(values, dtype=float))
    k = x.shape[0]
    pick = np.full(k, row)
    return replace(
        panel, codes=panel.codes[pick], names=panel.names[pick], nations=panel.nations[pick], values=x,
        lci=panel.lci[pick] if lci is None else np.atleast_2d(lci), uci=panel.uci[pick] if uci is None else np.atleast_2d(uci),
        from_upper_tier=panel.from_upper_tier[pick],
    )


_ROW_FIELDS = ("metric", "mission", "mission_present", "mission_applicable", "capital", "overall",
               "mission_at_minimum", "mission_at_target", "overall_at_minimum", "overall_at_target")


def score_rows(engine: Engine, row: int, values: np.ndarray) -> Scores:
    """Scores of area ``row`` under each value row of ``values`` (k, n_ind); ``rank`` inside is meaningless.

    The published row is scored in the same call, and every element a change did not touch is
    taken from ``engine.scores``: so a no-op change reproduces today's numbers bit for bit, not
    to the last floating-point digit of a different summation order.
    """
    x = np.vstack([engine.panel.values[row], np.atleast_2d(np.asarray(values, dtype=float))])
    sub = row_panel(engine.panel, row, x)
    fresh = score_panel(sub, engine.benchmarks, engine.normaliser, engine.settings)
    patched = {}
    for name in _ROW_FIELDS:
        arr = getattr(fresh, name)
        same = (arr[1:] == arr[:1]) | (np.isnan(arr[1:]) & np.isnan(arr[:1]))
        patched[name] = np.where(same, getattr(engine.scores, name)[row], arr[1:])
    return replace(fresh, rank=fresh.rank[1:], rank_of=fresh.rank_of[1:], **patched)


def rank_with(engine: Engine, row: int, overall: float) -> tuple[float, int]:
    """The area's rank (1 = best, ties share the better rank) if its overall score were ``overall``."""
    scores = engine.scores.overall.copy()
    scores[row] = overall
    rank, rank_of = rank_within_nations(engine.panel, scores)
    return float(rank[row]), int(rank_of[row])


def peer_rank(engine: Engine, row: int, overall: float, peer_codes: tuple[str, ...]) -> tuple[int | None, int]:
    """Rank among the area and its peers that have an overall score (1 + peers scoring strictly higher)."""
    peers = np.flatnonzero(np.isin(engine.panel.codes, list(peer_codes)))
    peers = peers[(peers != row) & ~np.isnan(engine.scores.overall[peers])]
    if np.isnan(overall):
        return None, len(peers) + 1
    return 1 + int(np.sum(engine.scores.overall[peers] > overall)), len(peers) + 1
