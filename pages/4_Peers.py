"""Peers: choose 'places like us' (ONS similar areas, our nearest neighbours or a named set) and compare."""

import pandas as pd
import streamlit as st

from lupcore import anonymised_names, default_variables, heatmap_sentence, ons_neighbours, peer_table, score_heatmap
from lupui import chart_text, peer_picker, present, render, vega
from lupui.frame import frame
from lupui.view import current

ctx = frame("Peers")
ds, area, view = ctx.dataset, ctx.area, ctx.view
spec = view.peers
st.title(f"Peers: places like {area.name}")
if present.controls():
    peer_picker.controls(ds, area, view)

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

tab_compare, tab_heat, tab_why = present.sections(["Every metric against the peers", "Heatmap of scores", "Why these peers"])
engine = now.engine
with tab_compare:
    if engine is None:
        st.warning(render.plain(now.problem or "No scores with these weights."))
    else:
        table = peer_table(engine, area.code, group.codes)
        shown = table.rename(columns={"metric": "Metric", "value": area.name, "rank_in_group": "Rank in group",
                                      "peer_median": "Peer median", "peer_best": "Peer best",
                                      "peers_with_data": "Peers with data"})
        present.table(shown[["Metric", area.name, "Rank in group", "Peer median", "Peer best", "Peers with data"]],
                      columns=("Metric", area.name, "Rank in group", "Peer median", "Peer best"), hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 700))
        st.caption("Rank 1 is best in the group (polarity applied). Peer median and best use the peers' latest values.")
with tab_heat:
    if engine is not None:
        heat = score_heatmap(engine, codes, names)
        order = [names[c] for c in codes]
        chart = vega.peer_heatmap(heat, order)
        present.chart(chart, width="stretch", alt=chart_text.heatmap_alt(names[area.code], len(order)))
        st.caption("Each cell is the metric's normalised score (higher is better after polarity); grey means no data.")
        chart_text.describe(heatmap_sentence(heat, names[area.code]), chart_text.heatmap_table(heat, order))
with tab_why:
    chosen = tuple(spec.variables or default_variables(ds))
    if view.anonymised:
        st.info("Hidden in anonymised mode: the context figures would identify the areas.")
        st.stop()
    peer_picker.why_these_peers(ds, area.code, group, names, chosen)
