"""The Peers page's controls (which peer group, how many, which variables or areas) and its "why these peers" table.

Each control writes the view through ``state``; the table shows raw context values beside the distance
that made each area a peer, in each metric's own units.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lupcore import (
    MAX_CUSTOM_PEERS,
    PEER_K_RANGE,
    PEER_KINDS,
    Dataset,
    available_variables,
    clean_set_name,
    context_matrix,
    default_variables,
    deprivation_context,
    explain,
    format_number,
    format_value,
    tier_for,
)
from lupui import present, render, state

KIND_LABELS = {
    "ons-global": "ONS similar areas: global model",
    "ons-economic": "ONS similar areas: economic model",
    "ons-demographic": "ONS similar areas: demographic model",
    "nearest": "Our nearest neighbours on context variables you choose",
    "custom": "A named set of comparators you choose (up to 10)",
}


def set_peers(**changes: object) -> None:
    state.update(peers=replace(state.get().peers, **changes))


def controls(ds: Dataset, area: object, view: object) -> None:
    """The peer-group choice; a named set offers the councils of the locality's own tier."""
    spec = view.peers  # type: ignore[attr-defined]
    left, right = st.columns([2, 1])
    with left:
        state.widget_value("w_peer_kind", spec.kind)
        st.radio("Peer group", PEER_KINDS, format_func=KIND_LABELS.get, key="w_peer_kind",
                 on_change=lambda: set_peers(kind=state.widget("w_peer_kind")))
    with right:
        state.widget_value("w_anon", view.anonymised)
        st.toggle("Anonymised mode", key="w_anon",
                  on_change=lambda: state.update(anonymised=bool(state.widget("w_anon"))),
                  help="For sensitive sessions: the locality keeps its name, every other area is shown as Area A, "
                       "Area B…")
        if spec.kind != "custom":
            state.widget_value("w_peer_k", spec.k)
            st.slider("How many peers", *PEER_K_RANGE, key="w_peer_k", on_change=lambda: set_peers(k=int(state.widget("w_peer_k"))))

    if spec.kind == "nearest":
        variables = available_variables(ds)
        labels = {v: ds.indicators[v].label for v in variables}
        state.widget_value("w_peer_vars", list(spec.variables or default_variables(ds)))
        st.multiselect("Context variables (area characteristics, never the outcomes being compared)", variables,
                       format_func=labels.get, key="w_peer_vars",
                       on_change=lambda: set_peers(variables=tuple(state.widget("w_peer_vars"))))
    if spec.kind == "custom" and view.anonymised:
        st.caption("Anonymised: switch anonymised mode off to change the named comparators.")
    elif spec.kind == "custom":
        pick = ds.pickable()
        pick = pick[pick["tier"] == ds.areas.loc[area.code, "tier"]]
        names = dict(zip(pick["code"], pick["name"], strict=True))
        state.widget_value("w_peer_custom", [c for c in spec.custom if c in names])
        set_cols = st.columns([3, 1])
        set_cols[0].multiselect(f"Comparators (up to {MAX_CUSTOM_PEERS})", [c for c in names if c != area.code],
                                format_func=names.get, max_selections=MAX_CUSTOM_PEERS, key="w_peer_custom",
                                on_change=lambda: set_peers(custom=tuple(state.widget("w_peer_custom"))))
        state.widget_value("w_peer_setname", spec.name)
        set_cols[1].text_input("Name of this set", key="w_peer_setname", max_chars=40, placeholder="e.g. Black Country",
                               on_change=lambda: set_peers(name=clean_set_name(state.widget("w_peer_setname"))),
                               help="Shown with the peer group here, on the other pages and in exports; kept in the link.")


def why_these_peers(ds: Dataset, area_code: str, group: object, names: dict[str, str], chosen: tuple[str, ...]) -> None:
    """Context variables side by side and each peer's distance from the locality."""
    try:
        matrix = context_matrix(ds, ds.comparison_codes(tier_for(area_code)), chosen, transform=False)
        why = explain(matrix, area_code, list(group.codes))  # type: ignore[attr-defined]
        why = why.join(deprivation_context(ds, list(why.index))) if area_code.startswith("E") else why
    except Exception as exc:  # explain refuses areas it cannot compare; say so rather than fail
        st.info(render.plain(f"Cannot show the variables side by side: {exc}"))
    else:
        # Distance first (it is why they are peers), then each variable with its unit in the header.
        why = why[["distance", *[c for c in why.columns if c != "distance"]]].rename(index=names).rename_axis("Area")
        metas = {c: ds.indicators[c] for c in why.columns if c in ds.indicators}
        headers = {c: (f"{metas[c].label} ({metas[c].unit})" if metas[c].unit.strip() else metas[c].label)
                   if c in metas else "Distance (0 = identical)" for c in why.columns}
        formats = {headers[c]: (lambda v, m=metas[c]: format_value(v, m, with_unit=False)) if c in metas
                   else (lambda v: format_number(v, 2)) for c in why.columns}
        present.table(why.rename(columns=headers).style.format(formats), hide_index=False, width="stretch",
                      columns=list(headers.values())[:4], height=min(38 + 35 * len(why), 700))  # projector: 4 fit
        st.caption("Context variables side by side (raw values) and each area's distance from the locality on the "
                   "standardised variables (0 = identical). ONS lists use ONS's own 29 variables, not these."
                   + (" The deprivation rank (Indices of Deprivation 2025, rank 1 = most deprived of England's 296 "
                      "districts) is shown to help judge the group; it is not used in the distance."
                      if "iod_overall_rank" in why.columns else ""))
