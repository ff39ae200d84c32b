"""Map: any metric, mission score, overall score or status across all 361 councils; click to choose."""


import numpy as np
import streamlit as st

from lupcore import (
    LAYER_KINDS,
    map_layer,
    map_sentence,
    tier_for,
)
from lupui import chart_text, mapdeck, present, render, state
from lupui.frame import frame
from lupui.view import current

ctx = frame("Map")
ds, area, view = ctx.dataset, ctx.area, ctx.view
st.title("Map")

is_district_level = tier_for(area.code) == "ltla"
now = current(ctx, tier="ltla", with_peers=is_district_level)
panel, group, engine, problem = now.panel, now.peers, now.engine, now.peer_problem
if engine is None:
    st.warning(render.plain(now.problem or "No scores can be calculated with these weights, so the map has nothing to show."),
               icon=":material/warning:")
    st.stop()

c1, c2, c3 = st.columns([1.2, 2, 1]) if present.controls() else (st, st, st)  # presenter: the choices kept, no pickers
kind = present.pick("map_kind", lambda: c1.selectbox("Colour the map by", list(LAYER_KINDS), format_func=LAYER_KINDS.get,
                                                     key="w_map_kind"), next(iter(LAYER_KINDS)), widget="w_map_kind")
metric_options = {m.id: m.shown_label for m in panel.indicators}
if kind in ("metric_value", "metric_rag"):
    if kind == "metric_rag":
        metric_options = {m.id: label for m, (_, label) in zip(panel.indicators, metric_options.items(), strict=True)
                          if m.polarity != 0}
    key = present.pick(f"map_metric_{kind}", lambda: c2.selectbox("Metric", list(metric_options), format_func=metric_options.get,
                                                                  key=f"w_map_metric_{kind}"), next(iter(metric_options)),
                       widget=f"w_map_metric_{kind}")
elif kind in ("mission_score", "mission_rag"):
    with_data = [n for n in ds.missions if np.isfinite(engine.scores.mission[:, n - 1]).any()]
    key = present.pick("map_mission", lambda: c2.selectbox("Mission", with_data, format_func=lambda n: ds.missions[n].title,
                                                           key="w_map_mission"), with_data[0], widget="w_map_mission")
else:
    key = None
zoom = present.pick("map_zoom", lambda: c3.toggle("Zoom to the locality", key="w_map_zoom"), False, widget="w_map_zoom")
layer = map_layer(engine, kind, key, {n: m.title for n, m in ds.missions.items()})

codes = list(panel.codes)
deck, selected = mapdeck.deck_for(ds, area.code, panel, group, layer, (kind, key), zoom, view.anonymised,
                                  is_district_level)

st.subheader(render.plain(layer.title))
if not is_district_level:
    st.info(f"The map shows local councils, so {area.name} appears as its {len(selected)} member councils "
            "(outlined in black); its own scores and status are on the Scorecard.", icon=":material/info:")
map_col, legend_col = st.columns([3, 1])
with map_col:
    event = st.pydeck_chart(deck, height=640, key="w_map_chart", on_select="rerun", selection_mode="single-object",
                            alt=chart_text.map_alt(layer.title))
    st.caption("Hover over an area's dot for its value and status; click a dot to make that area the locality (or "
               "use the picker in the sidebar). Black outline: the locality; blue outlines: its peers.")
    chart_text.describe(map_sentence(layer, list(panel.names), area.name), chart_text.map_table(layer, panel.names))
with legend_col:
    st.markdown("**Legend**")
    mapdeck.legend(layer)
    if layer.legend_note:
        st.caption(render.plain(f"For this metric {layer.legend_note}."))
    i = codes.index(area.code) if area.code in codes else None
    if i is not None:
        st.markdown(f"**{render.plain(area.name)}**: {render.plain(layer.value_text[i])} · {render.plain(layer.status_text[i])}")
    if problem:
        st.caption(render.plain(problem))
    with st.expander(f"No data: {len(layer.no_data)} areas"):
        st.markdown(render.plain(", ".join(layer.no_data)) if layer.no_data else "Every area has a value.")

picked = None
if event is not None and getattr(event, "selection", None):
    for objects in event.selection.get("objects", {}).values():
        for obj in objects:
            picked = obj.get("code") or obj.get("properties", {}).get("code")
if picked and picked != area.code and ds.has_area(picked):
    state.update(area=picked)
    state.flash(f"Locality changed to {ds.area(picked).name} from the map.")
    st.rerun()
