"""Every cell check on a table whose layout is known: the values in one frame, and the problems found.

A long file gives one value a row; a wide file one a metric column and row. Nothing is built here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lupcore.sanitise import clean_text
from lupcore.uploads.cells import _check_intervals, _check_numbers, _duplicates, normalise_period
from lupcore.uploads.issues import _NO_ISSUES, _issues, _join
from lupcore.uploads.layout import _label, _Layout
from lupcore.uploads.reading import _Table
from lupcore.uploads.vocabulary import _PERIOD_HELP, MAX_METRICS, MAX_NAME, Problem, _error, _plural, _show, _warning


@dataclass
class _Checked:
    values: pd.DataFrame  # pos, row, metric, column, value, lci95, uci95, area, period
    names: dict[str, str]  # metric key -> name shown to the user
    issues: list[pd.DataFrame] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _check_areas(table: _Table, layout: _Layout, known: Mapping[str, str]) -> tuple[pd.Series, pd.DataFrame]:
    position = layout.roles["area_code"]
    raw = table.body[position]
    code = raw.str.strip().str.upper()
    valid = code.isin(list(known))
    if not valid.all():  # forgive inner spaces ("E08 000030") before calling a code unknown
        code.loc[~valid] = code.loc[~valid].str.replace(r"\s+", "", regex=True)
        valid = code.isin(list(known))
    blank = code.eq("")
    label = _label(table, position)
    unknown = ~valid & ~blank
    issues = _join([_issues(table.rows[blank.to_numpy()], label, "area_blank"),
                    _issues(table.rows[unknown.to_numpy()], label, "area_unknown", raw[unknown])])
    return code.where(valid), issues


def _check_periods(table: _Table, layout: _Layout, default: str | None) -> tuple[pd.Series, pd.DataFrame, list[Problem]]:
    n = len(table.body)
    if "period" not in layout.roles:
        label = normalise_period(default) if default is not None else None
        if label is not None:
            return pd.Series([label] * n, dtype=object), _NO_ISSUES, []
        message = ("The file has no period column. Choose the period these values are for, or add a column called period. "
                   if default is None else f"'{_show(default)}' is not a period we recognise. ") + _PERIOD_HELP
        return pd.Series([None] * n, dtype=object), _NO_ISSUES, [_error(None, "period", message)]
    position = layout.roles["period"]
    raw = table.body[position]
    labels = raw.map({text: normalise_period(text) for text in raw.unique()})
    bad = labels.isna().to_numpy()
    blank = (raw.str.strip() == "").to_numpy()
    column = _label(table, position)
    issues = _join([_issues(table.rows[blank], column, "period_blank"),
                    _issues(table.rows[bad & ~blank], column, "period_bad", raw[bad & ~blank])])
    return labels.astype(object), issues, []


def _check_metric_names(table: _Table, position: int) -> tuple[pd.Series, dict[str, str], list[pd.DataFrame], list[Problem]]:
    cleaned = table.body[position].str.strip()
    keys = cleaned.str.casefold()
    blank = (keys == "").to_numpy()
    column = _label(table, position)
    issues = [_issues(table.rows[blank], column, "metric_blank")]
    first = pd.DataFrame({"key": keys, "text": cleaned, "row": table.rows})[~blank].drop_duplicates("key")
    if len(first) > MAX_METRICS:
        return keys, {}, issues, [_error(None, column, f"The file has {len(first):,} different metrics; the most is "
                                                       f"{MAX_METRICS} at a time. Split it into smaller files.")]
    names: dict[str, str] = {}
    for key, text, row in first.itertuples(index=False):
        names[key], message = clean_text(text, MAX_NAME, "the metric name")
        if message:
            issues.append(_issues([row], column, "metric_name", text, message))
    return keys, names, issues, []


def _long_values(table: _Table, layout: _Layout, fallback_name: str) -> _Checked:
    roles, n = layout.roles, len(table.body)
    checked = _Checked(pd.DataFrame(), {})
    if "metric" in roles:
        keys, checked.names, found, checked.problems = _check_metric_names(table, roles["metric"])
        checked.issues += found
    else:
        keys, checked.names = pd.Series([""] * n, dtype=object), {"": fallback_name}
    column = _label(table, roles["value"])
    value, percent, blank, found = _check_numbers(table.body[roles["value"]], table.rows, column)
    checked.issues.append(found)
    frame = pd.DataFrame({"pos": np.arange(n), "row": table.rows, "metric": keys.to_numpy(dtype=object),
                          "column": column, "value": value.to_numpy(), "percent": percent, "blank": blank})
    both_ends = "lci95" in roles and "uci95" in roles  # one end alone is reported with the header
    for side in ("lci95", "uci95"):
        frame[side] = np.nan
        if both_ends:
            number, _, _, found = _check_numbers(table.body[roles[side]], table.rows, _label(table, roles[side]))
            frame[side] = number.to_numpy()
            checked.issues.append(found)
    if both_ends:
        checked.issues.append(_check_intervals(frame, _label(table, roles["lci95"]), _label(table, roles["uci95"])))
    checked.values = frame
    return checked


_VALUE_COLUMNS = ("pos", "row", "metric", "column", "value", "percent", "blank", "lci95", "uci95")


def _wide_values(table: _Table, layout: _Layout) -> _Checked:
    n = len(table.body)
    checked = _Checked(pd.DataFrame(), {})
    frames = []
    for position in layout.metric_columns:
        name = clean_text(table.header[position], MAX_NAME)[0]
        key, column = name.casefold(), _label(table, position)
        checked.names.setdefault(key, name)
        value, percent, blank, found = _check_numbers(table.body[position], table.rows, column)
        checked.issues.append(found)
        frames.append(pd.DataFrame({"pos": np.arange(n), "row": table.rows, "metric": key, "column": column,
                                    "value": value.to_numpy(), "percent": percent, "blank": blank,
                                    "lci95": np.nan, "uci95": np.nan}))
    checked.values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {c: pd.Series(dtype=float if c in ("value", "lci95", "uci95") else object) for c in _VALUE_COLUMNS})
    return checked


def _validate(table: _Table, layout: _Layout, known: Mapping[str, str], default_period: str | None,
              fallback_name: str) -> _Checked:
    """Every cell check on a table whose columns are known; builds nothing."""
    checked = _long_values(table, layout, fallback_name) if layout.form == "long" else _wide_values(table, layout)
    area, found = _check_areas(table, layout, known)
    period, period_issues, problems = _check_periods(table, layout, default_period)
    checked.issues += [found, period_issues, *table.issues]
    checked.problems += problems
    positions = checked.values["pos"].to_numpy(dtype=np.int64)
    checked.values["area"] = area.to_numpy(dtype=object)[positions]
    checked.values["period"] = period.to_numpy(dtype=object)[positions]
    area_column = _label(table, layout.roles["area_code"])
    if layout.form == "long":
        what = "metric, area and period" if "metric" in layout.roles else "area and period"
        checked.issues.append(_duplicates(checked.values, ["metric", "area", "period"], area_column, what))
    else:
        per_row = pd.DataFrame({"row": table.rows, "area": area.to_numpy(dtype=object), "period": period.to_numpy(dtype=object)})
        checked.issues.append(_duplicates(per_row, ["area", "period"], area_column, "area and period"))
    checked.problems += _coverage_notes(table, checked)
    return checked


def _coverage_notes(table: _Table, checked: _Checked) -> list[Problem]:
    """File-level notes: no rows, empty metrics, missing values, percentages, one-area metrics."""
    if table.body.empty:
        readable = not any(len(found) for found in table.issues)
        return [_error(None, None, "The file has column names in row 1 but no data rows below them.")] if readable else []
    values = checked.values
    counted = values.assign(valued=values["value"].notna(), valued_area=values["area"].where(values["value"].notna()))
    per_metric = counted.groupby("metric", sort=False).agg(empty=("blank", "all"), areas=("valued_area", "nunique"))
    notes = []
    for key, empty, areas in per_metric.itertuples():
        if key not in checked.names:  # rows without a metric name, reported cell by cell
            continue
        name = _show(checked.names[key], 60)
        if empty:
            notes.append(_error(None, None, f"The metric '{name}' has no values: every one of its cells is empty."))
        elif areas == 1:
            notes.append(_warning(None, None, f"The metric '{name}' has a value for one area only, so you will need "
                                              "to set its minimum and target yourself."))
    empty = int(values["blank"].sum())
    if empty:
        notes.append(_warning(None, None, f"{_plural(empty, 'value')} left empty will be recorded as missing (not as zero)."))
    percent = int(values["percent"].sum())
    if percent:
        verb = "was" if percent == 1 else "were"
        notes.append(_warning(None, None, f"{_plural(percent, 'value')} ended in % and {verb} read as percentages "
                                          "(45% as 45). Set the metric's unit to %."))
    return notes
