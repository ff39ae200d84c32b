"""Peers: choose 'places like us' (ONS similar areas, our nearest neighbours or a named set) and compare."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from lupcore import (
    MAX_CUSTOM_PEERS,
    PEER_K_RANGE,
    PEER_KINDS,
    anonymised_names,
    available_variables,
    clean_set_name,
    context_matrix,
    default_variables,
    deprivation_context,
    explain,
    format_number,
    format_value,
    ons_neighbours,
    peer_table,
    score_heatmap,
    tier_for,
)
from lupui import charts, render, state
from lupui.frame import frame
from lupui.scoring import current

KIND_LABELS = {
    "ons-global": "ONS similar areas: global model",
    "ons-economic": "ONS similar areas: economic model",
    "ons-demographic": "ONS similar areas: demographic model",
    "nearest": "Our nearest neighbours on context variables you choose",
    "custom": "A named set of comparators you choose (up to 10)",
}
ctx = frame("Peers")
ds, area, view = ctx.dataset, ctx.area, ctx.view
spec = view.peers
st.title(f"Peers: places like {area.name}")


def set_peers(**changes: object) -> None:
    state.update(peers=replace(state.get().peers, **changes))


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

now = current(ctx)
group = now.peers
if group is None:
    st.info(render.plain(now.problem or "Choose comparators to form a peer group."), icon=":material/group_add:")
    st.stop()
codes = [area.code, *group.codes]
names = {c: ds.areas.loc[c, "name"] for c in codes}
if view.anonymised:
    names.update(anonymised_names(codes, area.code))
st.markdown(f"**{render.plain(group.label)}** · these peers also set the *peer median* and *peer best* benchmark presets "
            "(Weights and methods page).")
with st.expander(f"The {len(group.codes)} peers"):
    listed = [names[c] + (f" (distance {d:.2f})" if group.distances else "")
              for c, d in zip(group.codes, group.distances or [None] * len(group.codes), strict=True)]
    st.markdown(render.plain(", ".join(listed)))

cluster = ds.clusters[(ds.clusters["area_code"] == area.code) & (ds.clusters["model"] == "global")]
if len(cluster) and pd.notna(cluster["cluster"].iloc[0]):
    letter = str(cluster["cluster"].iloc[0])
    st.caption(f"ONS global cluster {letter}: {ds.cluster_descriptions.get('global', {}).get(letter.lower(), '')}")

if spec.kind == "nearest":
    ons = ons_neighbours(ds, area.code, "global", 20)["code"].tolist()
    if ons:
        overlap = len(set(group.codes) & set(ons[: len(group.codes)]))
        st.caption(f"{overlap} of these {len(group.codes)} also appear among ONS's {len(group.codes)} most similar "
                   "areas (global model).")

tab_compare, tab_heat, tab_why = st.tabs(["Every metric against the peers", "Heatmap of scores", "Why these peers"])
engine = now.engine
with tab_compare:
    if engine is None:
        st.warning(render.plain(now.problem or "No scores with these weights."))
    else:
        table = peer_table(engine, area.code, group.codes)
        shown = table.rename(columns={"metric": "Metric", "value": area.name, "rank_in_group": "Rank in group",
                                      "peer_median": "Peer median", "peer_best": "Peer best",
                                      "peers_with_data": "Peers with data"})
        st.dataframe(shown[["Metric", area.name, "Rank in group", "Peer median", "Peer best", "Peers with data"]],
                     hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 700))
        st.caption("Rank 1 is best in the group (polarity applied). Peer median and best use the peers' latest values.")
with tab_heat:
    if engine is not None:
        heat = score_heatmap(engine, codes, names)
        order = [names[c] for c in codes]
        chart = charts.peer_heatmap(heat, order)
        st.altair_chart(chart, width="stretch")
        st.caption("Each cell is the metric's normalised score (higher is better after polarity); grey means no data.")
with tab_why:
    chosen = tuple(spec.variables or default_variables(ds))
    if view.anonymised:
        st.info("Hidden in anonymised mode: the context figures would identify the areas.")
        st.stop()
    try:
        matrix = context_matrix(ds, ds.comparison_codes(tier_for(area.code)), chosen, transform=False)
        why = explain(matrix, area.code, list(group.codes))
        why = why.join(deprivation_context(ds, list(why.index))) if area.code.startswith("E") else why
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
        st.dataframe(why.rename(columns=headers).style.format(formats), width="stretch",
                     height=min(38 + 35 * len(why), 700))
        st.caption("Context variables side by side (raw values) and each area's distance from the locality on the "
                   "standardised variables (0 = identical). ONS lists use ONS's own 29 variables, not these."
                   + (" The deprivation rank (Indices of Deprivation 2025, rank 1 = most deprived of England's 296 "
                      "districts) is shown to help judge the group; it is not used in the distance."
                      if "iod_overall_rank" in why.columns else ""))
