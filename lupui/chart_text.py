"""Text alternatives for charts (WCAG 1.1.1): a short accessible name, one sentence under the chart saying
what it shows and its main finding, and the chart's numbers as a table in a collapsed expander.

The sentences come from the core (``spine_sentence``, ``heatmap_sentence``, ``map_sentence``,
``trend_sentence``, ``priorities_sentence``); every sentence and cell reaches the page through
``render.plain``, so a council's own metric names or a room's text can never become markup.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from lupcore import IndicatorMeta, Projection, format_value, trend_sentence
from lupui import present, render

TABLE_LABEL = "Chart as a table"


def describe(sentence: str, table: pd.DataFrame | None = None) -> None:
    """The sentence under a chart and, when given, its rows as a plain table (a real HTML table).

    A projector shows the sentence only: the table's expander is a control, and presenter mode draws none.
    """
    st.markdown(render.plain(sentence))
    if table is not None and len(table) and present.controls():
        with st.expander(TABLE_LABEL, expanded=False):
            st.markdown(render.markdown_table(table))


def heatmap_table(heat: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """The heatmap's cells: one row per metric, one column per area, "no data" where a score is missing."""
    scores = pd.to_numeric(heat["score"], errors="coerce")
    text = heat.assign(shown=["no data" if pd.isna(s) else f"{s:.1f}" for s in scores])
    wide = text.pivot(index="metric", columns="area", values="shown")
    metrics = list(dict.fromkeys(heat["metric"]))
    return wide.loc[metrics, [a for a in order if a in wide.columns]].reset_index().rename(columns={"metric": "Metric"})


def map_table(layer: object, names: Sequence[str]) -> pd.DataFrame:
    """Every council on the map with the value and status it is coloured by, in alphabetical order."""
    table = pd.DataFrame({"Council": list(names), "Value": layer.value_text,  # type: ignore[attr-defined]
                          "Status": layer.status_text})  # type: ignore[attr-defined]
    return table.sort_values("Council", kind="stable").reset_index(drop=True)


def trend_table(meta: IndicatorMeta, labels: Sequence[str], values: Sequence[float],
                projection: Projection) -> pd.DataFrame:
    """The published points, then the projection at the horizon with its 80% and 95% ranges, then the targets."""
    def fmt(x: float) -> str:
        return format_value(x, meta)

    rows = [{"Period": lab, "Value": fmt(v), "What it is": "Published"} for lab, v in zip(labels, values, strict=True)]
    p = projection
    if p.point is not None and p.pi80 and p.pi95:
        rows.append({"Period": p.horizon_label or "2030", "Value": fmt(p.point),
                     "What it is": f"Fitted trend (80% range {fmt(p.pi80[0])} to {fmt(p.pi80[1])}; "
                                   f"95% range {fmt(p.pi95[0])} to {fmt(p.pi95[1])})"})
    rows += [{"Period": "–", "Value": fmt(t.value), "What it is": t.label} for t in p.targets]
    return pd.DataFrame(rows)


def spine_alt(area_name: str, metrics: int) -> str:
    """The spine chart's accessible name (short: the sentence under it gives the finding)."""
    return (f"Spine chart of {metrics} metrics for {area_name}: each metric's range from the worst to the best "
            "comparable area, its minimum and target, and the area's own value. Described below.")


def trend_alt(meta: IndicatorMeta, area_name: str) -> str:
    """The Progress chart's accessible name."""
    return (f"Line chart of {meta.label} in {area_name} over time, with the fitted trend and its prediction ranges "
            "to 2030 and the target. Described below.")


def trend(meta: IndicatorMeta, area_name: str, points: pd.DataFrame, projection: Projection) -> None:
    """The Progress chart's sentence and table, from the chart's own points (``period`` label and ``value``)."""
    labels, values = list(points["label"]), [float(v) for v in points["value"]]
    describe(trend_sentence(meta, area_name, labels, values, projection.point, projection.horizon_label),
             trend_table(meta, labels, values, projection))


def heatmap_alt(area_name: str, areas: int) -> str:
    """The Peers heatmap's accessible name."""
    return (f"Heatmap of metric scores from 0 to 100 for {area_name} and {areas - 1} peers, one column per area "
            "and one row per metric; grey cells have no data. Described below.")


def map_alt(title: str) -> str:
    """The map's accessible name (the click-to-choose map is also described in the sentence and table below)."""
    return f"Map of UK councils coloured by {title}. Described below, with every council's value in a table."
