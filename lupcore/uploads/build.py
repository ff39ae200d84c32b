"""Draft metrics from checked values: observation rows with the dtypes of ``data/observations.parquet``."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from lupcore.data import OBSERVATION_COLUMNS
from lupcore.periods import parse_period
from lupcore.uploads.checks import _Checked
from lupcore.uploads.validate import LocalMetricData, make_metric_id
from lupcore.uploads.vocabulary import _STRING, LocalMetricMeta


def _observations(indicator_ids: np.ndarray, part: pd.DataFrame) -> pd.DataFrame:
    """Observation rows with the dtypes of data/observations.parquet, sorted by indicator, area, period."""
    periods = {label: parse_period(label) for label in part["period"].unique()}
    start = part["period"].map({k: p.start for k, p in periods.items()})
    end = part["period"].map({k: p.end for k, p in periods.items()})
    frame = pd.DataFrame({
        "indicator_id": pd.array(indicator_ids, dtype=_STRING),
        "area_code": pd.array(part["area"].astype(str).to_numpy(), dtype=_STRING),
        "period": pd.array(part["period"].astype(str).to_numpy(), dtype=_STRING),
        "period_start": pd.to_datetime(start.to_numpy()).astype("datetime64[ms]"),
        "period_end": pd.to_datetime(end.to_numpy()).astype("datetime64[ms]"),
        "value": part["value"].to_numpy(dtype=np.float64),
        "lci95": part["lci95"].to_numpy(dtype=np.float64),
        "uci95": part["uci95"].to_numpy(dtype=np.float64),
        "status": pd.array([pd.NA] * len(part), dtype=_STRING),
    })
    return frame.sort_values(["indicator_id", "area_code", "period_start"], kind="stable")[list(OBSERVATION_COLUMNS)]


def _build_metrics(checked: _Checked, taken_ids: Collection[str]) -> tuple[LocalMetricData, ...]:
    taken, metas = set(taken_ids), {}
    percent = checked.values.groupby("metric", sort=False)["percent"].any()
    for key, has_percent in percent.items():
        name = checked.names[str(key)]
        metas[key] = LocalMetricMeta(id=make_metric_id(name, taken), name=name, unit="%" if has_percent else "")
        taken.add(metas[key].id)
    ids = checked.values["metric"].map({key: meta.id for key, meta in metas.items()}).to_numpy(dtype=object)
    everything = _observations(ids, checked.values)
    parts = {str(i): part.reset_index(drop=True) for i, part in everything.groupby("indicator_id", sort=False)}
    return tuple(LocalMetricData(meta, parts[meta.id]) for meta in metas.values())
