"""The Map page's deck (council boundaries coloured by a layer, a dot per council for hover and click) and legend.

Everything is drawn on a plain background shipped with the app, so the map makes no request to another host.
"""

from __future__ import annotations

import html

import pydeck as pdk
import streamlit as st

from lupcore import NO_DATA, RAG_COLOURS, RAG_WORDS, Dataset, Rag, anonymised_names, lookup_expression
from lupui import render
from lupui.render import CompactDeck

PLAIN_STYLE = "app/static/plain-map-style.json"


def deck_for(ds: Dataset, area_code: str, panel: object, group: object, layer: object, trigger: tuple, zoom: bool,
             anonymised: bool, district_level: bool) -> tuple[CompactDeck, list[int]]:
    """The deck and the rows outlined as the locality (a county's or combined authority's member councils)."""
    # Outline the locality (or a county's / combined authority's member councils) and its peers.
    codes = list(panel.codes)
    if district_level:
        selected = [codes.index(area_code)]
    else:
        members = ds.areas[(ds.areas["utla_code"] == area_code) | (ds.areas["cauth_code"] == area_code)]["code"]
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
        update_triggers={"getFillColor": [*map(str, trigger), layer.title], "getLineColor": [area_code, len(peer_rows)],
                         "getLineWidth": [area_code, len(peer_rows)]},
    )
    areas = ds.areas.loc[codes]
    shown_names = dict(zip(codes, panel.names, strict=True))
    if anonymised:  # peers lettered, as on the Peers and Compare pages
        shown_names.update(anonymised_names([area_code, *(group.codes if group else ())], area_code))
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
    return deck, selected


def legend(layer: object) -> None:
    """Status colours with their words, or the colour scale with its ticks, and the no-data colour."""
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
