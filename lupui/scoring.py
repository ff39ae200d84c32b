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
from lupcore.settings import Settings
from lupcore.spine import spine_frame
from lupui import charts, data, state
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
def _peers(area: str, kind: str, k: int, custom: tuple[str, ...], variables: tuple[str, ...], name: str) -> PeerGroup:
    return peer_group(data.dataset(), area, kind, k=k, variables=variables, custom=custom,  # type: ignore[arg-type]
                      name=name)


def peers_for(area_code: str, spec: PeerSpec) -> tuple[PeerGroup | None, str | None]:
    """The chosen peer group, or None and a plain message when it cannot be formed."""
    try:
        return _peers(area_code, spec.kind, spec.k, spec.custom, spec.variables, spec.name), None
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


@st.cache_resource(show_spinner=False, max_entries=512)
def _card(tier: str, local_key: str, key: str, peers: tuple[str, ...], area: str, _engine: Engine) -> Scorecard:
    ds = data.dataset()
    return build_scorecard(ds, _engine, area, dict(ds.missions))


def current(ctx: Context, ds: Dataset | None = None) -> Current:
    """Everything the scoring pages need for ``ctx.area`` under ``ctx.view`` (cached per view)."""
    code = ctx.area.code
    local = local_bundle()
    p = data.panel(tier_for(code), local)
    group, peer_problem = peers_for(code, ctx.view.peers)
    peers = group.codes if group else ()
    eng, weights_problem = engine_or_problem(p, ctx.view.settings, peers, local[2])
    if eng is None:
        return Current(p, group, None, None, weights_problem, local[2])
    card = _card(p.tier, local[2], data.settings_key(ctx.view.settings), tuple(peers), code, eng)
    return Current(p, group, eng, card, peer_problem, local[2])


def engine_or_problem(p: Panel, settings: Settings, peers: tuple[str, ...] = (),
                      local_key: str = "") -> tuple[Engine | None, str | None]:
    """The cached engine, or None and the plain message when the weights leave nothing to score (every page)."""
    try:
        return data.engine(p, settings, peers, local_key), None
    except WeightsError as exc:
        return None, str(exc)


@st.cache_resource(show_spinner=False, max_entries=256)
def spine_spec(tier: str, local_key: str, key: str, peers: tuple[str, ...], area: str,
               ids: tuple[str, ...], _engine: Engine) -> charts.VegaChart | None:
    """The spine chart, built once per view and filter (Altair is slow to build) and never changed."""
    frame = spine_frame(_engine, area, list(ids))
    return charts.prepared(charts.spine_chart(frame)) if len(frame) else None


@st.cache_resource(show_spinner=False, max_entries=512)
def trend_series(pairs: tuple[tuple[str, str], ...]) -> dict[str, tuple[float, ...]]:
    """The last twelve published values, oldest first, of each (indicator, area): the table's sparklines.

    One cached call for the whole table (keyed by its rows), not one per row.
    """
    ds = data.dataset()
    return {iid: tuple(ds.series(iid, code)["value"].dropna().tail(12).round(3).tolist()) for iid, code in pairs}
