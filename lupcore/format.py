"""Display formatting shared by pages, the CLI and exports, so a number reads the same everywhere."""

from __future__ import annotations

import math

from lupcore.model import IndicatorMeta

_PREFIX_UNITS = {"£"}
_SUFFIX_TIGHT = {"%"}


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | None, decimals: int = 1) -> str:
    """Thousands separators and fixed decimals; missing is an en dash, never 0."""
    if _is_missing(value):
        return "–"
    return f"{value:,.{decimals}f}"


def format_value(value: float | None, meta: IndicatorMeta, *, with_unit: bool = True) -> str:
    """A value in its unit: £593, 76.0%, 60.3 years, 1,062 per 100,000 population."""
    if _is_missing(value):
        return "no data"
    text = format_number(value, meta.decimals)
    if not with_unit:
        return text
    unit = meta.unit.strip()
    if unit in _PREFIX_UNITS:
        return f"£{text}" if value >= 0 else f"−£{format_number(-value, meta.decimals)}"  # type: ignore[operator]
    if unit in _SUFFIX_TIGHT:
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def format_change(delta: float | None, meta: IndicatorMeta) -> str:
    """A signed change: +1.2 pp for percentages, +£20, −0.3 years."""
    if _is_missing(delta):
        return "–"
    sign = "+" if delta >= 0 else "−"  # type: ignore[operator]
    magnitude = format_number(abs(delta), meta.decimals)  # type: ignore[arg-type]
    unit = meta.unit.strip()
    if unit == "%":
        return f"{sign}{magnitude} pp"
    if unit == "£":
        return f"{sign}£{magnitude}"
    return f"{sign}{magnitude} {unit}".rstrip()


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 11th, 22nd, 101st."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_people(count: float) -> str:
    """Residents, rounded to a sensible figure: 1,240 residents."""
    rounded = int(round(count, -1)) if abs(count) >= 100 else int(round(count))
    return f"{rounded:,} residents" if rounded != 1 else "1 resident"
