"""The dataset's two derived tables against their plain definitions, written as loops.

``load_dataset`` derives ``scoring_periods`` and ``latest`` with grouped, vectorised pandas (a loop per
indicator cost every replica's start 0.6 s). The loops below say what the tables mean; the real data
must give exactly the same rows in the same order.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lupcore import Dataset
from lupcore.data._dataset import UPPER_TIER_PREFIXES

ROOT = Path(__file__).resolve().parents[3]


def scoring_periods_by_loop(ds: Dataset) -> pd.DataFrame:
    """Per indicator and panel: the newest period that at least half as many areas have as the best-covered one."""
    current = ds.areas[ds.areas["current"]]
    lower = set(current.loc[current["tier"].eq("ltla"), "code"])
    upper = set(current.loc[current["code"].str.startswith(UPPER_TIER_PREFIXES), "code"])
    combined = set(current.loc[current["tier"].eq("cauth"), "code"])
    valued = ds.observations[ds.observations["value"].notna()]
    rows = []
    for iid, meta in ds.indicators.items():
        ind = valued[valued["indicator_id"] == iid]
        for tier, members in (("ltla", lower), ("utla", upper), ("cauth", combined)):
            if tier == "ltla" and meta.geography == "utla":
                members = upper
            part = ind[ind["area_code"].isin(members)]
            if part.empty:
                continue
            counts = part.groupby(["period_start", "period"]).size()
            start, label = counts[counts >= 0.5 * counts.max()].index.max()
            rows.append({"indicator_id": iid, "tier": tier, "period": label, "period_start": start,
                         "n_areas": int(counts.loc[(start, label)])})
    return pd.DataFrame(rows)


def county_rows_by_loop(ds: Dataset) -> pd.DataFrame:
    """Each district's copy of its county's latest value on a county-only indicator, county by county."""
    county_only = [iid for iid, m in ds.indicators.items() if m.geography == "utla"]
    districts = ds.areas[ds.areas["current"] & ds.areas["code"].str.startswith("E07") & ds.areas["utla_code"].ne("")]
    own = ds.latest[ds.latest["area_code"] == ds.latest["source_area"]].set_index(["indicator_id", "area_code"])
    rows = []
    for iid in county_only:
        for code, county in zip(districts["code"], districts["utla_code"], strict=True):
            if (iid, county) in own.index:
                rows.append((iid, code, county, own.loc[(iid, county), "period"], own.loc[(iid, county), "value"]))
    return pd.DataFrame(rows, columns=["indicator_id", "area_code", "source_area", "period", "value"])


def test_scoring_periods_match_their_definition(dataset: Dataset) -> None:
    pd.testing.assert_frame_equal(dataset.scoring_periods, scoring_periods_by_loop(dataset), check_dtype=False)


def test_districts_take_their_county_value_and_say_so(dataset: Dataset) -> None:
    borrowed = dataset.latest[dataset.latest["area_code"] != dataset.latest["source_area"]]
    expected = county_rows_by_loop(dataset)
    assert len(expected) > 100  # healthy life expectancy and pupil absence for two-tier England
    got = borrowed[list(expected.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert borrowed["area_code"].str.startswith("E07").all()


def test_latest_is_each_series_newest_value(dataset: Dataset) -> None:
    own = dataset.latest[dataset.latest["area_code"] == dataset.latest["source_area"]]
    assert not own.duplicated(["indicator_id", "area_code"]).any()
    for iid, code in own[["indicator_id", "area_code"]].sample(40, random_state=1).itertuples(index=False):
        series = dataset.series(iid, code).dropna(subset=["value"])
        row = own[(own["indicator_id"] == iid) & (own["area_code"] == code)].iloc[0]
        assert row["period_start"] == series["period_start"].max()
        assert row["value"] == series.sort_values("period_start")["value"].iloc[-1]


@pytest.mark.parametrize("module", ["scipy.stats", "openpyxl", "reportlab", "pptx"])
def test_importing_the_core_leaves_slow_optional_libraries_for_later(module: str) -> None:
    """A replica's start imports the core; these libraries load when a trend, upload or export needs them."""
    code = f"import sys, lupcore; lupcore.load_dataset(); sys.exit({module!r} in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0, f"import lupcore loads {module}"
