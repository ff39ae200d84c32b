"""Map: any metric, mission score, overall score or status across all 361 councils; click to choose."""

import html

import numpy as np
import pydeck as pdk
import streamlit as st

from lupcore import (
    LAYER_KINDS,
    NO_DATA,
    RAG_COLOURS,
    RAG_WORDS,
    Rag,
    anonymised_names,
    lookup_expression,
    map_layer,
    tier_for,
)
from lupui import render, state
from lupui.frame import frame
from lupui.render import CompactDeck
from lupui.scoring import current

PLAIN_STYLE = "app/static/plain-map-style.json"
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

c1, c2, c3 = st.columns([1.2, 2, 1])
kind = c1.selectbox("Colour the map by", list(LAYER_KINDS), format_func=LAYER_KINDS.get, key="w_map_kind")
metric_options = {m.id: m.shown_label for m in panel.indicators}
if kind in ("metric_value", "metric_rag"):
    if kind == "metric_rag":
        metric_options = {m.id: label for m, (_, label) in zip(panel.indicators, metric_options.items(), strict=True)
                          if m.polarity != 0}
    key = c2.selectbox("Metric", list(metric_options), format_func=metric_options.get, key=f"w_map_metric_{kind}")
elif kind in ("mission_score", "mission_rag"):
    with_data = [n for n in ds.missions if np.isfinite(engine.scores.mission[:, n - 1]).any()]
    key = c2.selectbox("Mission", with_data, format_func=lambda n: ds.missions[n].title, key="w_map_mission")
else:
    key = None
zoom = c3.toggle("Zoom to the locality", key="w_map_zoom")
layer = map_layer(engine, kind, key, {n: m.title for n, m in ds.missions.items()})

# Outline the locality (or a county's / combined authority's member councils) and its peers.
codes = list(panel.codes)
if is_district_level:
    selected = [codes.index(area.code)]
else:
    members = ds.areas[(ds.areas["utla_code"] == area.code) | (ds.areas["cauth_code"] == area.code)]["code"]
    selected = [codes.index(c) for c in members if c in codes]
peer_rows = [codes.index(c) for c in (group.codes if group else ()) if c in codes]
line_colour = lookup_expression([[0, 0, 0, 255] if i in selected else [0, 114, 178, 255] if i in peer_rows
                                 else [90, 90, 90, 160] for i in range(len(codes))])
line_width = lookup_expression([4 if i in selected else 3 if i in peer_rows else 0.5 for i in range(len(codes))])

# Polygons are drawn, not picked: the dots carry the tooltip and the click, so a hover never needs the
# polygons in deck.gl's picking pass (slow without a GPU) and a click never sends an outline back.
polygons = pdk.Layer(
    "GeoJsonLayer", "app/static/boundaries-ltla.geojson", id="ltla", pickable=False, stroked=True, filled=True,
    get_fill_color=lookup_expression(layer.colours), get_line_color=line_colour, get_line_width=line_width,
    line_width_units=pdk.types.String("pixels"), line_width_min_pixels=0.5,
    update_triggers={"getFillColor": [kind, str(key), layer.title], "getLineColor": [area.code, len(peer_rows)],
                     "getLineWidth": [area.code, len(peer_rows)]},
)
areas = ds.areas.loc[codes]
shown_names = dict(zip(codes, panel.names, strict=True))
if view.anonymised:  # peers lettered, as on the Peers and Compare pages
    shown_names.update(anonymised_names([area.code, *(group.codes if group else ())], area.code))
markers = pdk.Layer(
    "ScatterplotLayer",
    [{"p": [round(lon, 3), round(lat, 3)], "code": c, "name": shown_names[c], "v": v, "r": r}
     for c, lon, lat, v, r in zip(codes, areas["lon"], areas["lat"], layer.value_text, layer.status_text, strict=True)],
    id="markers", pickable=True, auto_highlight=True, get_position="p", get_radius=700, radius_min_pixels=3.5,
    radius_max_pixels=8, get_fill_color=[30, 30, 30, 210], get_line_color=[255, 255, 255, 255], stroked=True,
    line_width_min_pixels=0.8,
)
if zoom and selected:
    sub = areas.iloc[selected]
    view_state = pdk.ViewState(latitude=float(sub["lat"].mean()), longitude=float(sub["lon"].mean()), zoom=8.2)
else:
    view_state = pdk.ViewState(latitude=54.6, longitude=-3.2, zoom=4.7)
# A plain background shipped with the app: without a style Streamlit fetches a third party's basemap tiles.
deck = CompactDeck(layers=[polygons, markers], initial_view_state=view_state, map_provider=None, map_style=PLAIN_STYLE,
                tooltip={"html": "<b>{name}</b><br/>{v}<br/>{r}",
                         "style": {"backgroundColor": "#1a1a1a", "color": "white", "fontSize": "14px"}})

st.subheader(render.plain(layer.title))
if not is_district_level:
    st.info(f"The map shows local councils, so {area.name} appears as its {len(selected)} member councils "
            "(outlined in black); its own scores and status are on the Scorecard.", icon=":material/info:")
map_col, legend_col = st.columns([3, 1])
with map_col:
    event = st.pydeck_chart(deck, height=640, key="w_map_chart", on_select="rerun", selection_mode="single-object")
    st.caption("Hover over an area's dot for its value and status; click a dot to make that area the locality (or "
               "use the picker in the sidebar). Black outline: the locality; blue outlines: its peers.")
with legend_col:
    st.markdown("**Legend**")
    if layer.categorical:
        for rag in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY):
            r, g, b, _ = RAG_COLOURS[rag]
            st.markdown(f'<span style="display:inline-block;width:1.2em;height:1.2em;background:rgb({r},{g},{b});'
                        f'vertical-align:middle;border:1px solid #555"></span> {html.escape(RAG_WORDS[rag])}',
                        unsafe_allow_html=True)
    elif layer.scale is not None:
        st.markdown(f'<div style="height:1.1em;background:{layer.scale.css_gradient()};border:1px solid #555"></div>',
                    unsafe_allow_html=True)
        st.markdown(" · ".join(render.plain(t) for t in layer.legend_ticks))
        if layer.scale.kind == "diverging":
            st.caption("Diverging scale centred on zero (the data have both signs).")
        r, g, b, _ = NO_DATA
        st.markdown(f'<span style="display:inline-block;width:1.2em;height:1.2em;background:rgb({r},{g},{b});'
                    'vertical-align:middle;border:1px solid #555"></span> no data', unsafe_allow_html=True)
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
