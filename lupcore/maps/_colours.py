"""Colours for a choropleth of the 361 LTLAs, and the compact expressions that carry them to deck.gl.

The boundaries are served once as a static file whose features carry an index ``i``; each rerun
sends only colours, encoded as a balanced tree of ternary expressions on ``properties.i``
(deck.gl's JSON expressions accept ``?:`` and array literals but not array indexing). Runs of
equal colours collapse, so a RAG map costs a few kilobytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

RGBA = tuple[int, int, int, int]
NO_DATA: RGBA = (189, 189, 189, 255)
# Colour-blind-safe ramps: viridis (sequential) and PuOr (diverging, zero at the pale middle).
SEQUENTIAL = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
DIVERGING = ((179, 88, 6), (241, 163, 64), (247, 247, 247), (153, 142, 195), (84, 39, 136))
ALPHA = 230


@dataclass(frozen=True, slots=True)
class ColourScale:
    """A continuous ramp over ``[low, high]`` (diverging ramps are centred on zero)."""

    kind: str  # "sequential" or "diverging"
    low: float
    high: float
    stops: tuple[tuple[int, int, int], ...]

    def ticks(self, n: int = 5) -> list[float]:
        return list(np.linspace(self.low, self.high, n))

    def css_gradient(self) -> str:
        parts = ", ".join(f"rgb{stop}" for stop in self.stops)
        return f"linear-gradient(to right, {parts})"


def scale_for(values: np.ndarray) -> ColourScale | None:
    """Diverging around zero when the data have both signs, else sequential; robust to outliers (P2–P98)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return None
    low, high = (float(v) for v in np.percentile(finite, [2, 98]))
    if low < 0 < high:
        bound = max(abs(low), abs(high))
        return ColourScale("diverging", -bound, bound, DIVERGING)
    if high <= low:
        high = low + 1.0
    return ColourScale("sequential", low, high, SEQUENTIAL)


def colours(values: np.ndarray, scale: ColourScale | None) -> list[RGBA]:
    """RGBA per area; NaN (no data) gets the distinct no-data grey."""
    if scale is None:
        return [NO_DATA] * len(values)
    stops = np.asarray(scale.stops, dtype=float)
    t = np.clip((values - scale.low) / (scale.high - scale.low), 0.0, 1.0)
    position = t * (len(stops) - 1)
    lower = np.floor(np.nan_to_num(position)).astype(int).clip(0, len(stops) - 2)
    frac = np.nan_to_num(position) - lower
    rgb = stops[lower] * (1 - frac[:, None]) + stops[lower + 1] * frac[:, None]
    out: list[RGBA] = []
    for value, (r, g, b) in zip(values, np.rint(rgb).astype(int), strict=True):
        out.append(NO_DATA if not np.isfinite(value) else (int(r), int(g), int(b), ALPHA))
    return out


def _leaf(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return "[" + ",".join(str(int(v)) for v in value) + "]"
    return repr(value) if isinstance(value, str) else str(value)


def lookup_expression(values: Sequence[object], index: str = "properties.i") -> str:
    """A deck.gl expression returning ``values[index]`` as a balanced ternary tree over runs."""
    if not len(values):
        return "[0,0,0,0]"
    runs: list[tuple[int, object]] = []  # (first index of the run, value)
    for i, value in enumerate(values):
        if not runs or runs[-1][1] != value:
            runs.append((i, value))

    def tree(lo: int, hi: int) -> str:
        if hi - lo == 1:
            return _leaf(runs[lo][1])
        mid = (lo + hi) // 2
        return f"({index}<{runs[mid][0]}?{tree(lo, mid)}:{tree(mid, hi)})"

    return tree(0, len(runs))
