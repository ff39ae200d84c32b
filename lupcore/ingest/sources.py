"""Readers for the raw ONS files in ../shared: tidy CSVs, the app's column JSON and metadata JSON.

Every reader returns the same long frame (``RAW_COLUMNS``) so the build can treat sources alike.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd

RAW_COLUMNS = ["areacd", "indicator", "period", "observation", "lci_95", "uci_95", "status", "notes"]


def read_ons_csv(path: Path) -> pd.DataFrame:
    """Read one ELS CSV: BOM, CRLF, header whitespace, swapped columns and a doubled ``notes``."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader)]
        rows = list(reader)
    # Keep the first occurrence of a duplicated header (persistent absence FSM has two `notes`).
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)
    missing = [c for c in RAW_COLUMNS if c not in index]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}")
    data = {c: [r[index[c]].strip() if index[c] < len(r) else "" for r in rows] for c in RAW_COLUMNS}
    frame = pd.DataFrame(data, dtype="string")
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("observation", "lci_95", "uci_95"):
        out[col] = pd.to_numeric(out[col].replace("", pd.NA), errors="coerce").astype("float64")
    for col in ("status", "notes"):
        out[col] = out[col].replace("", pd.NA)
    return out


# Period labels for the app's per-year JSON (data/extra), where the year alone is published.
_EXTRA_PERIOD = {
    "population-indicators": "{y}-06-30",  # mid-year estimates
    "gdp-per-head": "{y}-01-01/P1Y",
    "child-weight": "{y}-09-01/P1Y",  # school year starting September
    "average-house-price": "{y}-01-01/P1Y",
}


def read_extra_json(path: Path, indicator: str) -> pd.DataFrame:
    """Read the ONS app's column-oriented JSON (``areacd, value, lci, uci, xDomainNumb``)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    template = _EXTRA_PERIOD[path.parent.name]
    n = len(doc["areacd"])
    frame = pd.DataFrame(
        {
            "areacd": pd.array(doc["areacd"], dtype="string"),
            "indicator": pd.array([indicator] * n, dtype="string"),
            "period": pd.array([template.format(y=int(y)) for y in doc["xDomainNumb"]], dtype="string"),
            "observation": pd.array(doc["value"], dtype="float64"),
            "lci_95": pd.array(doc.get("lci") or [None] * n, dtype="float64"),
            "uci_95": pd.array(doc.get("uci") or [None] * n, dtype="float64"),
            "status": pd.array([None] * n, dtype="string"),
            "notes": pd.array([None] * n, dtype="string"),
        }
    )
    return frame


def read_ons_metadata(path: Path, indicator: str) -> dict[str, str]:
    """Metadata for one indicator from a folder's ``ess-beta-metadata`` block.

    Single-indicator folders hold one flat block; multi-indicator folders hold a ``shared``
    block plus one block per indicator name, which we merge (specific over shared).
    """
    if not path.exists():
        return {}
    block = json.loads(path.read_text(encoding="utf-8-sig")).get("ess-beta-metadata", {})
    if "label" in block:
        return {k: v for k, v in block.items() if v is not None}
    merged = {k: v for k, v in block.get("shared", {}).items() if v is not None}
    for name, specific in block.items():
        if name.strip().lower() == indicator.strip().lower() and isinstance(specific, dict):
            merged.update({k: v for k, v in specific.items() if v is not None})
    return merged
