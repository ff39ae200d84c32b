"""Charts for pages: the pure specs live in ``lupcore.charts`` so exports draw the same pictures.

A chart drawn on every rerun is prepared once (``prepared``) and cached: building an Altair chart
and turning its inline rows into Arrow on each rerun cost more than the rest of the Scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa

from lupcore import SPINE_LEGEND, spine_chart

__all__ = ["SPINE_LEGEND", "VegaChart", "altair_for_projector", "for_projector", "peer_heatmap", "prepared", "spine_chart"]

PROJECTOR_FONT_PX = 20


@dataclass(frozen=True)
class VegaChart:
    """A Vega-Lite spec without its rows, and the rows as an Arrow table: ``st.vega_lite_chart(c.data, c.spec)``.

    Shared between sessions through the cache, so neither part may be changed (Streamlit copies the
    spec before it edits it, and Arrow tables are immutable).
    """

    spec: dict[str, Any]
    data: pa.Table


def prepared(chart: alt.TopLevelMixin) -> VegaChart:
    """Split a single-dataset Altair chart into its spec and its rows."""
    spec = chart.to_dict()
    datasets = spec.pop("datasets", {})
    if len(datasets) != 1:
        raise ValueError(f"expected one dataset in the chart, found {len(datasets)}")
    spec.pop("data", None)
    (rows,) = datasets.values()
    return VegaChart(spec, pa.Table.from_pylist(rows))


_BIG = {"labelFontSize": PROJECTOR_FONT_PX, "titleFontSize": PROJECTOR_FONT_PX, "labelColor": "#1a1a1a",
        "titleColor": "#1a1a1a"}
_TALLER = 1.35  # rows as tall as their larger labels
# The height is the plot's, not the whole chart's: with Streamlit's default ("fit") the larger axis and legend
# took their room from the rows, and Vega hid every other label of the spine chart as overlapping.
_PLOT_HEIGHT = {"type": "fit-x", "contains": "padding"}


def _projector_config(config: dict[str, Any]) -> dict[str, Any]:
    """A chart's config with axis and legend text at 20 px in near-black, and text marks at 20 px."""
    return {**config, "axis": {**config.get("axis", {}), **_BIG},
            "legend": {**config.get("legend", {}), **_BIG, "symbolSize": 220}, "text": {"fontSize": PROJECTOR_FONT_PX}}


def for_projector(chart: VegaChart, presenter: bool) -> VegaChart:
    """The same chart with labels, titles and legends at 20 px for a projector (a new spec; the cached one is kept)."""
    if not presenter:
        return chart
    spec = {**chart.spec, "config": _projector_config(dict(chart.spec.get("config", {}))), "autosize": _PLOT_HEIGHT}
    if isinstance(spec.get("height"), int | float):
        spec["height"] = int(spec["height"] * _TALLER)
    return VegaChart(spec, chart.data)


def altair_for_projector(chart: alt.TopLevelMixin, presenter: bool) -> alt.TopLevelMixin:
    """``for_projector`` for an Altair chart drawn with ``st.altair_chart`` (its rows stay inline)."""
    if not presenter:
        return chart
    height = getattr(chart, "height", None)
    taller = chart.properties(height=int(height * _TALLER)) if isinstance(height, int | float) else chart.copy()
    config = _projector_config(taller.config.to_dict() if isinstance(taller.config, alt.Config) else {})
    taller.config = alt.Config.from_dict(config)
    return taller.properties(autosize=alt.AutoSizeParams(**_PLOT_HEIGHT))


NO_DATA_GREY = "#BBBBBB"


def peer_heatmap(heat: pd.DataFrame, order: list[str]) -> alt.LayerChart:
    """Metric scores (0–100, viridis) per area; a missing score is a grey cell, as the caption says (it was white)."""
    base = alt.Chart(heat).encode(
        # Every label drawn (Vega thins overlapping ones by default, leaving columns unnamed).
        x=alt.X("area:N", sort=order, title=None, axis=alt.Axis(labelAngle=-55, labelLimit=160, labelOverlap=False)),
        y=alt.Y("metric:N", sort=None, title=None, axis=alt.Axis(labelLimit=300, labelOverlap=False)),
        tooltip=["area", "metric", "value", alt.Tooltip("score:Q", format=".1f")],
    )
    missing = base.mark_rect(color=NO_DATA_GREY).transform_filter("!isValid(datum.score)")
    scored = base.mark_rect().encode(
        color=alt.Color("score:Q", scale=alt.Scale(scheme="viridis", domain=[0, 100]), title="Score (0–100)"),
    ).transform_filter("isValid(datum.score)")
    return alt.layer(missing, scored).properties(height=max(300, 20 * heat["metric"].nunique()))
