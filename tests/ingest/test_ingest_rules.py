"""The `make data` rules on tiny hand-made inputs, so they run in every CI, with or without ../shared.

The full rebuild against the committed files (tests/test_data_contract.py) needs the raw ONS data;
these tests pin the rules it relies on: reading awkward CSVs, the crosswalk from "Obsolete code"
notes, recodes onto 2025 codes, dropping duplicates of successors, and missing kept as null.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lupcore.ingest.build import key_on_current_codes, to_observations
from lupcore.ingest.geography import crosswalk_from_notes, resolve_recodes
from lupcore.ingest.sources import RAW_COLUMNS, read_ons_csv

BARNSLEY_OLD, BARNSLEY = "E08000016", "E08000038"
NOTE = "Obsolete code since {year} (replaced by {new})"


def test_awkward_ons_csv_is_read_into_the_raw_columns(tmp_path: Path) -> None:
    """BOM, CRLF, padded and shuffled headers, a doubled `notes`; missing values stay missing."""
    path = tmp_path / "pay.csv"
    path.write_bytes("\ufeff Period ,areacd,indicator,observation,uci_95,lci_95,status,notes,notes\r\n"
                     "2024,E08000030,pay,588.1,600,570,,first note,second note\r\n"
                     "2024,E08000031,pay,,,,x,,\r\n".encode())
    frame = read_ons_csv(path)
    assert list(frame.columns) == RAW_COLUMNS
    assert frame.loc[0, "observation"] == 588.1 and frame.loc[0, "uci_95"] == 600 and frame.loc[0, "lci_95"] == 570
    assert frame.loc[0, "notes"] == "first note"  # the first of the doubled columns
    assert pd.isna(frame.loc[1, "observation"]) and frame.loc[1, "status"] == "x"


def _notes(*rows: tuple[str, str, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["areacd", "notes", "rows"])


def test_crosswalk_kinds_and_the_most_frequent_note_wins() -> None:
    crosswalk = crosswalk_from_notes(_notes(
        (BARNSLEY_OLD, NOTE.format(year=2021, new=BARNSLEY), 40),
        ("S12000024", NOTE.format(year=2019, new="S12000048"), 30),  # Perth and Kinross, as most files say…
        ("S12000024", NOTE.format(year=2019, new="S12000050"), 2),  # …not North Lanarkshire, as two do
        ("E07000004", NOTE.format(year=2020, new="E06000060"), 9),  # three districts merged into one unitary
        ("E07000005", NOTE.format(year=2020, new="E06000060"), 9),
        ("E07000006", NOTE.format(year=2020, new="E06000060"), 9),
        ("E07000150", NOTE.format(year=2021, new="E06000061 and E06000062"), 9),  # split in two
        ("E08000030", "Some other note", 5),
    ))
    kinds = {(r.old_code, r.new_code): r.kind for r in crosswalk.itertuples(index=False)}
    assert kinds[(BARNSLEY_OLD, BARNSLEY)] == "recode"
    assert kinds[("S12000024", "S12000048")] == "recode" and ("S12000024", "S12000050") not in kinds
    assert {kinds[(c, "E06000060")] for c in ("E07000004", "E07000005", "E07000006")} == {"merge"}
    assert kinds[("E07000150", "E06000061")] == kinds[("E07000150", "E06000062")] == "split"
    assert "E08000030" not in set(crosswalk["old_code"])


def test_recodes_follow_chains_and_only_recodes() -> None:
    crosswalk = pd.DataFrame([("A00000001", "A00000002", 2019, "recode"), ("A00000002", "A00000003", 2021, "recode"),
                              ("E07000004", "E06000060", 2020, "merge")], columns=["old_code", "new_code", "since", "kind"])
    assert resolve_recodes(crosswalk) == {"A00000001": "A00000003", "A00000002": "A00000003"}


def _raw(*rows: tuple[str, str, float | None, str | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["areacd", "period", "observation", "status"])
    return frame.assign(indicator_id="pay", indicator="pay", lci_95=float("nan"), uci_95=float("nan"), notes=pd.NA)


def test_rows_move_to_2025_codes_and_duplicates_of_successors_are_dropped() -> None:
    crosswalk = crosswalk_from_notes(_notes(
        (BARNSLEY_OLD, NOTE.format(year=2021, new=BARNSLEY), 40),
        *((c, NOTE.format(year=2020, new="E06000060"), 9) for c in ("E07000004", "E07000005", "E07000006")),
    ))
    raw = _raw(
        (BARNSLEY_OLD, "2019", 500.0, None),  # only the old code: moved to the new one
        (BARNSLEY_OLD, "2022", 510.0, None),  # both codes in 2022: the row on the new code wins
        (BARNSLEY, "2022", 512.0, None),
        ("E07000004", "2019", 400.0, None),  # abolished district before the merger: kept, on its old code
        ("E07000004", "2021", 401.0, None),  # …and after it, duplicating its successor: dropped
        ("E06000060", "2021", 420.0, None),
        ("E11000001", "2022", 1.0, None),  # a tier the app does not use
    )
    frame, counts = key_on_current_codes(raw, crosswalk)
    got = {(r.area_code, r.period): r.observation for r in frame.itertuples(index=False)}
    assert got == {(BARNSLEY, "2019"): 500.0, (BARNSLEY, "2022"): 512.0, ("E07000004", "2019"): 400.0,
                   ("E06000060", "2021"): 420.0}
    assert counts["rows_recode_duplicates_dropped"] == 1 and counts["rows_abolished_duplicates_dropped"] == 1
    assert counts["rows_outside_tiers"] == 1


def test_observations_keep_missing_as_null_with_period_dates() -> None:
    raw = _raw(("E08000030", "2024-01-01/P1Y", 588.0, None), ("E08000031", "2024-01-01/P1Y", None, "x"))
    frame, _ = key_on_current_codes(raw, crosswalk_from_notes(_notes()))
    obs = to_observations(frame)
    assert list(obs.columns) == ["indicator_id", "area_code", "period", "period_start", "period_end", "value",
                                 "lci95", "uci95", "status"]
    missing = obs[obs["area_code"] == "E08000031"].iloc[0]
    assert pd.isna(missing["value"]) and missing["status"] == "x"  # never 0
    assert obs["period_start"].iloc[0] == pd.Timestamp("2024-01-01") and obs["period_end"].iloc[0] > obs["period_start"].iloc[0]
