"""Chart specs and RAG styling without Streamlit, so pages and exports draw the same pictures.

Charts are Altair (Vega-Lite) specs; ``to_png`` renders one offline with vl-convert for the PDF
and PowerPoint exports. RAG is never colour alone: every status has a symbol and a word, and the
colours are the Okabe–Ito colour-blind-safe palette (the same values as ``lupui.render``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lupcore.scoring import RAG_BY_CODE, RAG_ORDER, RAG_STYLE, Scorecard

RAG_DOMAIN = [RAG_STYLE[r].word for r in RAG_ORDER]
RAG_RANGE = [RAG_STYLE[r].colour for r in RAG_ORDER]
RAG_SHAPES = ["triangle-up", "diamond", "triangle-down", "circle"]
MIN_COLOUR, TARGET_COLOUR = "#000000", "#0072B2"
SPINE_LEGEND = ("Grey bar: every comparable area from worst (left) to best (right); darker grey: the middle half; "
                "white tick: median; **black tick: minimum**; **blue tick: target**; marker: this area "
                "(▲ green, ◆ amber, ▼ red).")
MISSIONS_LEGEND = ("Bar: the mission score (0–100) coloured by its status; black tick: the score if every metric "
                   "were at its minimum; blue tick: the score if every metric were at its target.")


def spine_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Each metric on a worst-to-best scale: range, middle half, median, minimum, target and the area.

    ``frame`` is ``lupcore.spine.spine_frame`` output (positions 0–100, right is better).
    """
    data = frame.assign(status=[RAG_STYLE[RAG_BY_CODE[c]].word for c in frame["rag"]], low=0.0, high=100.0)
    order = data["metric"].tolist()
    # Labels take at most 40% of the chart's width: at 330 px on a 390 px phone the bars shrank to a strip.
    y = alt.Y("metric:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=alt.ExprRef("min(330, containerSize()[0] * 0.4)")))
    x_scale = alt.Scale(domain=[-5, 105])
    tooltip = [alt.Tooltip("metric:N", title="Metric"), alt.Tooltip("value_text:N", title="Value"),
               alt.Tooltip("status:N", title="Status"), alt.Tooltip("minimum_text:N", title="Minimum"),
               alt.Tooltip("target_text:N", title="Target"), alt.Tooltip("worst_text:N", title="Worst area"),
               alt.Tooltip("best_text:N", title="Best area")]
    base = alt.Chart(data).encode(y=y)
    full = base.mark_bar(color="#e6e6e6", height=14).encode(
        x=alt.X("low:Q", scale=x_scale, title="Worst area  →  best area",
                axis=alt.Axis(values=[0, 25, 50, 75, 100], labels=False)), x2="high:Q")
    middle = base.mark_bar(color="#b3b3b3", height=14).encode(x="q25:Q", x2="q75:Q")
    median = base.mark_tick(color="#ffffff", thickness=2, size=14).encode(x="median:Q")
    minimum = base.mark_tick(color=MIN_COLOUR, thickness=3, size=20).encode(x="minimum:Q", tooltip=tooltip)
    target = base.mark_tick(color=TARGET_COLOUR, thickness=3, size=20).encode(x="target:Q", tooltip=tooltip)
    point = base.mark_point(filled=True, size=150, stroke="#000000", strokeWidth=0.8, opacity=1).encode(
        x="value:Q",
        # Legend below the chart: at the side it took a third of a phone's width from the bars.
        color=alt.Color("status:N", scale=alt.Scale(domain=RAG_DOMAIN, range=RAG_RANGE), title="Status",
                        legend=alt.Legend(orient="bottom", columns=2)),
        shape=alt.Shape("status:N", scale=alt.Scale(domain=RAG_DOMAIN, range=RAG_SHAPES), title="Status",
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=tooltip,
    )
    height = max(120, 26 * len(data))
    return (full + middle + median + minimum + target + point).properties(height=height)


def missions_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Mission scores as bars coloured by status, with the at-minimum and at-target reference ticks.

    ``frame`` needs columns ``mission`` (title), ``score``, ``at_minimum``, ``at_target`` (0–100,
    NaN where the mission has no local measure: such rows are left out, never drawn as 0) and
    ``rag`` (a ``Rag``).
    """
    data = frame[frame["score"].notna()].assign(status=[RAG_STYLE[r].word for r in frame.loc[frame["score"].notna(), "rag"]])
    y = alt.Y("mission:N", sort=data["mission"].tolist(), title=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Mission score (0–100)")
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(height=16).encode(
        x=x, color=alt.Color("status:N", scale=alt.Scale(domain=RAG_DOMAIN, range=RAG_RANGE), title="Status"))
    at_min = base.mark_tick(color=MIN_COLOUR, thickness=3, size=22).encode(x="at_minimum:Q")
    at_target = base.mark_tick(color=TARGET_COLOUR, thickness=3, size=22).encode(x="at_target:Q")
    return (bars + at_min + at_target).properties(height=max(80, 24 * len(data)))


def missions_frame(card: Scorecard) -> pd.DataFrame:
    """The missions chart's input from a scorecard (scores NaN where a mission has no local measure)."""
    def num(x: float | None) -> float:
        return float("nan") if x is None else float(x)

    return pd.DataFrame({
        "mission": [m.mission.title for m in card.missions],
        "score": [num(m.score) for m in card.missions],
        "at_minimum": [num(m.score_at_minimum) for m in card.missions],
        "at_target": [num(m.score_at_target) for m in card.missions],
        "rag": [m.rag for m in card.missions],
    })


def to_png(chart: alt.TopLevelMixin, width: int = 620, scale: float = 2.0, font_size: int = 12) -> bytes:
    """Render a chart to PNG offline (vl-convert bundles Vega, so no network is needed).

    ``font_size`` sets axis and legend text, so a chart stays legible when a page or slide scales it.
    """
    import vl_convert  # imported here: only the PDF and PowerPoint exports need the renderer

    spec = (chart.properties(width=width)
            .configure_axis(labelFontSize=font_size, titleFontSize=font_size)
            .configure_legend(labelFontSize=font_size, titleFontSize=font_size)).to_dict()
    return vl_convert.vegalite_to_png(spec, scale=scale)
