"""Local metrics in the session file: a compact form, read back through the same checks as an upload.

:func:`local_metric_to_dict` writes the JSON-safe form and :func:`local_metric_from_dict` reads it back.
``MAX_ROWS`` is looked up on the package, as the reader does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from lupcore.model import LocalControl, Polarity
from lupcore.uploads import vocabulary as limits
from lupcore.uploads.build import _build_metrics
from lupcore.uploads.checks import _validate
from lupcore.uploads.issues import _assemble
from lupcore.uploads.layout import _Layout
from lupcore.uploads.lookup import _Lookup
from lupcore.uploads.reading import _Table
from lupcore.uploads.validate import LocalMetricData, _is_int, validate_meta
from lupcore.uploads.vocabulary import SESSION_VERSION, LocalMetricMeta, Problem, _error, _show, clean_meta

_SESSION_HEADER = ["area_code", "period", "value", "lci95", "uci95"]
_SESSION_LAYOUT = _Layout("long", {name: i for i, name in enumerate(_SESSION_HEADER)})


def _json_floats(series: pd.Series) -> list[float | None]:
    return [None if math.isnan(x) else float(x) for x in series.to_numpy(dtype=np.float64)]


def local_metric_to_dict(data: LocalMetricData) -> dict[str, Any]:
    """A JSON-safe, compact form of one local metric for the session file (columns as lists).

    Periods are stored once and referred to by index; missing values are ``null``; the interval
    columns are left out when the metric has none. Read it back with :func:`local_metric_from_dict`.
    """
    meta, obs = clean_meta(data.meta), data.observations
    periods = sorted(str(p) for p in obs["period"].unique())
    out: dict[str, Any] = {
        "version": SESSION_VERSION,
        "meta": {**asdict(meta), "polarity": int(meta.polarity), "local_control": str(LocalControl(meta.local_control).value)},
        "periods": periods,
        "area_code": [str(c) for c in obs["area_code"]],
        "period": pd.Categorical(obs["period"].astype(str), categories=periods).codes.tolist(),
        "value": _json_floats(obs["value"]),
    }
    for side in ("lci95", "uci95"):
        if obs[side].notna().any():
            out[side] = _json_floats(obs[side])
    return out


def _field(raw: Mapping[str, Any], key: str, kind: type | tuple[type, ...], default: Any = None, *, optional: bool = False) -> Any:
    value = raw.get(key, default)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"'{key}' has the wrong type")
    return value


def _meta_from_dict(raw: object) -> LocalMetricMeta:
    if not isinstance(raw, Mapping):
        raise TypeError("'meta' is missing")
    return LocalMetricMeta(
        id=_field(raw, "id", str), name=_field(raw, "name", str), unit=_field(raw, "unit", str, ""),
        decimals=_field(raw, "decimals", int, 1), polarity=Polarity(_field(raw, "polarity", int, 0)),
        mission=_field(raw, "mission", int, optional=True), capital=_field(raw, "capital", str, optional=True),
        local_control=LocalControl(_field(raw, "local_control", str, "medium")), source=_field(raw, "source", str, ""),
        minimum=_field(raw, "minimum", (int, float), optional=True), target=_field(raw, "target", (int, float), optional=True),
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return repr(float(value))
    return "?" if not isinstance(value, str) else value  # anything else fails the checks that follow


def _table_from_dict(d: Mapping[str, Any]) -> _Table:
    periods, codes, index, values = d.get("periods"), d.get("area_code"), d.get("period"), d.get("value")
    if not all(isinstance(x, list) for x in (periods, codes, index, values)):
        raise TypeError("columns are missing")
    n = len(codes)
    if not 0 < n <= limits.MAX_ROWS or len(index) != n or len(values) != n or len(periods) > n:
        raise ValueError("columns have different lengths")
    labels = [periods[i] if _is_int(i) and 0 <= i < len(periods) and isinstance(periods[i], str) else "?" for i in index]
    columns = [codes, labels, values]
    for side in ("lci95", "uci95"):
        side_values = d.get(side) or [None] * n
        if not isinstance(side_values, list) or len(side_values) != n:
            raise ValueError(f"'{side}' has the wrong length")
        columns.append(side_values)
    body = pd.DataFrame({i: [_cell(v) for v in column] for i, column in enumerate(columns)}, dtype=str)
    return _Table(list(_SESSION_HEADER), body, np.arange(1, n + 1, dtype=np.int64))


def local_metric_from_dict(d: object, known_codes: Mapping[str, str]) -> tuple[LocalMetricData | None, list[Problem]]:
    """Rebuild a local metric saved by :func:`local_metric_to_dict`, checking everything again.

    A damaged or edited entry gives ``(None, problems)``, never an exception: the values go through
    the same checks as an upload (codes against ``known_codes``, periods, numbers, intervals,
    duplicates) and the metadata through :func:`validate_meta`. Problems have ``row=None`` and
    name the metric.
    """
    try:
        return _from_dict(d, known_codes)
    except Exception as exc:  # a tampered file must give a message, never a crash
        return None, [_error(None, None, f"A saved local metric could not be read ({_show(exc, 80)}). "
                                         "Add it again from its original file.")]


def _from_dict(d: object, known: Mapping[str, str]) -> tuple[LocalMetricData | None, list[Problem]]:
    if not isinstance(d, Mapping) or d.get("version") != SESSION_VERSION:
        return None, [_error(None, None, "A saved local metric is from another version of the app. Add it again from its file.")]
    meta = _meta_from_dict(d.get("meta"))
    table = _table_from_dict(d)
    checked = _validate(table, _SESSION_LAYOUT, known, None, meta.name)
    listed, _ = _assemble(checked.issues, _Lookup(known), _SESSION_HEADER, noun="Saved value")
    problems = [p for p in checked.problems if p.severity == "error"] + listed
    data = None
    if not problems:
        data = _build_metrics(checked, ())[0].with_meta(clean_meta(meta))
        problems = validate_meta(data.meta, data.observations)
    name = _show(meta.name, 60) or "unnamed"
    problems = [Problem(p.severity, None, p.column, f"Saved metric '{name}': {p.message}") for p in problems]
    return (None if any(p.severity == "error" for p in problems) else data), problems
