"""Whose value a metric shows, and what a mission can say for an area: one wording for every page.

* ``value_note``: "County value: Lancashire", "Value for the East and Mid Devon partnership
  (…)", "Police force area value: Cumbria", "Regional value: North West (…)". County values come
  from the dataset's ``source_area``; the others from ``data/value-sources.csv`` (``make data``).
* ``mission_coverage``: "3 of 4 metrics", "not applicable in Wales", "not rated: context only",
  "no local measure", so the Scorecard, Overview and exports word a mission's coverage alike.
* ``trend_note``: the one-period message ("Published for one period only …: no trend can be drawn").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lupcore.data._dataset import Dataset
from lupcore.model import Area, IndicatorMeta, Mission, Role
from lupcore.periods import display_label

VALUE_SOURCES = "value-sources.csv"
NOT_APPLICABLE = "not applicable"
CONTEXT_ONLY = "not rated: context only"
NO_MEASURE = "no local measure"


BORROWED_KINDS = frozenset({"partnership", "police force area", "region", "nation"})


@lru_cache(maxsize=8)
def _borrowed(data_dir: Path) -> frozenset[str]:
    path = data_dir / VALUE_SOURCES
    if not path.exists():
        return frozenset()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frozenset(frame.loc[frame["kind"].isin(BORROWED_KINDS), "indicator_id"])


def borrowed_indicators(dataset: Dataset) -> frozenset[str]:
    """Metrics some councils show a wider area's value for (a partnership, force, region or nation).

    Such a value describes the wider area, so it is never a peer variable (peers are matched on
    each council's own characteristics).
    """
    return _borrowed(Path(dataset.data_dir))


def deprivation_context(dataset: Dataset, codes: list[str], indicator_id: str = "iod_overall_rank") -> pd.Series:
    """Each area's latest deprivation rank (rank 1 = most deprived), NaN outside England: shown beside
    the peer variables to explain a peer group, never used in the distance."""
    latest = dataset.latest
    rows = latest[(latest["indicator_id"] == indicator_id) & latest["area_code"].isin(codes)]
    return rows.set_index("area_code")["value"].reindex(codes).astype(float).rename(indicator_id)


@lru_cache(maxsize=8)
def _sources(data_dir: Path) -> dict[tuple[str, str], str]:
    path = data_dir / VALUE_SOURCES
    if not path.exists():  # data built before value notes existed: no notes, never an error
        return {}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {(i, a): n for i, a, n in zip(frame["indicator_id"], frame["area_code"], frame["note"], strict=True)}


def value_note(dataset: Dataset, indicator_id: str, area_code: str, *, county: str = "") -> str:
    """Whose value the area shows for a metric, or "" for the area's own published value.

    ``county`` is the county's name when a district shows a county-only metric (the panel's
    ``from_upper_tier`` or the profile's ``source_area``).
    """
    if county:
        return f"County value: {county}"
    return _sources(Path(dataset.data_dir)).get((indicator_id, area_code), "")


def is_context(meta: IndicatorMeta) -> bool:
    return meta.role == Role.CONTEXT


def status_polarity(indicators: Sequence[IndicatorMeta]) -> np.ndarray:
    """Polarity for red/amber/green: a context metric is shown, never judged, so it is always grey.

    Its polarity stays in the registry (higher R&D is better) for the reader, but a regional or
    force-wide value, or any other context, must not colour a council red or green.
    """
    return np.array([0 if is_context(m) else int(m.polarity) for m in indicators])


def context_note(meta: IndicatorMeta) -> str:
    """"Context, not scored" for metrics shown beside a mission but never in its score."""
    return "Context, not scored" if is_context(meta) and meta.mission is not None else ""


def nation_name(area_code: str) -> str:
    return {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}.get(area_code[:1], "this nation")


def mission_coverage(dataset: Dataset, mission: Mission, area_code: str, present: int, applicable: int) -> str:
    """How much of a mission can be measured for the area, in words."""
    if not mission.applies(area_code):
        return f"{NOT_APPLICABLE} in {nation_name(area_code)}"
    if applicable:
        return f"{present} of {applicable} metrics"
    letter = area_code[:1]
    context = [m for m in dataset.indicators.values()
               if m.mission == mission.number and is_context(m) and (not m.nations or letter in m.nations)]
    return CONTEXT_ONLY if context else NO_MEASURE


def mission_status_label(mission: Mission, area_code: str) -> str:
    """"Not applicable" where the mission does not apply, else "" (the RAG status stands)."""
    return "Not applicable" if not mission.applies(area_code) else ""


def mission_gap_text(dataset: Dataset, mission: Mission, area: Area, measured: bool) -> tuple[str, str]:
    """(kind, text) for an area's mission block: ``not applicable``, ``context only``, ``none`` or ``note``."""
    if not mission.applies(area.code):
        return NOT_APPLICABLE, mission.not_applicable_note or f"Not applicable in {nation_name(area.code)}."
    if measured:
        return "note", mission.local_gap
    kind = mission_coverage(dataset, mission, area.code, 0, 0)
    gap = mission.local_gap or "No indicator in this data covers this area."
    return ("context only" if kind == CONTEXT_ONLY else "none"), gap


def trend_note(meta: IndicatorMeta) -> str:
    """The plain message for a metric published for one period only (crime, devolution, deprivation)."""
    if meta.local or not meta.first_period or meta.first_period != meta.last_period:
        return ""
    return (f"Published for one period only ({display_label(meta.first_period)}): no trend can be drawn "
            "and nothing can be projected until a second period is published.")
