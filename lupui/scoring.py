"""The scoring view of the current page: panel, peers, engine and scorecard for the chosen area.

Pages call ``current(ctx)`` and render what it returns; the numbers come from ``lupcore`` and
the heavy parts are cached per process. A problem the user can fix (zero weights, an unusable
peer set) comes back as a message, and the rest of the page keeps working.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from lupcore.dataset import Dataset
from lupcore.model import IndicatorMeta
from lupcore.panel import Panel
from lupcore.peers import PeerError, PeerGroup, peer_group
from lupcore.scorecard import Engine, Scorecard, build_scorecard
from lupcore.scoring import WeightsError
from lupcore.session import PeerSpec
from lupui import data, state
from lupui.frame import Context

TIER_OF_PREFIX = {"E10": "utla", "E47": "cauth"}


@dataclass(frozen=True)
class Current:
    panel: Panel
    peers: PeerGroup | None
    engine: Engine | None
    card: Scorecard | None
    problem: str | None
    local_key: str


def tier_for(code: str) -> str:
    return TIER_OF_PREFIX.get(code[:3], "ltla")


@st.cache_resource(show_spinner=False, max_entries=512)
def _peers(area: str, kind: str, k: int, custom: tuple[str, ...], variables: tuple[str, ...]) -> PeerGroup:
    return peer_group(data.dataset(), area, kind, k=k, variables=variables, custom=custom)  # type: ignore[arg-type]


def peers_for(area_code: str, spec: PeerSpec) -> tuple[PeerGroup | None, str | None]:
    """The chosen peer group, or None and a plain message when it cannot be formed."""
    try:
        return _peers(area_code, spec.kind, spec.k, spec.custom, spec.variables), None
    except PeerError as exc:
        return None, str(exc)


def local_bundle() -> tuple[tuple[IndicatorMeta, ...], pd.DataFrame | None, str]:
    """The session's local metrics as (metas, observations, fingerprint) for the panel cache."""
    metrics = state.local_metrics()
    if not metrics:
        return (), None, ""
    metas = tuple(m.indicator_meta() for m in metrics)
    obs = pd.concat([m.observations for m in metrics], ignore_index=True)
    digest = hashlib.sha256(pd.util.hash_pandas_object(obs, index=False).values.tobytes())
    digest.update(repr(metas).encode())
    return metas, obs, digest.hexdigest()[:16]


def current(ctx: Context, ds: Dataset | None = None) -> Current:
    """Everything the scoring pages need for ``ctx.area`` under ``ctx.view``."""
    ds = ds or ctx.dataset
    code = ctx.area.code
    local = local_bundle()
    p = data.panel(tier_for(code), local)
    group, peer_problem = peers_for(code, ctx.view.peers)
    try:
        eng = data.engine(p, ctx.view.settings, group.codes if group else (), local[2])
    except WeightsError as exc:
        return Current(p, group, None, None, str(exc), local[2])
    card = build_scorecard(ds, eng, code, dict(ds.missions))
    return Current(p, group, eng, card, peer_problem, local[2])
