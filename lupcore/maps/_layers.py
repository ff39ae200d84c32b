"""What a choropleth layer shows: per-area values, colours, tooltip texts and the legend.

Pure functions over an ``Engine`` for the LTLA panel, so the page only draws and the numbers
(and their rounding) match the scorecard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lupcore.format import format_number, format_value
from lupcore.maps import _colours as choropleth
from lupcore.model import IndicatorMeta, Rag
from lupcore.periods import display_label
from lupcore.scoring import RAG_BY_CODE, Engine, classify_scores, rag_text

RAG_COLOURS: dict[Rag, choropleth.RGBA] = {
    Rag.GREEN: (0, 158, 115, 235), Rag.AMBER: (230, 159, 0, 235), Rag.RED: (213, 94, 0, 235), Rag.GREY: choropleth.NO_DATA,
}
RAG_WORDS = {rag: rag_text(rag) for rag in Rag}
LAYER_KINDS = {
    "overall": "Overall Levelling Up score",
    "overall_rag": "Overall status (RAG)",
    "mission_score": "A mission's score",
    "mission_rag": "A mission's status (RAG)",
    "metric_value": "A metric's value",
    "metric_rag": "A metric's status (RAG)",
}


@dataclass(frozen=True)
class MapLayer:
    title: str
    colours: list[choropleth.RGBA]
    value_text: list[str]
    status_text: list[str]
    scale: choropleth.ColourScale | None
    categorical: bool
    legend_unit: str
    legend_note: str
    legend_ticks: tuple[str, ...]
    no_data: list[str]  # names of areas without a value


def rag_colours(codes: np.ndarray) -> list[choropleth.RGBA]:
    return [RAG_COLOURS[RAG_BY_CODE[int(c)]] for c in codes]


def map_layer(engine: Engine, kind: str, key: int | str | None = None,
              mission_titles: Mapping[int, str] | None = None) -> MapLayer:
    """Colours and texts for every panel area under one choice of what to show.

    ``mission_titles`` names a mission layer ("Mission 5: Education"); without it, "Mission 5".
    """
    panel, scores = engine.panel, engine.scores
    names = list(panel.names)
    if kind in ("metric_value", "metric_rag"):
        j = panel.column(str(key))
        meta = panel.indicators[j]
        values = panel.values[:, j]
        period = display_label(panel.periods[j])
        texts = [f"{format_value(v, meta)} ({period})" if np.isfinite(v) else "no data" for v in values]
        status = [RAG_WORDS[RAG_BY_CODE[int(c)]] for c in engine.rag[:, j]]
        direction = {1: "higher is better", -1: "lower is better"}.get(int(meta.polarity), "no better or worse")
        if kind == "metric_rag":
            return MapLayer(f"{meta.label}: status", rag_colours(engine.rag[:, j]), texts, status, None, True, "", direction,
                            (), _missing(names, values))
        scale = choropleth.scale_for(values)
        ticks = _ticks(scale, meta) if scale else ()
        return MapLayer(f"{meta.label} ({period})", choropleth.colours(values, scale), texts, status, scale, False,
                        meta.unit, direction, ticks, _missing(names, values))
    if kind in ("mission_score", "mission_rag"):
        m = int(key or 1)
        values = scores.mission[:, m - 1]
        rag = classify_scores(values, scores.mission_at_minimum[:, m - 1], scores.mission_at_target[:, m - 1])
    else:
        values = scores.overall
        rag = classify_scores(values, scores.overall_at_minimum, scores.overall_at_target)
    texts = [f"score {format_number(v, 1)}" if np.isfinite(v) else "no score" for v in values]
    status = [RAG_WORDS[RAG_BY_CODE[int(c)]] for c in rag]
    if kind.startswith("mission"):
        label = (mission_titles or {}).get(int(key or 1), f"Mission {key}") + " score"
    else:
        label = "Overall Levelling Up score"
    if kind in ("mission_rag", "overall_rag"):
        title = "Overall status" if kind == "overall_rag" else label.removesuffix(" score") + ": status"
        return MapLayer(title, rag_colours(rag), texts, status, None, True, "", "", (), _missing(names, values))
    scale = choropleth.scale_for(values)
    ticks = (*(format_number(t, 1) for t in scale.ticks(3)[:-1]), f"{format_number(scale.high, 1)} score (0–100)") if scale else ()
    return MapLayer(label, choropleth.colours(values, scale), texts, status, scale, False, "score (0–100)",
                    "higher is better", ticks, _missing(names, values))


def _ticks(scale: choropleth.ColourScale, meta: IndicatorMeta) -> tuple[str, ...]:
    """Legend ticks with the unit once: '£542 · £699 · £856', '2,084 · 4,042 · 6,001 per 100,000 population'."""
    values = scale.ticks(3)
    if meta.unit.strip() in ("£", "%"):
        return tuple(format_value(v, meta) for v in values)
    texts = [format_value(v, meta, with_unit=False) for v in values]
    texts[-1] = f"{texts[-1]} {meta.unit}".rstrip()
    return tuple(texts)


def _missing(names: list[str], values: np.ndarray) -> list[str]:
    return sorted(n for n, v in zip(names, values, strict=True) if not np.isfinite(v))
