"""A local metric's metadata: its id, the checks on it, and its hand-over to the scoring engine.

:func:`make_metric_id` makes the id, :func:`validate_meta` lists every problem (texts are tidied first by
:func:`clean_meta`, in ``model``) and :func:`to_indicator_meta` gives the engine's ``IndicatorMeta``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lupcore.model import CAPITALS, IndicatorMeta, LocalControl, Polarity, Role
from lupcore.sanitise import clean_text
from lupcore.uploads.vocabulary import (
    _STRING,
    MAX_NAME,
    MAX_SOURCE,
    MAX_UNIT,
    LocalMetricMeta,
    Problem,
    _error,
    _warning,
    clean_meta,
)


def make_metric_id(name: str, taken: Collection[str] = ()) -> str:
    """A slug id ``local_<name>`` for a metric, unique against ``taken`` (``_2``, ``_3``… appended)."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.casefold()).strip("_")[:40].strip("_") or "metric"
    candidate, n = f"local_{slug}", 1
    while candidate in taken:
        n += 1
        candidate = f"local_{slug}_{n}"
    return candidate


_ID = re.compile(r"local_[a-z0-9_]{1,60}")
_REQUIRED = {
    "name": "Give the metric a name, such as 'Town centre footfall'.",
    "source": "Say where the numbers come from (for example 'Council footfall counters, 2023/24'), so others can check them.",
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_meta_texts(meta: LocalMetricMeta) -> list[Problem]:
    problems = []
    for column, limit, label in (("name", MAX_NAME, "The name"), ("unit", MAX_UNIT, "The unit"),
                                 ("source", MAX_SOURCE, "The source")):
        cleaned, message = clean_text(getattr(meta, column), limit, label)
        if column in _REQUIRED and not cleaned:
            problems.append(_error(None, column, _REQUIRED[column]))
        elif message:
            problems.append(_error(None, column, message))
    if not isinstance(meta.id, str) or not _ID.fullmatch(meta.id):
        problems.append(_error(None, "id", "The metric's id must start with 'local_' followed by lower-case letters, "
                                           "digits or underscores; make one with make_metric_id()."))
    return problems


def _check_meta_choices(meta: LocalMetricMeta) -> list[Problem]:
    problems = []
    if not _is_int(meta.decimals) or not 0 <= meta.decimals <= 4:
        problems.append(_error(None, "decimals", "Decimal places must be a whole number from 0 to 4."))
    if not _is_int(meta.polarity) or meta.polarity not in (-1, 0, 1):
        problems.append(_error(None, "polarity", "Choose whether higher is better, lower is better, or neither (context only)."))
    if meta.mission is not None and (not _is_int(meta.mission) or not 1 <= meta.mission <= 12):
        problems.append(_error(None, "mission", "The mission must be a number from 1 to 12, or none."))
    if meta.capital is not None and meta.capital not in CAPITALS:
        problems.append(_error(None, "capital", f"The capital must be one of {', '.join(CAPITALS)}, or none."))
    if meta.local_control not in tuple(LocalControl):
        problems.append(_error(None, "local_control", "Local control must be high, medium or low."))
    return problems


def _check_thresholds(meta: LocalMetricMeta, n_areas: int | None) -> list[Problem]:
    bad = [_error(None, c, f"The {c} must be a number, or left empty.")
           for c in ("minimum", "target") if getattr(meta, c) is not None and not _is_real(getattr(meta, c))]
    if bad:
        return bad
    if meta.polarity not in (-1, 1):  # context only (0), or invalid and reported with the choices
        given = meta.minimum is not None or meta.target is not None
        return [_warning(None, "polarity", "This metric is context only (neither higher nor lower is better), so it is "
                                           "not scored and its minimum and target are not used.")] if given and meta.polarity == 0 else []
    problems = []
    if n_areas is not None and n_areas <= 1:
        where = "one area" if n_areas == 1 else "no area"
        problems += [_error(None, c, f"This metric has values for {where} only, so there is nothing to compare it with: "
                                     f"set its {c} yourself.") for c in ("minimum", "target") if getattr(meta, c) is None]
    elif n_areas is not None and n_areas < 10 and (meta.minimum is None or meta.target is None):
        problems.append(_warning(None, None, f"Only {n_areas} areas have values, so a minimum and target worked out from "
                                             "them would be weak. Consider setting them yourself."))
    if meta.minimum is not None and meta.target is not None:
        if meta.polarity == 1 and meta.target < meta.minimum:
            problems.append(_error(None, "target", f"Higher is better for this metric, so the target ({meta.target:g}) "
                                                   f"must be at least the minimum ({meta.minimum:g})."))
        if meta.polarity == -1 and meta.target > meta.minimum:
            problems.append(_error(None, "target", f"Lower is better for this metric, so the target ({meta.target:g}) "
                                                   f"must be no more than the minimum ({meta.minimum:g})."))
    return problems


def _valued_areas(values: pd.DataFrame | None) -> int | None:
    if values is None or not {"area_code", "value"} <= set(values.columns):
        return None
    return int(values.loc[values["value"].notna(), "area_code"].nunique())


def validate_meta(meta: LocalMetricMeta, values: pd.DataFrame | None = None) -> list[Problem]:
    """Every problem with a metric's metadata, as errors (must fix) and warnings (worth knowing).

    Parameters
    ----------
    meta
        The metadata as the user filled it in; texts are judged after :func:`clean_meta`.
    values
        The metric's observation rows (``area_code``, ``value``), or ``None`` to skip the rules that
        depend on coverage.

    Returns
    -------
    list[Problem]
        With ``row=None`` and ``column`` naming the field. Name and source are required. When
        only one area has a value, minimum and target are required, unless polarity is 0 (context
        only: not scored, so they would not be used). Target ≥ minimum when higher is better,
        target ≤ minimum when lower is better.
    """
    meta = clean_meta(meta)
    return _check_meta_texts(meta) + _check_meta_choices(meta) + _check_thresholds(meta, _valued_areas(values))


def _coverage(observations: pd.DataFrame | None, unit: str) -> dict[str, Any]:
    valued = observations[observations["value"].notna()] if observations is not None else pd.DataFrame()
    values = valued["value"] if len(valued) else pd.Series(dtype=float)
    if unit == "%":
        value_type = "percentage" if values.between(0, 100).all() else "percentage_change"
    else:
        value_type = "money" if unit.startswith("£") and (values > 0).all() else "number"
    if not len(valued):
        return {"value_type": value_type}
    ordered = valued.sort_values("period_start")
    return {"value_type": value_type, "has_ci": bool(valued["lci95"].notna().any()),
            "first_period": str(ordered["period"].iloc[0]), "last_period": str(ordered["period"].iloc[-1]),
            "nations": tuple(n for n in "EWSN" if valued["area_code"].str.startswith(n).any())}


def to_indicator_meta(meta: LocalMetricMeta, observations: pd.DataFrame | None = None) -> IndicatorMeta:
    """The scoring engine's :class:`IndicatorMeta` for a local metric (``local=True``, role supporting).

    ``source_org`` is the user's own description of the source. With ``observations`` the coverage
    (periods, nations, whether there are confidence intervals) and ``value_type`` come from the
    values: ``percentage`` only when the unit is % and every value lies in 0–100.

    Raises
    ------
    ValueError
        If :func:`validate_meta` finds an error; validate first and show the problems instead.
    """
    meta = clean_meta(meta)
    errors = [p for p in validate_meta(meta) if p.severity == "error"]
    if errors:
        raise ValueError(f"{meta.id}: {errors[0].message}")
    return IndicatorMeta(
        id=meta.id, label=meta.name, description=f"A local metric added by the user. Source: {meta.source}",
        unit=meta.unit, decimals=int(meta.decimals), polarity=Polarity(meta.polarity), mission=meta.mission,
        capital=meta.capital, role=Role.SUPPORTING, local_control=LocalControl(meta.local_control),
        source_org=meta.source, source_url="", local=True,
        caveats="Supplied by the user; not from an official statistical source.",
        **_coverage(observations, meta.unit),
    )


@dataclass(frozen=True, eq=False)
class LocalMetricData:
    """A metric's metadata and its values as observation rows (``lupcore.io.OBSERVATION_COLUMNS``)."""

    meta: LocalMetricMeta
    observations: pd.DataFrame

    def with_meta(self, meta: LocalMetricMeta) -> LocalMetricData:
        """The same values under new metadata, its texts cleaned (:func:`clean_meta`); ``indicator_id`` follows ``meta.id``."""
        meta = clean_meta(meta)
        obs = self.observations.copy()
        obs["indicator_id"] = pd.array([meta.id] * len(obs), dtype=_STRING)
        return LocalMetricData(meta, obs)

    @property
    def n_values(self) -> int:
        return int(self.observations["value"].notna().sum())

    @property
    def area_codes(self) -> tuple[str, ...]:
        valued = self.observations[self.observations["value"].notna()]
        return tuple(sorted(valued["area_code"].unique().tolist()))

    def indicator_meta(self) -> IndicatorMeta:
        """:func:`to_indicator_meta` with coverage (periods, nations, CI) taken from the values."""
        return to_indicator_meta(self.meta, self.observations)
