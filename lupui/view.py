"""The scoring view of the current page: panel, peers, engine and scorecard for the chosen area.

Pages call ``current(ctx)`` and render what it returns; the numbers come from ``lupcore`` and
the heavy parts are cached per process. A problem the user can fix (zero weights, an unusable
peer set) comes back as a message, and the rest of the page keeps working.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lupcore import (
    Assembly,
    Engine,
    LocalParts,
    assemble,
    local_parts as core_local_parts,
    spine_frame,
    spine_sentence,
    spine_table,
)
from lupui import cache, state, vega
from lupui.frame import Context


def local_parts() -> LocalParts:
    """The session's local metrics with their fingerprint (cheap: a hash of a few hundred rows)."""
    return core_local_parts(state.local_metrics())


def current(ctx: Context, *, tier: str | None = None, with_peers: bool = True) -> Assembly:
    """Everything the scoring pages need for ``ctx.area`` under ``ctx.view``, each stage cached per process."""
    peers = ctx.view.peers if with_peers else None
    return assemble(cache.dataset(), ctx.area.code, ctx.view.settings, peers, local_parts(), tier=tier,
                             cache=cache.stage)




@st.cache_resource(show_spinner=False, max_entries=256)
def spine_spec(tier: str, local_key: str, key: str, peers: tuple[str, ...], area: str,
               ids: tuple[str, ...], _engine: Engine) -> vega.VegaChart | None:
    """The spine chart, built once per view and filter (Altair is slow to build) and never changed."""
    frame = spine_frame(_engine, area, list(ids))
    return vega.prepared(vega.spine_chart(frame)) if len(frame) else None


@st.cache_resource(show_spinner=False, max_entries=256)
def spine_words(tier: str, local_key: str, key: str, peers: tuple[str, ...], area: str,
                ids: tuple[str, ...], _engine: Engine, area_name: str) -> tuple[str, pd.DataFrame]:
    """The spine chart's text alternative: its sentence and its rows as a table (cached like the chart)."""
    frame = spine_frame(_engine, area, list(ids))
    return spine_sentence(frame, area_name), spine_table(frame)


@st.cache_resource(show_spinner=False, max_entries=512)
def trend_series(pairs: tuple[tuple[str, str], ...]) -> dict[str, tuple[float, ...]]:
    """The last twelve published values, oldest first, of each (indicator, area): the table's sparklines.

    One cached call for the whole table (keyed by its rows), not one per row.
    """
    ds = cache.dataset()
    return {iid: tuple(ds.series(iid, code)["value"].dropna().tail(12).round(3).tolist()) for iid, code in pairs}
