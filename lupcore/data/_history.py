"""One metric's published history for one area, with its breaks, gaps and boundary caveats made explicit.

Progress (methodology §7–5.4) and projections (§5.5) both start here, so the honesty rules live in
one place: points before a series break are set aside, periods the source flags as disrupted are
kept but marked, missing periods are named as gaps (never interpolated), and an area created
after 2019 is told plainly that it has no baseline on current boundaries.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from lupcore.data._dataset import Dataset
from lupcore.model import IndicatorMeta
from lupcore.periods import PeriodError, display_label, parse_period

BASELINE_YEAR = 2019  # methodology §7: the latest period ending in 2019


@dataclass(frozen=True, slots=True)
class SeriesNotes:
    """What the registry does not (yet) hold: where a series breaks and which periods are disrupted."""

    comparable_from: str = ""  # ISO date: periods starting earlier are not comparable
    break_note: str = ""
    disrupted: tuple[str, ...] = ()  # period labels kept on charts but left out of trend fits
    disrupted_note: str = ""


_EYFS = SeriesNotes("2021-09-01", "Series break: the early years framework was reformed in 2021/22, "
                                  "so earlier years are not comparable.")
SERIES_NOTES: dict[str, SeriesNotes] = {
    "level3_plus": SeriesNotes("2022-01-01", "Series break: qualifications are counted on the Regulated "
                                             "Qualifications Framework basis from 2022, so the earlier NVQ-based "
                                             "figures are not comparable and the series starts in 2022."),
    "eyfs_communication": _EYFS,
    "eyfs_literacy": _EYFS,
    "eyfs_maths": _EYFS,
    "gcse_english_maths": SeriesNotes(disrupted=("2019-09-01/P1Y", "2020-09-01/P1Y"),
                                      disrupted_note="2019/20 and 2020/21 used teacher-assessed grades: "
                                                     "shown, but left out of the trend."),
}

NATIONAL_BY_COVERAGE: dict[tuple[str, ...], str] = {  # mirrors lupcore.benchmarks (private there)
    ("E",): "E92000001", ("W",): "W92000004", ("S",): "S92000003", ("N",): "N92000002",
    ("E", "W"): "K04000001", ("E", "W", "S"): "K03000001", ("E", "W", "S", "N"): "K02000001",
}


@dataclass(frozen=True, eq=False)
class History:
    """Comparable, valued points oldest first (``points``: period, t, value, lci95, uci95, disrupted)."""

    meta: IndicatorMeta
    area_code: str
    source_area: str  # the county, for a district showing a county-only metric
    points: pd.DataFrame
    gaps: tuple[str, ...]  # display labels of periods with no value between published ones
    notes: tuple[str, ...]  # plain-English caveats: breaks, gaps, boundaries, county values
    unvalued_before: bool  # rows exist before the first value but carry none (e.g. old boundaries)
    area_start: int | None  # year the area's code came into being, if after 2017
    area_name: str

    @property
    def empty(self) -> bool:
        """No comparable published value at all."""
        return self.points.empty

    def fit_points(self) -> pd.DataFrame:
        """Points a trend may use: comparable and not disrupted."""
        return self.points[~self.points["disrupted"]]


@dataclass(frozen=True, slots=True)
class Baseline:
    """The period progress is measured from, its value and CI, and why it was chosen (``note``)."""

    period: str | None
    value: float | None
    lci95: float | None
    uci95: float | None
    t: float | None
    chosen_by: str  # "default", "you", "earliest available", "" (none)
    note: str

    @property
    def label(self) -> str:
        """The period as a reader knows it (2018/19), or "no baseline"."""
        return display_label(self.period) if self.period else "no baseline"


def national_code(meta: IndicatorMeta) -> str:
    """The published national series for the nations a metric covers (England, GB, UK…)."""
    key = tuple(n for n in "EWSN" if n in meta.nations)
    return NATIONAL_BY_COVERAGE.get(key, "K02000001")


def _raw_series(dataset: Dataset, meta: IndicatorMeta, area_code: str,
                extra: pd.DataFrame | None) -> tuple[pd.DataFrame, str]:
    """The area's rows, falling back to the county's for county-only metrics (and saying so)."""
    if extra is not None and meta.id in set(extra["indicator_id"]):
        rows = extra[(extra["indicator_id"] == meta.id) & (extra["area_code"] == area_code)]
        return rows.sort_values("period_start"), area_code
    rows = dataset.series(meta.id, area_code)
    if rows.empty and meta.geography == "utla" and dataset.has_area(area_code):
        county = str(dataset.areas.at[area_code, "utla_code"] or "")
        if county and county != area_code:
            return dataset.series(meta.id, county), county
    return rows, area_code


def _with_time(rows: pd.DataFrame, notes: SeriesNotes) -> pd.DataFrame:
    valued = rows[rows["value"].notna()]
    labels = [str(p) for p in valued["period"]]
    periods = [parse_period(p) for p in labels]
    frame = pd.DataFrame({
        "period": labels,
        "start": [p.start for p in periods],
        "end": [p.end for p in periods],
        "t": [p.midpoint for p in periods],
        "value": valued["value"].to_numpy(dtype=float),
        "lci95": valued["lci95"].to_numpy(dtype=float) if "lci95" in valued else np.nan,
        "uci95": valued["uci95"].to_numpy(dtype=float) if "uci95" in valued else np.nan,
    })
    frame["disrupted"] = frame["period"].isin(notes.disrupted)
    return frame.sort_values("t", kind="stable", ignore_index=True)


def _shift(label: str, months: int) -> str:
    """The same kind of period ``months`` later (2018-09-01/P1Y + 12 → 2019-09-01/P1Y)."""
    head, _, duration = label.partition("/")
    d = date.fromisoformat(head)
    total = d.year * 12 + d.month - 1 + months
    year, month = total // 12, total % 12 + 1
    moved = date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
    return f"{moved.isoformat()}/{duration}" if duration else moved.isoformat()


def _months(a: date, b: date) -> float:
    return (b.year - a.year) * 12 + (b.month - a.month) + (b.day - a.day) / 30.0


def missing_periods(points: pd.DataFrame) -> tuple[str, ...]:
    """Display labels of the periods skipped between published points (a regular series only)."""
    if len(points) < 3:
        return ()
    steps = [_months(a, b) for a, b in zip(points["start"][:-1], points["start"][1:], strict=True)]
    step = round(min(steps))  # the series' own spacing: a gap is any jump of one and a half steps or more
    if step < 1:
        return ()
    missing: list[str] = []
    for label, gap in zip(points["period"][:-1], steps, strict=True):
        count = int(round(gap / step)) - 1
        missing += [display_label(_shift(label, step * k)) for k in range(1, count + 1) if gap >= 1.5 * step]
    return tuple(missing)


def _gap_note(gaps: tuple[str, ...]) -> str:
    if not gaps:
        return ""
    shown = gaps[0] if len(gaps) == 1 else f"{', '.join(gaps[:-1])} and {gaps[-1]}"
    return f"No value for {shown}: shown as a gap, not joined up."


def _area_facts(dataset: Dataset, area_code: str) -> tuple[int | None, str]:
    if not dataset.has_area(area_code):
        return None, area_code
    row = dataset.areas.loc[area_code]
    start = row["start"] if "start" in row else None
    return (None if start is None or pd.isna(start) else int(start)), str(row["name"])


def load_history(dataset: Dataset, meta: IndicatorMeta, area_code: str,
                 extra: pd.DataFrame | None = None) -> History:
    """The metric's comparable history for ``area_code``.

    Parameters
    ----------
    dataset : Dataset
        Published observations (``Dataset.series``).
    meta : IndicatorMeta
        The metric; local (uploaded) metrics have no published series.
    extra : DataFrame, optional
        Further observations (columns as ``Dataset.observations``), e.g. a local metric's history.

    Points before a series break are dropped (and a note says so); points the source flags as
    disrupted are kept with ``disrupted=True``. Missing values are never filled.
    """
    notes_for = SERIES_NOTES.get(meta.id, SeriesNotes())
    rows, source = _raw_series(dataset, meta, area_code, extra)
    area_start, area_name = _area_facts(dataset, area_code)
    try:
        points = _with_time(rows, notes_for)
    except PeriodError:
        points = _with_time(rows.iloc[0:0], notes_for)
    points, notes = _comparable(points, notes_for)
    if points.empty:
        notes.append(meta.boundary_note or ("No history: this is a local metric with no published series."
                                            if meta.local else "No published values for this area."))
    if source != area_code:
        county = str(dataset.areas.at[source, "name"]) if dataset.has_area(source) else source
        notes.append(f"Published for counties only: these are {county}'s values.")
    gaps = missing_periods(points)
    notes.append(_gap_note(gaps))
    return History(meta, area_code, source, points, gaps, tuple(n for n in notes if n), _unvalued_before(rows, points),
                   area_start, area_name)


def _comparable(points: pd.DataFrame, notes_for: SeriesNotes) -> tuple[pd.DataFrame, list[str]]:
    """Drop points before a series break; note the break and any disrupted periods kept."""
    notes: list[str] = []
    if notes_for.comparable_from:
        cut = date.fromisoformat(notes_for.comparable_from)
        points = points[points["start"] >= cut].reset_index(drop=True)
        notes.append(notes_for.break_note)
    if notes_for.disrupted and points["disrupted"].any():
        notes.append(notes_for.disrupted_note)
    return points, notes


def _unvalued_before(rows: pd.DataFrame, points: pd.DataFrame) -> bool:
    """Rows before the first value that carry none: the source had no value for the area yet."""
    if points.empty:
        return False
    first = pd.Timestamp(points["start"].iloc[0])
    return bool((rows["value"].isna() & (pd.to_datetime(rows["period_start"]) < first)).any())


def _pick(points: pd.DataFrame, i: int, chosen_by: str, note: str) -> Baseline:
    row = points.iloc[i]
    lo, hi = float(row["lci95"]), float(row["uci95"])
    return Baseline(str(row["period"]), float(row["value"]), None if np.isnan(lo) else lo,
                    None if np.isnan(hi) else hi, float(row["t"]), chosen_by, note)


def _fallback_note(history: History, first: str) -> str:
    """Why there is no 2019 baseline, in one sentence."""
    name = history.area_name
    if history.unvalued_before or (history.area_start is not None and history.area_start > BASELINE_YEAR):
        when = f" ({name} was created in {history.area_start})" if history.area_start else ""
        return (f"No baseline on current boundaries{when}: the baseline is {first}, the earliest value "
                f"published for the current area, so there is no like-for-like 2019 value.")
    if SERIES_NOTES.get(history.meta.id, SeriesNotes()).comparable_from:
        return f"No comparable 2019 value because of the series break: the baseline is {first}, the first comparable period."
    return f"No period ending in 2019: the baseline is {first}, the earliest available."


def choose_baseline(history: History, requested: str | None = None) -> Baseline:
    """The baseline period: yours if it has a value, else the latest ending in 2019, else the earliest.

    ``requested`` is a period label (``ViewState.baseline``); one without a value here falls back
    to the default with a note saying so.
    """
    points = history.points
    if points.empty:
        return Baseline(None, None, None, None, None, "", "No baseline: " + (history.notes[-1] if history.notes else "no data."))
    lead = ""
    if requested:
        hits = np.flatnonzero(points["period"].to_numpy() == requested)
        if len(hits):
            return _pick(points, int(hits[-1]), "you", "")
        lead = f"The chosen baseline {display_label(requested)} has no comparable value here, so the default is used. "
    ending = np.flatnonzero([e.year == BASELINE_YEAR for e in points["end"]])
    if len(ending):
        return _pick(points, int(ending[-1]), "default", lead.strip())
    first = display_label(str(points["period"].iloc[0]))
    return _pick(points, 0, "earliest available", lead + _fallback_note(history, first))


def horizon_period(history: History, year: int = 2030) -> tuple[str, float]:
    """The period of the series' own kind that ends in ``year`` (KS2 → 2029/30), and its midpoint."""
    last = str(history.points["period"].iloc[-1])
    shift = 12 * (year - parse_period(last).end.year)
    label = _shift(last, shift)
    return label, parse_period(label).midpoint
