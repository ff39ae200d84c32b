"""Read the committed ``data/`` folder into typed objects. The only module that reads data files.

A missing or corrupt file raises ``DataFileError`` with one line naming the file and the fix
(``make data``), so the UI and the CLI can show it instead of a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from lupcore.model import IndicatorMeta, LocalControl, Mission, Polarity, Role

DATA_DIR = Path(__file__).resolve().parents[2] / "data"  # the repository's data/

OBSERVATION_COLUMNS = ("indicator_id", "area_code", "period", "period_start", "period_end",
                       "value", "lci95", "uci95", "status")
AREA_COLUMNS = ("code", "name", "tier", "nation", "region", "region_code", "utla_code", "utla_name",
                "cauth_code", "cauth_name", "population", "land_area_ha", "lon", "lat", "current", "start", "end")


class DataFileError(RuntimeError):
    """A data file is missing or unreadable; the message is one line for the user."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"Data file {path.name} {problem}. Rebuild it with `make data` (or restore it from git).")
        self.path = path


def _read_parquet(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.exists():
        raise DataFileError(path, "is missing")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataFileError(path, f"cannot be read ({type(exc).__name__})") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(path, f"lacks columns {missing}")
    return frame


def _read_json(path: Path) -> object:
    if not path.exists():
        raise DataFileError(path, "is missing")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(path, f"is not valid JSON ({type(exc).__name__})") from exc


def load_observations(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    frame = _read_parquet(data_dir / "observations.parquet", OBSERVATION_COLUMNS)
    if frame.duplicated(["indicator_id", "area_code", "period"]).any():
        raise DataFileError(data_dir / "observations.parquet", "has duplicate (indicator, area, period) rows")
    return frame


def load_areas(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    frame = _read_parquet(data_dir / "areas.parquet", AREA_COLUMNS)
    return frame.set_index("code", drop=False)


def indicator_from_dict(row: dict) -> IndicatorMeta:
    return IndicatorMeta(
        id=row["id"],
        label=row["label"],
        description=row["description"],
        unit=row["unit"],
        decimals=int(row["decimals"]),
        polarity=Polarity(int(row["polarity"])),
        mission=row.get("mission"),
        capital=row.get("capital"),
        role=Role(row["role"]),
        local_control=LocalControl(row["local_control"]),
        value_type=row["value_type"],
        source_org=row["source_org"],
        source_url=row["source_url"],
        caveats=row.get("caveats", ""),
        mission_target=row.get("mission_target"),
        mission_target_note=row.get("mission_target_note", ""),
        people_base=row.get("people_base", ""),
        geography=row.get("geography", "ltla"),
        nations=tuple(row.get("nations", ())),
        first_period=row.get("first_period", ""),
        last_period=row.get("last_period", ""),
        boundary_note=row.get("boundary_note", ""),
        source_caveats=row.get("source_caveats", ""),
        source_date=row.get("source_date", ""),
        has_ci=bool(row.get("has_ci", False)),
        local=bool(row.get("local", False)),
    )


def load_indicators(data_dir: Path = DATA_DIR) -> dict[str, IndicatorMeta]:
    path = data_dir / "indicators.json"
    rows = _read_json(path)
    try:
        metas = [indicator_from_dict(r) for r in rows]  # type: ignore[union-attr]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(path, f"has an invalid indicator ({exc})") from exc
    return {m.id: m for m in metas}


def load_missions(data_dir: Path = DATA_DIR) -> dict[int, Mission]:
    path = data_dir / "missions.json"
    rows = _read_json(path)
    try:
        return {int(r["mission"]): Mission(int(r["mission"]), r["short_name"], r["ambition"], r.get("local_gap", ""),
                                           tuple(r.get("applies_to", "")), r.get("not_applicable_note", ""))
                for r in rows}  # type: ignore[union-attr]
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(path, f"has an invalid mission ({exc})") from exc


def load_neighbours(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    return _read_parquet(data_dir / "neighbours.parquet", ("area_code", "model", "rank", "neighbour_code"))


def load_clusters(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    return _read_parquet(data_dir / "clusters.parquet", ("area_code", "model", "cluster"))


def load_cluster_descriptions(data_dir: Path = DATA_DIR) -> dict[str, dict[str, str]]:
    return _read_json(data_dir / "cluster-descriptions.json")  # type: ignore[return-value]


