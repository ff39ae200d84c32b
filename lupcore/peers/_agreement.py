"""Checks on a peer group: how far our nearest neighbours agree with ONS's lists, and why an area is a peer.

:func:`overlap_at_k` and :func:`jaccard` compare two ranked lists; :func:`mean_overlap` averages them over
every current LTLA against ONS's published similar areas (methodology §6); :func:`explain` is the "why is this
a peer" table of raw values and distances, built on the distances in :mod:`lupcore.peers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lupcore.data import Dataset
from lupcore.peers._distances import (
    DEFAULT_VARIABLES,
    Method,
    PeerError,
    context_matrix,
    distance_matrix,
    rank_row,
    transform_context,
)


def overlap_at_k(ours: Sequence[str], ons: Sequence[str], k: int) -> float:
    """Share of the top ``k`` of ONS's list also in our top ``k`` (order within the top k ignored)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    return len(set(ours[:k]) & set(ons[:k])) / k


def jaccard(ours: Sequence[str], ons: Sequence[str], k: int) -> float:
    """|A ∩ B| / |A ∪ B| of the two top-``k`` lists (1 when both are empty)."""
    a, b = set(ours[:k]), set(ons[:k])
    return len(a & b) / len(a | b) if a | b else 1.0


def mean_overlap(dataset: Dataset, k_values: Sequence[int] = (5, 10, 20), model: str = "global",
                 variables: Sequence[str] = DEFAULT_VARIABLES, method: Method = "euclidean") -> pd.DataFrame:
    """Mean overlap@k and Jaccard of our nearest neighbours with ONS's lists over all current LTLAs.

    Candidates are all UK LTLAs, as in ONS's lists. Returns one row per k: k, overlap, jaccard, areas.
    """
    codes = dataset.comparison_codes("ltla")
    dist = distance_matrix(context_matrix(dataset, codes, variables), method).to_numpy()
    nb = dataset.neighbours
    ons = nb[nb["model"] == model].sort_values("rank").groupby("area_code", observed=True)["neighbour_code"]
    ons_lists = {str(code): [str(c) for c in group] for code, group in ons}
    kmax, labels = max(k_values), np.asarray(codes, dtype=object)
    pairs = [(rank_row(labels, dist[i], i, kmax)["code"].tolist(), ons_lists[code])
             for i, code in enumerate(codes) if code in ons_lists]
    rows = [{"k": k, "overlap": float(np.mean([overlap_at_k(a, b, k) for a, b in pairs])),
             "jaccard": float(np.mean([jaccard(a, b, k) for a, b in pairs])), "areas": len(pairs)}
            for k in k_values]
    return pd.DataFrame(rows)


def explain(matrix_raw: pd.DataFrame, area_code: str, peer_codes: Sequence[str], method: Method = "euclidean",
            weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The "why is this a peer" table: raw values (not z-scores) of the area, then each peer, with distance.

    ``matrix_raw`` is the untransformed candidate matrix (``context_matrix(..., transform=False)``);
    distances are recomputed on it exactly as ``nearest_neighbours`` does, so they match.
    """
    missing = [c for c in [area_code, *peer_codes] if c not in matrix_raw.index]
    if missing:
        raise PeerError(f"Not in the candidate set: {', '.join(missing)}")
    dist = distance_matrix(transform_context(matrix_raw), method, weights)
    rows = [area_code, *peer_codes]
    return matrix_raw.loc[rows].assign(distance=dist.loc[area_code, rows].to_numpy()).rename_axis("area_code")
