"""Tables that stand alone outside the app: every row says which area it is about, and numbers carry
the decimals they are published with instead of floating-point noise ("696.4", not "696.4000000000001").

Used by the CSV and Excel exports. A "Value (unrounded)" column is filled only where the rounding
would hide why a status differs from what the rounded value suggests (99.98% shown as 100.0%
against a target of 100.0%); elsewhere it holds "–".
"""

from __future__ import annotations

import pandas as pd

from lupcore.export._report import ReportBundle, bundle_tables, is_number
from lupcore.model import IndicatorMeta
from lupcore.wording import decisive_decimals

__all__ = ["AREA_COLUMNS", "METRIC_COLUMNS", "standalone_tables"]

AREA_COLUMNS = ("Area code", "Area name")
METRIC_COLUMNS = frozenset({"Value", "Minimum", "Target", "Peer median", "Peer best", "Baseline", "Latest"})
WITH_AREA = frozenset({"Missions", "Capitals", "Scorecard", "Summary", "Peer comparison", "Progress", "Scenarios"})
SCORE_DECIMALS, WEIGHT_DECIMALS, OTHER_DECIMALS = 1, 4, 4


def _round(value: object, decimals: int) -> object:
    return round(float(value), decimals) if is_number(value) else value


def _column_decimals(name: str) -> int:
    if name.startswith("Score") or name.startswith("Change in score"):
        return SCORE_DECIMALS
    return WEIGHT_DECIMALS if name in ("Weight", "Distance") else OTHER_DECIMALS


def _rounded(frame: pd.DataFrame, metas: dict[str, IndicatorMeta]) -> pd.DataFrame:
    out = frame.copy()
    ids = list(frame["Indicator id"]) if "Indicator id" in frame.columns else [None] * len(frame)
    for name in frame.columns:
        column = []
        for iid, value in zip(ids, frame[name], strict=True):
            meta = metas.get(str(iid)) if name in METRIC_COLUMNS else None
            column.append(_round(value, meta.decimals if meta is not None else _column_decimals(str(name))))
        out[name] = pd.Series(column, index=frame.index, dtype=object)
    return out


def _unrounded(frame: pd.DataFrame, metas: dict[str, IndicatorMeta]) -> list[object]:
    """The full value only where more decimals are needed to tell it from its minimum or target."""
    out: list[object] = []
    for iid, value, lo, hi in zip(frame["Indicator id"], frame["Value"], frame["Minimum"], frame["Target"], strict=True):
        meta = metas.get(str(iid))
        numbers = [float(v) if is_number(v) else None for v in (value, lo, hi)]
        if meta is None or numbers[0] is None or decisive_decimals(numbers[0], numbers[1:], meta.decimals) == meta.decimals:
            out.append("–")
        else:
            out.append(numbers[0])
    return out


def standalone_tables(bundle: ReportBundle) -> dict[str, pd.DataFrame]:
    """``bundle_tables`` with the area's code and name on every row and numbers rounded as published."""
    metas = {m.meta.id: m.meta for m in bundle.card.metrics}
    code, name = str(bundle.facts["code"]), bundle.area_name
    tables = {}
    for key, frame in bundle_tables(bundle).items():
        table = _rounded(frame, metas) if not frame.empty else frame
        if key == "Scorecard" and not table.empty:
            table.insert(list(table.columns).index("Value") + 1, "Value (unrounded)", _unrounded(frame, metas))
        if key in WITH_AREA and not table.empty:
            table.insert(0, AREA_COLUMNS[1], name)
            table.insert(0, AREA_COLUMNS[0], code)
        tables[key] = table
    return tables
