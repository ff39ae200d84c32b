"""Which column is which: header roles (area_code, period, value, …), and whether a file is long or wide."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lupcore.sanitise import clean_text
from lupcore.uploads.cells import normalise_period
from lupcore.uploads.reading import _Table
from lupcore.uploads.vocabulary import MAX_METRICS, MAX_NAME, Form, Problem, _error, _show, _warning

_ROLE_KEYS: dict[str, frozenset[str]] = {
    "area_code": frozenset({"areacode", "areacd", "code", "gsscode", "areagsscode", "geographycode", "geocode",
                            "lacode", "ladcode"}),
    "area_name": frozenset({"areaname", "areanm", "name", "area", "geography", "geographyname", "laname",
                            "ladname", "localauthority"}),
    "metric": frozenset({"metric", "metricname", "indicator", "indicatorname", "measure"}),
    "period": frozenset({"period", "year", "date", "timeperiod", "time"}),
    "value": frozenset({"value", "obsvalue", "val"}),
    "lci95": frozenset({"lci95", "lci", "lowerci", "lowerci95", "lower95ci", "lowerlimit"}),
    "uci95": frozenset({"uci95", "uci", "upperci", "upperci95", "upper95ci", "upperlimit"}),
}
_ONS_GEOGRAPHY = re.compile(r"^(lad|ltla|utla|cty|cua|ctyua|cauth|rgn|ctry)\d{2}(cd|nm)$")  # e.g. LAD23CD


@dataclass(frozen=True)
class _Layout:
    form: Form
    roles: dict[str, int]
    metric_columns: tuple[int, ...] = ()


def _role(header: str) -> str | None:
    key = re.sub(r"[^a-z0-9]", "", header.casefold())
    for role, keys in _ROLE_KEYS.items():
        if key in keys:
            return role
    match = _ONS_GEOGRAPHY.match(key)
    return None if match is None else ("area_code" if match[2] == "cd" else "area_name")


def _label(table: _Table, position: int) -> str:
    """A column as the user knows it: its header, or its letter when the header is empty."""
    from openpyxl.utils import get_column_letter  # on use: openpyxl costs every replica's start a tenth of a second

    return _show(table.header[position], 60) or f"column {get_column_letter(position + 1)}"


def _detect_layout(table: _Table) -> tuple[_Layout | None, list[Problem]]:
    roles: dict[str, int] = {}
    problems: list[Problem] = []
    others: list[int] = []
    for position, header in enumerate(table.header):
        role = _role(header)
        if role is None:
            others.append(position)
        elif role in roles:
            problems.append(_error(1, _label(table, position), f"Row 1: columns '{_label(table, roles[role])}' and "
                                   f"'{_label(table, position)}' both look like the {role} column. Keep only one."))
        else:
            roles[role] = position
    if "area_code" not in roles:
        return None, problems + [_no_code_problem(table, roles)]
    if "value" in roles:
        return _Layout("long", roles), problems + _long_extra_columns(table, roles, others)
    metric_columns, found = _wide_metric_columns(table, roles, others)
    return _Layout("wide", roles, metric_columns), problems + found


def _no_code_problem(table: _Table, roles: dict[str, int]) -> Problem:
    if "area_name" in roles:
        return _error(1, _label(table, roles["area_name"]), (
            f"Row 1: there is a column of area names ('{_label(table, roles['area_name'])}') but no area_code column. "
            "Add a column called area_code holding each area's 9-character GSS code, such as E08000030."))
    for row, record in enumerate(table.preview, start=2):
        if any(_role(cell) == "area_code" for cell in record):
            return _error(1, None, f"The column names should be in row 1, but they seem to be in row {row}. "
                                   "Delete the rows above them and upload the file again.")
    found = ", ".join(f"'{_show(h, 30)}'" for h in table.header[:8] if h) or "nothing"
    return _error(1, None, f"Row 1 must hold the column names, including area_code. We found: {found}. "
                           "Download the template to see the layout.")


def _has_data(table: _Table, position: int) -> bool:
    return bool((table.body[position].str.strip() != "").any())


def _long_extra_columns(table: _Table, roles: dict[str, int], others: list[int]) -> list[Problem]:
    problems = []
    if ("lci95" in roles) != ("uci95" in roles):
        present = "lci95" if "lci95" in roles else "uci95"
        problems.append(_error(1, _label(table, roles[present]), f"Row 1: there is a {present} column but no "
                               f"{'uci95' if present == 'lci95' else 'lci95'} column. Give both ends of the interval, or neither."))
    for position in others:
        if table.header[position] or _has_data(table, position):
            problems.append(_warning(1, _label(table, position),
                                     f"Column '{_label(table, position)}' is not one we use, so it was ignored."))
    return problems


def _wide_metric_columns(table: _Table, roles: dict[str, int], others: list[int]) -> tuple[tuple[int, ...], list[Problem]]:
    problems = [_error(1, _label(table, roles[role]), f"Row 1: column '{_label(table, roles[role])}' only works in the "
                       "long layout, which also needs a value column. Download the template to see both layouts.")
                for role in ("metric", "lci95", "uci95") if role in roles]
    metrics, seen = [], {}
    for position in others:
        header, label = table.header[position], _label(table, position)
        if not header:
            if _has_data(table, position):
                problems.append(_error(1, label, f"Row 1: {label} has values but no name. Put the metric's name in row 1."))
            continue
        name, message = clean_text(header, MAX_NAME, "The metric name")
        if message:
            problems.append(_error(1, label, f"Row 1, column {label}: {message}"))
        elif name.casefold() in seen:
            problems.append(_error(1, label, f"Row 1: two columns are called '{label}'. Give each metric its own name."))
        seen[name.casefold()] = position
        metrics.append(position)
    if metrics and all(normalise_period(table.header[p]) for p in metrics):
        problems.append(_error(1, None, "The column names in row 1 look like periods. Put one metric in each column "
                                        "and choose the period, or use the long layout: area_code, period, value."))
    if not metrics:
        problems.append(_error(1, None, "Row 1 has no value column and no metric columns. Add a value column (long layout) "
                                        "or one column per metric named in row 1 (wide layout)."))
    if len(metrics) > MAX_METRICS:
        problems.append(_error(1, None, f"The file has {len(metrics)} metric columns; the most is {MAX_METRICS} at a time. "
                                        "Split it into two files."))
    return tuple(metrics), problems
