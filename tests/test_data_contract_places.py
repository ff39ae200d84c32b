"""The committed ``data/places/`` lookups against their contract, and a rebuild that must reproduce them.

Same pattern as ``test_data_contract.py``: pandera schemas at the I/O boundary, the rules that span
files (every postcode's council is a current council, counts agree across files), and a rebuild
from ../shared plus the pinned postcode package that must equal the committed files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from lupcore.ingest.places import PLACE_FILES, PLACES_DIR, UNITS, build_places
from lupcore.places import name_key
from lupcore.places._index import PLACE_KINDS
from tests.conftest import SHARED, require_shared

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
PLACES = DATA / PLACES_DIR
GSS_CODE = r"^[EWSN]\d{8}$"
OUTWARD = r"[A-Z]{1,2}\d[A-Z\d]?"
MAX_BYTES = 5_000_000  # the budget for the added data


class Names(pa.DataFrameModel):
    key: Series[str] = pa.Field(str_length={"min_value": 1})
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    kind: Series[str] = pa.Field(isin=list(PLACE_KINDS))
    place_code: Series[str] = pa.Field(str_length={"min_value": 1})
    council: Series[str] = pa.Field(str_matches=GSS_CODE)
    share: Series[float] = pa.Field(nullable=True, gt=0, le=1)
    note: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = True
        ordered = True
        coerce = True
        unique = ["key", "kind", "council"]


class Sectors(pa.DataFrameModel):
    sector: Series[str] = pa.Field(str_matches=rf"^{OUTWARD} \d$", unique=True)
    council: Series[str] = pa.Field(str_matches=GSS_CODE)
    units: Series[object]

    class Config:
        strict = True
        ordered = True


class Exceptions(pa.DataFrameModel):
    key: Series[np.int32] = pa.Field(ge=0, unique=True)
    postcode: Series[str] = pa.Field(str_matches=rf"^{OUTWARD} \d[A-Z]{{2}}$", unique=True)
    council: Series[str] = pa.Field(str_matches=GSS_CODE)

    class Config:
        strict = True
        ordered = True


class PostcodeAreas(pa.DataFrameModel):
    area: Series[str] = pa.Field(str_matches=rf"^{OUTWARD}( \d)?$")
    kind: Series[str] = pa.Field(isin=["district", "sector"])
    council: Series[str] = pa.Field(str_matches=GSS_CODE)
    postcodes: Series[np.int32] = pa.Field(gt=0)

    class Config:
        strict = True
        ordered = True
        unique = ["area", "kind", "council"]


@pytest.fixture(scope="module")
def current_ltlas() -> set[str]:
    areas = pd.read_parquet(DATA / "areas.parquet")
    return set(areas.loc[areas["current"] & areas["tier"].eq("ltla"), "code"])


@pytest.fixture(scope="module")
def pickable() -> set[str]:
    areas = pd.read_parquet(DATA / "areas.parquet")
    return set(areas.loc[areas["current"] & areas["tier"].isin(["ltla", "utla", "cauth"]), "code"])


@pytest.fixture(scope="module")
def names() -> pd.DataFrame:
    return pd.read_parquet(PLACES / "names.parquet")


@pytest.fixture(scope="module")
def sectors() -> pd.DataFrame:
    return pd.read_parquet(PLACES / "postcode-sectors.parquet")


@pytest.fixture(scope="module")
def exceptions() -> pd.DataFrame:
    return pd.read_parquet(PLACES / "postcode-exceptions.parquet")


@pytest.fixture(scope="module")
def pc_areas() -> pd.DataFrame:
    return pd.read_parquet(PLACES / "postcode-areas.parquet")


def test_files_present_and_small() -> None:
    sizes = {name: (PLACES / name).stat().st_size for name in PLACE_FILES}
    assert sum(sizes.values()) < MAX_BYTES, sizes
    assert sorted(p.name for p in PLACES.iterdir()) == sorted(PLACE_FILES)


def test_names_contract(names: pd.DataFrame, current_ltlas: set[str], pickable: set[str]) -> None:
    Names.validate(names, lazy=True)
    assert names["key"].tolist() == sorted(names["key"]), "the search bisects: keys must be sorted"
    assert (names["key"] == names["name"].map(name_key)).all(), "key must be the name's search key"
    places = names[~names["kind"].isin(["council", "former council"])]
    assert set(places["council"]) <= current_ltlas, "a place must lead to a current lower-tier council"
    councils = names[names["kind"].eq("council")]
    assert set(councils["place_code"]) == pickable and (councils["place_code"] == councils["council"]).all()
    former = names[names["kind"].eq("former council")]
    assert not set(former["place_code"]) & current_ltlas and set(former["council"]) <= current_ltlas
    assert ("Allerdale", "E06000063") in set(zip(former["name"], former["council"], strict=True))


def test_sectors_contract(sectors: pd.DataFrame, current_ltlas: set[str]) -> None:
    Sectors.validate(sectors, lazy=True)
    assert sectors["sector"].tolist() == sorted(sectors["sector"]), "the search bisects: sectors must be sorted"
    assert set(sectors["council"]) <= current_ltlas
    width = (UNITS + 7) // 8
    assert sectors["units"].map(len).eq(width).all()
    bits = np.unpackbits(np.frombuffer(b"".join(sectors["units"]), dtype=np.uint8).reshape(len(sectors), width), axis=1)
    assert (bits.sum(axis=1) > 0).all(), "a sector with no postcode"
    assert bits[:, UNITS:].sum() == 0, "padding bits set"


def test_exceptions_contract(exceptions: pd.DataFrame, sectors: pd.DataFrame, current_ltlas: set[str]) -> None:
    Exceptions.validate(exceptions, lazy=True)
    assert exceptions["key"].is_monotonic_increasing
    assert set(exceptions["council"]) <= current_ltlas
    row = {s: i for i, s in enumerate(sectors["sector"])}
    sector = exceptions["postcode"].str[:-2]
    unit = [(ord(p[-2]) - 65) * 26 + ord(p[-1]) - 65 for p in exceptions["postcode"]]
    assert (exceptions["key"] == sector.map(row) * UNITS + np.array(unit)).all()
    majority = dict(zip(sectors["sector"], sectors["council"], strict=True))
    assert (exceptions["council"] != sector.map(majority)).all(), "an exception must differ from its sector"


def test_postcode_counts_agree(pc_areas: pd.DataFrame, sectors: pd.DataFrame, current_ltlas: set[str]) -> None:
    PostcodeAreas.validate(pc_areas, lazy=True)
    assert set(pc_areas["council"]) <= current_ltlas
    width = (UNITS + 7) // 8
    bits = np.unpackbits(np.frombuffer(b"".join(sectors["units"]), dtype=np.uint8).reshape(len(sectors), width), axis=1)
    total = int(bits.sum())
    by_kind = pc_areas.groupby("kind")["postcodes"].sum().to_dict()
    assert by_kind == {"district": total, "sector": total}
    in_sectors = pc_areas[pc_areas["kind"].eq("sector")].groupby("area")["postcodes"].sum()
    assert (in_sectors.reindex(sectors["sector"]).to_numpy() == bits.sum(axis=1)).all()
    assert not pc_areas["area"].str.match(r"^(GY|JE|IM)\d").any(), "Channel Islands and Isle of Man are placeholders"


def test_every_council_has_a_postcode_and_a_place(pc_areas: pd.DataFrame, names: pd.DataFrame,
                                                  current_ltlas: set[str]) -> None:
    assert set(pc_areas["council"]) == current_ltlas
    places = names[~names["kind"].isin(["council", "former council"])]
    assert set(places["council"]) == current_ltlas


@pytest.mark.slow
def test_rebuild_reproduces_committed_places(tmp_path: Path) -> None:
    """``make data``'s places step from ../shared and the pinned package gives exactly the committed files."""
    require_shared(SHARED / "data" / "places")
    shutil.copy(DATA / "areas.parquet", tmp_path / "areas.parquet")
    stats = build_places(SHARED, tmp_path)
    assert stats["councils_with_a_postcode"] == 361 and stats["councils_with_a_place"] == 361
    for name in PLACE_FILES:
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / PLACES_DIR / name), pd.read_parquet(PLACES / name),
                                      obj=name)
    assert sorted(p.name for p in (tmp_path / PLACES_DIR).iterdir()) == sorted(PLACE_FILES)



def test_contract_rejects(names: pd.DataFrame) -> None:
    """Guard the guard: a placeholder council code, a share of zero and a repeated row are refused."""
    sample = names.head(50).copy()
    Names.validate(sample)
    for broken in (sample.assign(council="L99999999"), sample.assign(share=0.0), pd.concat([sample, sample.head(1)], ignore_index=True)):
        with pytest.raises((pa.errors.SchemaError, pa.errors.SchemaErrors)):
            Names.validate(broken, lazy=True)
