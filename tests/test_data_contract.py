"""The committed ``data/`` against its contract, and a rebuild from ../shared that must reproduce it.

The app trusts these files without re-checking them on every run (: schemas at
the I/O boundary only), so this is where a bad refresh is caught: wrong columns, duplicate keys,
a missing value written as 0, a broken polygon, or a ``data/`` that no longer matches its sources.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series
from shapely.geometry import shape

from lupcore.data._files import AREA_COLUMNS, OBSERVATION_COLUMNS
from lupcore.ingest.build import BUILT_FILES, build
from tests.conftest import SHARED, require_shared

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
GSS_CODE = r"^[EWSNK]\d{8}$"
STATUS_CODES = ("x", "u", "c", "z")  # ONS: not available, low reliability, confidential, not applicable
NATION_OF_LETTER = {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
LTLA_COUNTS = {"E": 296, "W": 22, "S": 32, "N": 11}  # LAD 2025 (data-survey §1)
NEIGHBOUR_MODELS = ("global", "economic", "demographic")


class Observations(pa.DataFrameModel):
    """``observations.parquet``: one tidy row per indicator × area × period."""

    indicator_id: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$")
    area_code: Series[str] = pa.Field(str_matches=GSS_CODE)
    period: Series[str] = pa.Field(str_length={"min_value": 1})
    period_start: Series[pd.Timestamp]
    period_end: Series[pd.Timestamp]
    value: Series[float] = pa.Field(nullable=True)
    lci95: Series[float] = pa.Field(nullable=True)
    uci95: Series[float] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(nullable=True, isin=list(STATUS_CODES))

    class Config:
        strict = True
        ordered = True
        coerce = True
        unique = ["indicator_id", "area_code", "period"]

    @pa.dataframe_check(error="period_start after period_end")
    def period_in_order(cls, df: pd.DataFrame) -> Series[bool]:  # noqa: N805 (pandera passes the class)
        return df["period_start"] <= df["period_end"]

    @pa.dataframe_check(error="a value with a status code (x/u/c/z) must be null: missing is null, never 0")
    def flagged_rows_have_no_value(cls, df: pd.DataFrame) -> Series[bool]:  # noqa: N805
        return df["status"].isna() | df["value"].isna()

    @pa.dataframe_check(error="value outside its own 95% confidence interval")
    def value_within_interval(cls, df: pd.DataFrame) -> Series[bool]:  # noqa: N805
        both = df["lci95"].notna() & df["uci95"].notna() & df["value"].notna()
        inside = (df["lci95"] <= df["value"]) & (df["value"] <= df["uci95"])
        return ~both | inside


class Areas(pa.DataFrameModel):
    """``areas.parquet``: every area any observation is keyed on, current or abolished."""

    code: Series[str] = pa.Field(str_matches=GSS_CODE, unique=True)
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    tier: Series[str] = pa.Field(isin=["ltla", "utla", "cauth", "region", "nation"])
    nation: Series[str]
    region: Series[str]
    region_code: Series[str]
    utla_code: Series[str]
    utla_name: Series[str]
    cauth_code: Series[str]
    cauth_name: Series[str]
    population: Series[float] = pa.Field(nullable=True, gt=0)
    land_area_ha: Series[float] = pa.Field(nullable=True, gt=0)
    lon: Series[float] = pa.Field(nullable=True, ge=-8.7, le=1.8)  # a point inside the UK, for map labels
    lat: Series[float] = pa.Field(nullable=True, ge=49.8, le=60.9)
    current: Series[bool]
    start: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=2000, le=2100)
    end: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=2000, le=2100)

    class Config:
        strict = True
        ordered = True
        coerce = True


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return pd.read_parquet(DATA / "observations.parquet")


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    return pd.read_parquet(DATA / "areas.parquet")


@pytest.fixture(scope="module")
def current_ltlas(areas: pd.DataFrame) -> set[str]:
    return set(areas.loc[areas["current"] & areas["tier"].eq("ltla"), "code"])


@pytest.fixture(scope="module")
def indicators() -> list[dict]:
    return json.loads((DATA / "indicators.json").read_text(encoding="utf-8"))


def test_schemas_match_the_loader() -> None:
    """The contract and ``lupcore.io`` agree on the columns, so neither can drift alone."""
    assert tuple(Observations.to_schema().columns) == OBSERVATION_COLUMNS
    assert tuple(Areas.to_schema().columns) == AREA_COLUMNS


def test_observations_contract(observations: pd.DataFrame) -> None:
    Observations.validate(observations, lazy=True)


def test_missing_is_null_never_zero(observations: pd.DataFrame) -> None:
    """Suppressed or unavailable figures stay null; the 'x' rows prove the build does not zero-fill."""
    flagged = observations[observations["status"].isin(STATUS_CODES)]
    assert (observations["status"] == "x").sum() > 0, "expected some 'not available' rows in the ONS data"
    assert flagged["value"].isna().all()
    assert not (flagged["value"] == 0).any()


def test_areas_contract(areas: pd.DataFrame) -> None:
    Areas.validate(areas, lazy=True)


def test_current_lower_tier_is_lad_2025(areas: pd.DataFrame, current_ltlas: set[str]) -> None:
    assert len(current_ltlas) == 361
    by_nation = pd.Series(sorted(current_ltlas)).str[0].value_counts().to_dict()
    assert by_nation == LTLA_COUNTS
    ltla = areas[areas["code"].isin(current_ltlas)]
    assert (ltla["nation"] == ltla["code"].str[0].map(NATION_OF_LETTER)).all()
    assert ltla[["population", "land_area_ha", "lon", "lat"]].notna().all().all()


def test_observations_are_keyed_on_known_areas(observations: pd.DataFrame, areas: pd.DataFrame) -> None:
    assert set(observations["area_code"].unique()) <= set(areas["code"])


def test_boundaries(current_ltlas: set[str]) -> None:
    path = DATA / "boundaries-ltla.geojson"
    assert path.stat().st_size < 2_000_000, "boundaries must stay small enough to send to every browser"
    geo = json.loads(path.read_text(encoding="utf-8"))
    features = geo["features"]
    assert geo["type"] == "FeatureCollection" and len(features) == 361
    codes = [f["properties"]["code"] for f in features]
    assert sorted(codes) == sorted(current_ltlas)
    invalid = [f["properties"]["code"] for f in features if not shape(f["geometry"]).is_valid]
    assert invalid == []


def test_neighbours(current_ltlas: set[str]) -> None:
    """ONS publishes 20 ordered nearest neighbours per LTLA and model, all of them current LTLAs."""
    nb = pd.read_parquet(DATA / "neighbours.parquet")
    ltla = nb[nb["area_code"].isin(current_ltlas)]
    assert set(ltla["area_code"]) == current_ltlas
    counts = ltla.groupby(["area_code", "model"]).size()
    assert len(counts) == 361 * len(NEIGHBOUR_MODELS) and (counts == 20).all()
    assert set(ltla["model"]) == set(NEIGHBOUR_MODELS)
    ranks = ltla.groupby(["area_code", "model"])["rank"].apply(lambda r: sorted(r.tolist()))
    assert all(r == list(range(1, 21)) for r in ranks)
    assert set(ltla["neighbour_code"]) <= current_ltlas
    assert not (ltla["neighbour_code"] == ltla["area_code"]).any()


def test_indicator_metadata(indicators: list[dict], observations: pd.DataFrame) -> None:
    ids = [m["id"] for m in indicators]
    assert len(ids) == len(set(ids)), "duplicate indicator ids"
    assert set(observations["indicator_id"].unique()) <= set(ids)
    problems = []
    for m in indicators:
        if m["polarity"] not in (-1, 0, 1):
            problems.append(f"{m['id']}: polarity {m['polarity']!r}")
        if m["mission"] is not None and not (isinstance(m["mission"], int) and 1 <= m["mission"] <= 12):
            problems.append(f"{m['id']}: mission {m['mission']!r}")
        if m["role"] not in ("headline", "supporting", "context"):
            problems.append(f"{m['id']}: role {m['role']!r}")
        if m["local_control"] not in ("high", "medium", "low"):
            problems.append(f"{m['id']}: local_control {m['local_control']!r}")
    assert problems == []


def test_missions_cover_one_to_twelve() -> None:
    missions = json.loads((DATA / "missions.json").read_text(encoding="utf-8"))
    assert sorted(m["mission"] for m in missions) == list(range(1, 13))


@pytest.mark.slow
def test_rebuild_reproduces_committed_data(tmp_path: Path) -> None:
    """``make data`` from ../shared gives exactly the committed files (so data/ is reproducible)."""
    require_shared(SHARED / "data" / "ons-els")
    build(SHARED, ROOT / "registry", tmp_path)
    for name in BUILT_FILES:
        built, committed = tmp_path / name, DATA / name
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(built), pd.read_parquet(committed), obj=name)
        else:
            assert built.read_bytes() == committed.read_bytes(), f"{name} differs from a fresh build"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BUILT_FILES)


def _zero_fill(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[df["status"].eq("x").fillna(False).idxmax(), "value"] = 0.0
    return df


def _duplicate_key(df: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([df, df.head(1)], ignore_index=True)


def _extra_column(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(notes="")


def _reversed_period(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "period_end"] = df.loc[0, "period_start"] - pd.Timedelta(days=1)
    return df


@pytest.mark.parametrize("corrupt", [_zero_fill, _duplicate_key, _extra_column, _reversed_period],
                         ids=lambda f: f.__name__.strip("_"))
def test_contract_rejects(corrupt: Callable[[pd.DataFrame], pd.DataFrame], observations: pd.DataFrame) -> None:
    """Guard the guard: each rule fails on a frame that breaks it."""
    sample = pd.concat([observations.head(200), observations[observations["status"].eq("x").fillna(False)].head(5)],
                       ignore_index=True)
    Observations.validate(sample)
    with pytest.raises((pa.errors.SchemaError, pa.errors.SchemaErrors)):
        Observations.validate(corrupt(sample.copy()), lazy=True)


VALUE_SOURCE_KINDS = {"partnership", "several partnerships", "police force area", "region", "nation",
                      "combined authority", "Greater London", "not covered"}


def test_value_sources_contract(observations: pd.DataFrame, indicators: list[dict]) -> None:
    """``value-sources.csv``: one note per indicator × area, for a value the area shows but does not own."""
    notes = pd.read_csv(DATA / "value-sources.csv", dtype=str, keep_default_na=False)
    assert notes.columns.tolist() == ["indicator_id", "area_code", "source_code", "source_name", "kind", "note"]
    assert not notes.duplicated(["indicator_id", "area_code"]).any()
    assert set(notes["kind"]) == VALUE_SOURCE_KINDS
    assert notes["note"].str.len().gt(0).all()
    assert notes["area_code"].str.match(GSS_CODE).all()
    assert set(notes["indicator_id"]) <= {m["id"] for m in indicators}
    valued = set(zip(observations["indicator_id"], observations["area_code"], strict=True))
    assert all(key in valued for key in zip(notes["indicator_id"], notes["area_code"], strict=True))
    borrowed = notes[notes["kind"].isin(["partnership", "police force area", "region", "nation"])]
    assert borrowed["source_code"].str.match(GSS_CODE).all() and borrowed["source_name"].str.len().gt(0).all()


def test_derived_metrics_cover_the_areas_they_should(observations: pd.DataFrame, current_ltlas: set[str]) -> None:
    """Crime for England and Wales, devolution and deprivation for England, R&D and homicide as context."""
    expected = {"neighbourhood_crime": {"E": 296, "W": 22}, "violence_with_injury": {"E": 296, "W": 22},
                "devolution_coverage": {"E": 296}, "iod_overall_rank": {"E": 296},
                "rd_public_per_head": LTLA_COUNTS, "homicide_force": {"E": 296, "W": 22, "N": 11}}
    for iid, counts in expected.items():
        rows = observations[(observations["indicator_id"] == iid) & observations["area_code"].isin(current_ltlas)]
        codes = rows.loc[rows["value"].notna() | rows["status"].notna(), "area_code"].drop_duplicates()
        assert codes.str[0].value_counts().to_dict() == counts, iid
