"""Problems found cell by cell: rows of a frame while checking, worded as messages only for those listed."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from lupcore.sanitise import contains_html, looks_like_formula
from lupcore.uploads.lookup import _Lookup
from lupcore.uploads.vocabulary import _PERIOD_HELP, MAX_LISTED, Problem, _error, _plural, _show

# ----- issue rows (vectorised: one row per offending cell) ------------------------------------
_ISSUE_COLUMNS = ["row", "column", "kind", "cell", "other"]
_NO_ISSUES = pd.DataFrame(columns=_ISSUE_COLUMNS)  # shared and never changed


def _fit(values: Any) -> Any:
    """A Series as a plain array (so nothing aligns on its index); a scalar or list as it is."""
    return values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values


def _issues(rows: Any, column: Any, kind: str, cell: Any = "", other: Any = "") -> pd.DataFrame:
    """Offending cells as a frame; messages are written later, only for the ones listed."""
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return _NO_ISSUES
    return pd.DataFrame({"row": rows, "column": _fit(column), "kind": kind, "cell": _fit(cell), "other": _fit(other)},
                        index=range(len(rows)), columns=_ISSUE_COLUMNS)


def _join(frames: list[pd.DataFrame]) -> pd.DataFrame:
    found = [f for f in frames if len(f)]
    return pd.concat(found, ignore_index=True) if len(found) > 1 else (found[0] if found else _NO_ISSUES)


# ----- messages -------------------------------------------------------------------------------
_MISSING_MARKERS = frozenset({"-", "–", "—", "n/a", "na", "..", ".", "x", ":", "*", "null", "none", "nan", "#n/a"})


def _special_text(cell: str) -> str | None:
    """The message for a formula or HTML, whatever the column."""
    shown = _show(cell)
    if looks_like_formula(cell):
        return (f"'{shown}' looks like a spreadsheet formula. Put the value itself in the cell "
                "(in Excel: Copy, then Paste Special → Values).")
    if contains_html(cell):
        return f"'{shown}' contains HTML. Use plain text only."
    return None


def _area_message(cell: str, lookup: _Lookup) -> str:
    shown = _show(cell)
    successor = lookup.replaced.get(re.sub(r"\s+", "", cell.upper()))
    if successor in lookup.known:
        return (f"'{shown}' is an old code that is no longer used (the council was merged or recoded): "
                f"the current area is {lookup.label(successor)}. Check the values still fit the new area before changing it.")
    exact = lookup.exact_name(cell)
    if exact:
        several = " (more than one area has this name)" if len(exact) > 1 else ""
        return f"'{shown}' is an area name, not a code: use {' or '.join(exact)}{several}."
    hits = lookup.suggest(cell)
    if hits:
        options = ", ".join(lookup.label(c) for c in hits[:-1]) + (" or " if len(hits) > 1 else "") + lookup.label(hits[-1])
        return f"'{shown}' is not a current area code. Did you mean {options}?"
    return (f"'{shown}' is not a current area code. Use the area's 9-character GSS code, such as {lookup.example}. "
            "Codes change when councils merge, so check you have the current one.")


def _number_message(cell: str) -> str:
    special = None if cell.strip().casefold() in _MISSING_MARKERS else _special_text(cell)
    hint = " Use a full stop for decimals (12.5, not 12,5)." if re.search(r"\d,\d", cell) else ""
    return special or f"'{_show(cell)}' is not a number. Leave the cell empty for a missing value.{hint}"


def _describe(kind: str, cell: str, other: object, lookup: _Lookup) -> str:
    if kind in ("area_unknown", "period_bad") and (special := _special_text(cell)):
        return special
    messages = {
        "area_blank": f"the area code is empty. Give each row a 9-character GSS code such as {lookup.example}.",
        "period_blank": f"the period is empty. {_PERIOD_HELP}",
        "period_bad": f"'{_show(cell)}' is not a period we recognise. {_PERIOD_HELP}",
        "metric_blank": "the metric name is empty. Give every row the name of its metric.",
        "not_finite": f"'{_show(cell)}' is too large to use as a number. The largest we accept is 1,000,000,000,000,000 (10 to the power 15).",
        "ci_half": f"only one end of the confidence interval is given. Fill in both {other}, or leave both empty.",
        "ci_no_value": "a confidence interval is given but the value is empty. Add the value or clear the interval.",
        "ci_outside": f"the confidence interval {other}. Check the lower and upper limits are in the right columns.",
        "duplicate": f"this row repeats row {other} (same {cell}). Keep only one of them.",
        "ragged": f"this row has {cell} cells but the header has {other}. A number or name that contains a comma "
                  "must be in quotes, or written without the comma.",
    }
    if kind == "area_unknown":
        return _area_message(cell, lookup)
    if kind == "not_number":
        return _number_message(cell)
    if kind == "metric_name":
        return str(other)
    return messages.get(kind, "this cell cannot be used.")


def _assemble(issues: list[pd.DataFrame], lookup: _Lookup, columns: list[str],
              noun: str = "Row") -> tuple[list[Problem], int]:
    """Messages for the first ``MAX_LISTED`` issues in row then column order; a closing line counts the rest."""
    frames = [f for f in issues if len(f)]
    if not frames:
        return [], 0
    everything = pd.concat(frames, ignore_index=True)
    position = {label: i for i, label in enumerate(columns)}
    everything["position"] = everything["column"].map(position).fillna(len(columns))
    everything = everything.sort_values(["row", "position"], kind="stable")[_ISSUE_COLUMNS]
    listed = [_error(int(row), str(column) or None, f"{noun} {int(row)}{f', column {column}' if column else ''}: "
                     f"{_describe(kind, str(cell), other, lookup)}")
              for row, column, kind, cell, other in everything.head(MAX_LISTED).itertuples(index=False)]
    hidden = len(everything) - len(listed)
    if hidden:
        listed.append(_error(None, None, f"… and {_plural(hidden, 'more problem')} like these. "
                                         "Fix the ones listed and upload the file again to see the rest."))
    return listed, len(everything)
