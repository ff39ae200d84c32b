"""Altair charts shared by pages and exports: spine chart, trend with projection fan, bars."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lupcore.model import Rag
from lupcore.rag import RAG_BY_CODE
from lupui.render import RAG_STYLE

RAG_DOMAIN = [RAG_STYLE[r].word for r in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)]
RAG_RANGE = [RAG_STYLE[r].colour for r in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)]
RAG_SHAPES = ["triangle-up", "diamond", "triangle-down", "circle"]
MIN_COLOUR, TARGET_COLOUR = "#000000", "#0072B2"


def spine_chart(frame: pd.DataFrame) -> alt.Chart:
    """Each metric on a worst-to-best scale: range, middle half, median, minimum, target and the area."""
    data = frame.assign(status=[RAG_STYLE[RAG_BY_CODE[c]].word for c in frame["rag"]], low=0.0, high=100.0)
    order = data["metric"].tolist()
    y = alt.Y("metric:N", sort=order, title=None, axis=alt.Axis(labelLimit=330))
    x_scale = alt.Scale(domain=[-5, 105])
    tooltip = [alt.Tooltip("metric:N", title="Metric"), alt.Tooltip("value_text:N", title="Value"),
               alt.Tooltip("status:N", title="Status"), alt.Tooltip("minimum_text:N", title="Minimum"),
               alt.Tooltip("target_text:N", title="Target"), alt.Tooltip("worst_text:N", title="Worst area"),
               alt.Tooltip("best_text:N", title="Best area")]
    base = alt.Chart(data).encode(y=y)
    full = base.mark_bar(color="#e6e6e6", height=14).encode(
        x=alt.X("low:Q", scale=x_scale, title="Worst area  →  best area (comparison set)",
                axis=alt.Axis(values=[0, 25, 50, 75, 100], labels=False)), x2="high:Q")
    middle = base.mark_bar(color="#b3b3b3", height=14).encode(x="q25:Q", x2="q75:Q")
    median = base.mark_tick(color="#ffffff", thickness=2, size=14).encode(x="median:Q")
    minimum = base.mark_tick(color=MIN_COLOUR, thickness=3, size=20).encode(x="minimum:Q", tooltip=tooltip)
    target = base.mark_tick(color=TARGET_COLOUR, thickness=3, size=20).encode(x="target:Q", tooltip=tooltip)
    point = base.mark_point(filled=True, size=150, stroke="#000000", strokeWidth=0.8, opacity=1).encode(
        x="value:Q",
        color=alt.Color("status:N", scale=alt.Scale(domain=RAG_DOMAIN, range=RAG_RANGE), title="Status"),
        shape=alt.Shape("status:N", scale=alt.Scale(domain=RAG_DOMAIN, range=RAG_SHAPES), title="Status"),
        tooltip=tooltip,
    )
    height = max(120, 26 * len(data))
    return (full + middle + median + minimum + target + point).properties(height=height)


SPINE_LEGEND = ("Grey bar: every comparable area from worst (left) to best (right); darker grey: the middle half; "
                "white tick: median; **black tick: minimum**; **blue tick: target**; marker: this area "
                "(▲ green, ◆ amber, ▼ red).")
