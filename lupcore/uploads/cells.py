"""Cells of one kind: periods as ONS labels, numbers (with £, % and thousands separators), intervals, repeats.

The checks work on a whole column at once and return the offending cells as issue rows (``issues.py``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from lupcore.periods import PeriodError, parse_period
from lupcore.uploads.issues import _NO_ISSUES, _issues, _join
from lupcore.uploads.vocabulary import MAX_VALUE

_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


def normalise_period(text: object) -> str | None:
    """An accepted period (see module docstring) as an ONS label, or ``None`` if not recognised.

    ``2023`` → ``2023-01-01/P1Y``; ``2023/24`` → ``2023-04-01/P1Y``; ISO labels are kept. Years
    outside 1900–2100 are refused as likely typing errors.
    """
    value = str(text).strip().upper()
    if _YEAR.match(value):
        value = f"{value}-01-01/P1Y"
    elif match := _FINANCIAL.match(value):
        year, following = int(match[1]), match[2]
        if int(following) != ((year + 1) % 100 if len(following) == 2 else year + 1):
            return None
        value = f"{year}-04-01/P1Y"
    elif match := _MIDNIGHT.match(value):
        value = match[1]
    try:
        period = parse_period(value)
    except PeriodError:
        return None
    return period.label if period.end >= period.start and 1900 <= period.start.year <= 2100 else None


_GROUPED = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"


def _check_numbers(raw: pd.Series, rows: np.ndarray, column: Any) -> tuple[pd.Series, np.ndarray, np.ndarray, pd.DataFrame]:
    """Text cells to float64 (NaN when empty); returns values, masks of '%' and empty cells, and the issues."""
    text = raw.str.strip()
    blank = (text == "").to_numpy()
    percent = text.str.endswith("%").to_numpy()
    if percent.any():
        text = text.mask(percent, text.str[:-1].str.rstrip())
    pounds = text.str.contains("£", regex=False)
    if pounds.any():
        text = text.mask(pounds, text.str.replace(r"^([+-]?)£\s*", r"\1", regex=True))
    commas = text.str.contains(",", regex=False)
    if commas.any():
        text = text.mask(commas & text.str.fullmatch(_GROUPED), text.str.replace(",", "", regex=False))
    number = pd.to_numeric(text, errors="coerce").astype(np.float64)
    bad = number.isna().to_numpy() & ~blank
    with np.errstate(invalid="ignore"):
        huge = np.abs(number.to_numpy()) > MAX_VALUE  # ±inf too; NaN (empty or not a number) is not huge
    if isinstance(column, pd.Series):
        column_bad, column_huge = column[bad], column[huge]
    else:
        column_bad = column_huge = column
    issues = _join([_issues(rows[bad], column_bad, "not_number", raw[bad]),
                    _issues(rows[huge], column_huge, "not_finite", raw[huge])])
    return number.mask(huge), percent & ~bad, blank, issues


def _check_intervals(values: pd.DataFrame, lower: str, upper: str) -> pd.DataFrame:
    lo, hi, value = values["lci95"], values["uci95"], values["value"]
    half = lo.isna() != hi.isna()
    both = lo.notna() & hi.notna()
    no_value = both & value.isna()
    outside = both & value.notna() & ((lo > value) | (value > hi))
    missing_side = pd.Series(np.where(lo.isna(), lower, upper), index=values.index)[half]
    offending_side = pd.Series(np.where(lo > value, lower, upper), index=values.index)[outside]
    shown = values[outside]
    text = [f"{a:.10g} to {b:.10g} does not contain the value {v:.10g}"
            for a, b, v in zip(shown["lci95"], shown["uci95"], shown["value"], strict=True)]
    return _join([
        _issues(values.loc[half, "row"], missing_side, "ci_half", other=f"{lower} and {upper}"),
        _issues(values.loc[no_value, "row"], values.loc[no_value, "column"], "ci_no_value"),
        _issues(shown["row"], offending_side, "ci_outside", other=pd.Series(text, dtype=object)),
    ])


def _duplicates(frame: pd.DataFrame, keys: list[str], column: str, what: str) -> pd.DataFrame:
    valid = frame.dropna(subset=keys)
    repeated = valid.duplicated(keys, keep="first")
    if not repeated.any():
        return _NO_ISSUES
    first = valid.groupby(keys, sort=False)["row"].transform("first")
    return _issues(valid.loc[repeated, "row"], column, "duplicate", cell=what, other=first[repeated])
