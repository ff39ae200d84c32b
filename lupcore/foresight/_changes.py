"""What a what-if change means: parsing "+5%"-style changes, valid ranges, and changes in people.

The change grammar is the session codec's (``ViewState.scenarios``): a new value ("72.5", "=72.5"),
a relative change ("+5%", "-3%"), a change in the metric's units ("+2", "-2"), or "target" and
"minimum". Signs are raw, so improving a lower-is-better metric is a minus.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np

from lupcore.data import Dataset
from lupcore.format import format_people
from lupcore.model import IndicatorMeta

_NUMBER = r"[+-]?\d+(?:\.\d+)?"
PEOPLE_BASES: dict[str, tuple[str, str]] = {  # base → (age-share indicator or "", how to name the people)
    "pop_16_64": ("pct_age_16_64", "residents aged 16 to 64"),
    "pop_0_15": ("pct_age_0_15", "children aged 0 to 15"),
    "pop_all": ("", "residents"),
}


class ScenarioError(ValueError):
    """A change that cannot be applied; the message is one plain-English sentence."""


_CHANGE = re.compile(rf"^(target|minimum|={_NUMBER}%?|\d+(?:\.\d+)?%?|{_NUMBER}%?)$")


def check_change(change: str) -> str:
    """The change in canonical form ("−2" → "-2"); raises ``ScenarioError`` if it is not a change at all."""
    text = change.strip().replace("−", "-").replace(" ", "")
    if not _CHANGE.match(text):
        raise ScenarioError(f"“{change}” is not a change: use 72.5, +5%, -3%, +2, -2, target or minimum.")
    return text


def new_value(change: str, current: float, minimum: float, target: float) -> float:
    """The value a change asks for (before clipping): "72.5" or "=72.5" sets, "+5%" scales, "+2" adds.

    "target" and "minimum" take the engine's benchmarks. Signs are raw (``-3%`` lowers the value),
    so improving a lower-is-better metric is a minus. Relative changes use ``x + p·|x|/100``.
    """
    text = check_change(change)
    if text in ("target", "minimum"):
        value = target if text == "target" else minimum
        if math.isnan(value):
            raise ScenarioError(f"There is no {text} for this metric, so it cannot be used.")
        return value
    if re.fullmatch(f"={_NUMBER}%?", text) or re.fullmatch(r"\d+(?:\.\d+)?%?", text):
        return float(text.lstrip("=").rstrip("%"))
    relative = re.fullmatch(f"({_NUMBER})%", text)
    units = re.fullmatch(_NUMBER, text)
    if (relative or units) and math.isnan(current):
        raise ScenarioError("There is no current value to change, so give a new value instead.")
    if relative:
        return current + float(relative[1]) * abs(current) / 100.0
    if units:
        return current + float(text)
    raise ScenarioError(f"“{change}” is not a change: use 72.5, +5%, -3%, +2, -2, target or minimum.")


def valid_range(meta: IndicatorMeta, reference: np.ndarray) -> tuple[float, float]:
    """0–100 for percentages, 0–10 for ratings out of 10; no negatives where the published values have
    none; else open."""
    if meta.is_percentage:
        return 0.0, 100.0
    if meta.value_type == "score" and "out of 10" in meta.unit:
        return 0.0, 10.0
    low = 0.0 if len(reference) and float(np.min(reference)) >= 0 else -math.inf
    return low, math.inf


def people_bases(dataset: Dataset, area_code: str) -> dict[str, float]:
    """Head counts behind ``IndicatorMeta.people_base``, from the latest population and age shares."""
    latest = dataset.latest_for(area_code).set_index("indicator_id")["value"]
    if "population" not in latest.index or math.isnan(float(latest["population"])):
        return {}
    population = float(latest["population"])
    out = {}
    for base, (share, _) in PEOPLE_BASES.items():
        if not share:
            out[base] = population
        elif share in latest.index and not math.isnan(float(latest[share])):
            out[base] = population * float(latest[share]) / 100.0
    return out


def people_text(meta: IndicatorMeta, delta: float, bases: Mapping[str, float]) -> tuple[float | None, str]:
    """A change in percentage points as people: "about 1,240 more residents aged 16 to 64"."""
    if not meta.is_percentage or meta.people_base not in PEOPLE_BASES or meta.people_base not in bases:
        return None, ""
    people = delta / 100.0 * bases[meta.people_base]
    noun = PEOPLE_BASES[meta.people_base][1]
    count = format_people(abs(people)).rsplit(" ", 1)[0]  # "1,240 residents" → "1,240": same rounding everywhere
    return people, f"about {count} {'more' if people >= 0 else 'fewer'} {noun}"

