"""The Progress chart's text alternative: one sentence on the published series and its projection (WCAG 1.1.1)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from lupcore.format import format_value
from lupcore.model import IndicatorMeta


def trend_sentence(meta: IndicatorMeta, area_name: str, labels: Sequence[str], values: Sequence[float | None],
                   projected: float | None = None, horizon: str = "") -> str:
    """What the trend chart shows: first and latest published values, better or worse, and the projection.

    Parameters
    ----------
    meta
        The metric (its label may be a council's own text: the page escapes the sentence).
    area_name
        The locality.
    labels, values
        The published points oldest first, as display labels and values in the metric's unit. A missing
        value (None or NaN) is left out and counted, never read as 0.
    projected, horizon
        The fitted trend's central value at the horizon ("2030"), if there is one.

    Returns
    -------
    str
        "Better" and "worse" follow the metric's polarity: a fall in a lower-is-better rate is better.
    """
    points = [(lab, float(v)) for lab, v in zip(labels, values, strict=True) if v is not None and not math.isnan(v)]
    gaps = len(labels) - len(points)
    if not points:
        return f"No published value of {meta.label} for {area_name}, so the chart is empty."
    (first_label, first), (last_label, last) = points[0], points[-1]
    if len(points) == 1:
        text = f"{meta.label} in {area_name}: one published value, {format_value(first, meta)} ({first_label})."
    else:
        text = (f"{meta.label} in {area_name} went from {format_value(first, meta)} ({first_label}) to "
                f"{format_value(last, meta)} ({last_label}) over {len(points)} published values")
        change = (last - first) * meta.polarity
        if last == first:
            text += ": no change overall."
        elif meta.polarity == 0:
            text += f": {'up' if last > first else 'down'} overall (neither higher nor lower is better)."
        else:
            better = "higher" if meta.polarity > 0 else "lower"
            text += f": {'better' if change > 0 else 'worse'} overall ({better} is better)."
    if gaps:
        text += f" {gaps} {'period has' if gaps == 1 else 'periods have'} no value and {'is' if gaps == 1 else 'are'} left out."
    if projected is not None and not math.isnan(projected):
        text += f" The fitted trend reaches {format_value(projected, meta)} by {horizon or 2030}."
    return text
