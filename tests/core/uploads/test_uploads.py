"""Unit tests for lupcore.uploads: reading, every problem type with its row and column, metadata, session, templates."""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lupcore import uploads
from lupcore.data._files import OBSERVATION_COLUMNS
from lupcore.model import LocalControl, Polarity, Role
from lupcore.uploads import (
    LocalMetricMeta,
    Problem,
    UploadResult,
    bench_validation,
    local_metric_from_dict,
    local_metric_to_dict,
    make_metric_id,
    normalise_period,
    parse_upload,
    template_csv,
    template_xlsx,
    to_indicator_meta,
    validate_meta,
    vocabulary as upload_limits,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "uploads"
KNOWN = {
    "E08000030": "Walsall",
    "E08000031": "Wolverhampton",
    "E08000025": "Birmingham",
    "E06000058": "Bournemouth, Christchurch and Poole",
    "E10000030": "Surrey",
    "E06000047": "County Durham",
}
OBSERVATION_DTYPES = {
    "indicator_id": "string", "area_code": "string", "period": "string", "period_start": "datetime64[ms]",
    "period_end": "datetime64[ms]", "value": "float64", "lci95": "float64", "uci95": "float64", "status": "string",
}
HEADER = "area_code,period,value,lci95,uci95\n"


def parse_csv(text: str, **kwargs: object) -> UploadResult:
    return parse_upload("metrics.csv", text.encode("utf-8"), KNOWN, **kwargs)  # type: ignore[arg-type]


def errors(result: UploadResult) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in result.problems if p.severity == "error"]


def xlsx_bytes(rows: list[list[object]], formats: dict[str, str] | None = None, extra_sheet: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    if extra_sheet:
        workbook.create_sheet(extra_sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def assert_observation_frame(frame: pd.DataFrame) -> None:
    assert tuple(frame.columns) == OBSERVATION_COLUMNS
    assert {c: str(t) for c, t in frame.dtypes.items()} == OBSERVATION_DTYPES


# ----- valid files ----------------------------------------------------------------------------------------


def test_long_csv_round_trips_to_observation_rows() -> None:
    result = parse_upload("long_valid.csv", (FIXTURES / "long_valid.csv").read_bytes(), KNOWN)
    assert result.ok and result.form == "long"
    footfall, volunteers = result.metrics
    assert footfall.meta.id == "local_town_centre_footfall_index" and footfall.meta.name == "Town centre footfall index"
    obs = footfall.observations
    assert_observation_frame(obs)
    assert obs["indicator_id"].unique().tolist() == [footfall.meta.id]
    assert obs["period"].tolist() == ["2023-04-01/P1Y", "2022-04-01/P1Y", "2023-04-01/P1Y", "2023-04-01/P1Y"]
    walsall = obs[obs["area_code"] == "E08000030"]
    assert walsall["period_start"].tolist() == [pd.Timestamp("2022-04-01"), pd.Timestamp("2023-04-01")]
    assert walsall["period_end"].tolist() == [pd.Timestamp("2023-03-31"), pd.Timestamp("2024-03-31")]
    assert walsall[["value", "lci95", "uci95"]].iloc[1].tolist() == [96.4, 91.2, 101.6]
    birmingham = obs[obs["area_code"] == "E08000025"]
    assert birmingham["value"].isna().all() and birmingham["status"].isna().all()  # missing, never zero
    assert volunteers.meta.unit == "%"
    assert volunteers.observations["value"].tolist() == [23.5, 1027.0]
    assert pd.concat([footfall.observations, volunteers.observations]).dtypes.equals(obs.dtypes)
    assert result.summary() == "2 metrics, 5 values for 2 areas: ready to add (2 warnings to read)"
    warnings = [p.message for p in result.problems if p.severity == "warning"]
    assert warnings == ["1 value left empty will be recorded as missing (not as zero).",
                        "1 value ended in % and was read as percentages (45% as 45). Set the metric's unit to %."]


def test_observations_concatenate_with_the_official_schema() -> None:
    official = pd.DataFrame({c: pd.Series(dtype=t) for c, t in OBSERVATION_DTYPES.items()})
    metric = parse_upload("f.csv", (FIXTURES / "own_area_only.csv").read_bytes(), KNOWN).metrics[0]
    both = pd.concat([official, metric.observations], ignore_index=True)
    assert {c: str(t) for c, t in both.dtypes.items()} == OBSERVATION_DTYPES


def test_wide_csv_needs_a_period_and_uses_the_chosen_one() -> None:
    data = (FIXTURES / "wide_valid.csv").read_bytes()
    missing = parse_upload("wide_valid.csv", data, KNOWN)
    assert missing.form == "wide" and not missing.ok and missing.metrics == ()
    assert errors(missing)[0][:2] == (None, "period")
    assert "no period column" in errors(missing)[0][2]
    result = parse_upload("wide_valid.csv", data, KNOWN, default_period="2023/24")
    assert result.ok and result.form == "wide"
    assert [m.meta.name for m in result.metrics] == ["Town centre footfall index", "Residents who volunteer"]
    volunteers = result.metrics[1].observations
    assert volunteers["area_code"].tolist() == ["E08000025", "E08000030", "E08000031"]
    assert volunteers["value"].tolist()[:2] == [19.0, 23.5] and math.isnan(volunteers["value"].iloc[2])
    assert set(volunteers["period"]) == {"2023-04-01/P1Y"}
    assert_observation_frame(volunteers)


def test_wide_form_with_a_period_column() -> None:
    result = parse_csv("code,Year,Footfall\nE08000030,2022,1\nE08000030,2023,2\n")
    assert result.ok and result.form == "wide"
    assert result.metrics[0].observations["period"].tolist() == ["2022-01-01/P1Y", "2023-01-01/P1Y"]


def test_long_form_without_metric_column_takes_its_name_from_the_file() -> None:
    result = parse_upload("pupil_absence-rate.csv", b"areacd,period,value\nE08000030,2023,5\n", KNOWN)
    assert result.ok and result.metrics[0].meta.name == "Pupil absence-rate"
    assert result.metrics[0].meta.id == "local_pupil_absence_rate"


@pytest.mark.parametrize("header", ["area_code", "Area Code", "AREACD", "code", "LAD23CD", " area-code "])
def test_area_code_header_aliases(header: str) -> None:
    assert parse_csv(f"{header},period,value\nE08000030,2023,1\n").ok


def test_semicolon_csv_from_european_excel() -> None:
    assert parse_csv("area_code;period;value\nE08000030;2023;1.5\n").metrics[0].observations["value"].tolist() == [1.5]


def test_windows_encoding_and_byte_order_mark() -> None:
    text = "metric,area_code,period,value\nPay (£),E08000030,2023,£1,250\n".replace("£1,250", '"£1,250"')
    for data in (text.encode("cp1252"), text.encode("utf-8-sig"), text.encode("utf-16")):
        result = parse_upload("pay.csv", data, KNOWN)
        assert result.ok, result.problems
        assert result.metrics[0].meta.name == "Pay (£)" and result.metrics[0].observations["value"].tolist() == [1250.0]


def test_blank_lines_keep_the_spreadsheet_row_numbers() -> None:
    result = parse_csv(HEADER + "E08000030,2023,1,,\n\n,,,,\nE08000031,2023,x,,\n")
    assert errors(result) == [(5, "value", "Row 5, column value: 'x' is not a number. Leave the cell empty for a missing value.")]


def test_taken_ids_stay_unique() -> None:
    result = parse_csv("metric,area_code,period,value\nA b,E08000030,2023,1\nA-B,E08000030,2023,2\n",
                       taken_ids={"local_a_b"})
    assert [m.meta.id for m in result.metrics] == ["local_a_b_2", "local_a_b_3"]
    assert make_metric_id("<Ünïcode!> £ metric") == "local_unicode_metric"
    assert make_metric_id("") == "local_metric"


# ----- each problem type, with its row and column ----------------------------------------------------


@pytest.mark.parametrize(("line", "row", "column", "message"), [
    ("E0800031,2023,1,,", 2, "area_code",
     "Row 2, column area_code: 'E0800031' is not a current area code. Did you mean Wolverhampton (E08000031)"),
    ("Walsall,2023,1,,", 2, "area_code", "Row 2, column area_code: 'Walsall' is an area name, not a code: use E08000030."),
    ("Walsall Council,2023,1,,", 2, "area_code", "is an area name, not a code: use E08000030."),
    ("Wolverhamton,2023,1,,", 2, "area_code", "Did you mean Wolverhampton (E08000031)?"),
    ("Zzzzzz,2023,1,,", 2, "area_code", "is not a current area code. Use the area's 9-character GSS code, such as E08000030 for Walsall."),
    (",2023,1,,", 2, "area_code", "Row 2, column area_code: the area code is empty."),
    ("E08000030,2023,n/a,,", 2, "value",
     "Row 2, column value: 'n/a' is not a number. Leave the cell empty for a missing value."),
    ("E08000030,2023,-,,", 2, "value", "'-' is not a number. Leave the cell empty for a missing value."),
    ('E08000030,2023,"12,5",,', 2, "value", "Use a full stop for decimals (12.5, not 12,5)."),
    ("E08000030,2023,1e400,,", 2, "value", "'1e400' is too large to use as a number."),
    ("E08000030,Q1 2023,1,,", 2, "period", "Row 2, column period: 'Q1 2023' is not a period we recognise."),
    ("E08000030,2023/25,1,,", 2, "period", "'2023/25' is not a period we recognise."),
    ("E08000030,,1,,", 2, "period", "Row 2, column period: the period is empty."),
    ("E08000030,2023,5,6,7", 2, "lci95",
     "Row 2, column lci95: the confidence interval 6 to 7 does not contain the value 5."),
    ("E08000030,2023,9,6,7", 2, "uci95", "the confidence interval 6 to 7 does not contain the value 9."),
    ("E08000030,2023,5,4,", 2, "uci95", "Row 2, column uci95: only one end of the confidence interval is given."),
    ("E08000030,2023,,4,6", 2, "value", "a confidence interval is given but the value is empty."),
    ("E08000030,2023,=1+1,,", 2, "value", "'=1+1' looks like a spreadsheet formula."),
    ("E08000030,2023,@SUM(A1),,", 2, "value", "'@SUM(A1)' looks like a spreadsheet formula."),
    ('"=HYPERLINK(""http://x"")",2023,1,,', 2, "area_code", "looks like a spreadsheet formula."),
    ("E08000030,2023,<b>5</b>,,", 2, "value", "'<b>5</b>' contains HTML. Use plain text only."),
    ("E08000030,<script>x</script>,1,,", 2, "period", "contains HTML. Use plain text only."),
])
def test_each_cell_problem_is_reported_at_its_row_and_column(line: str, row: int, column: str, message: str) -> None:
    result = parse_csv(HEADER + line + "\nE08000031,2022,1,,\n")
    assert not result.ok and result.metrics == ()
    found = errors(result)
    assert len(found) == 1, found
    assert found[0][:2] == (row, column)
    assert message in found[0][2]


@pytest.mark.parametrize(("cell", "message"), [
    ("Bournemouth Christchurch & Poole", "is an area name, not a code: use E06000058."),
    ('"bournemouth, christchurch and poole council"', "is an area name, not a code: use E06000058."),
    ("Surrey County Council", "is an area name, not a code: use E10000030."),
    ("Durham", "Did you mean County Durham (E06000047)?"),
    ("E06000028", "'E06000028' is an old code that is no longer used (the council was merged or recoded): the current "
                  "area is Bournemouth, Christchurch and Poole (E06000058)."),
])
def test_area_names_and_old_codes(cell: str, message: str) -> None:
    result = parse_upload("a.csv", f"area_code,period,value\n{cell},2023,1\n".encode(), KNOWN,
                          replaced_codes={"E06000028": "E06000058", "E06000029": "E06000058"})
    assert message in errors(result)[0][2]


def test_a_name_shared_by_two_areas_offers_both_codes() -> None:
    result = parse_upload("a.csv", b"area_code,period,value\nLancashire,2023,1\n",
                          {"E10000017": "Lancashire", "E47000018": "Lancashire"})
    assert errors(result)[0][2].endswith("use E10000017 or E47000018 (more than one area has this name).")


def test_duplicates_name_both_rows() -> None:
    result = parse_csv(HEADER + "E08000030,2023/24,1,,\nE08000031,2023/24,2,,\nE08000030,2023-24,3,,\n")
    assert errors(result) == [(4, "area_code", "Row 4, column area_code: this row repeats row 2 (same area and period). "
                                               "Keep only one of them.")]


def test_duplicates_in_wide_form_are_reported_once_per_row() -> None:
    result = parse_csv("area_code,A,B\nE08000030,1,2\nE08000030,3,4\n", default_period="2023")
    assert errors(result) == [(3, "area_code", "Row 3, column area_code: this row repeats row 2 (same area and period). "
                                               "Keep only one of them.")]


def test_fixture_with_many_problems_lists_each_in_row_then_column_order() -> None:
    result = parse_upload("long_problems.csv", (FIXTURES / "long_problems.csv").read_bytes(), KNOWN)
    assert [(row, column) for row, column, _ in errors(result)] == [
        (3, "area_code"), (4, "area_code"), (4, "value"), (5, "area_code"), (6, "period"), (6, "value"),
        (7, "lci95"), (8, "metric"), (8, "uci95")]
    assert result.summary() == "9 problems found; nothing was added"
    assert errors(result)[7][2] == ("Row 8, column metric: the metric name contains HTML such as '<b>' or '&#60;'; "
                                    "use plain text only.")


def test_one_bad_row_means_nothing_is_added() -> None:
    good = "".join(f"E08000030,{2000 + i},{i},,\n" for i in range(50))
    result = parse_csv(HEADER + good + "E08000031,2023,oops,,\n")
    assert result.metrics == () and not result.ok and result.error_total == 1


def test_problem_list_is_capped_with_a_count_of_the_rest() -> None:
    days = pd.date_range("2000-01-01", periods=300).strftime("%Y-%m-%d")
    result = parse_csv(HEADER + "".join(f"E08000030,{day},bad,,\n" for day in days))
    assert len(result.problems) == uploads.MAX_LISTED + 1
    assert result.problems[-1] == Problem("error", None, None, "… and 100 more problems like these. Fix the ones listed "
                                                              "and upload the file again to see the rest.")
    assert result.error_total == 300 and result.summary() == "300 problems found; nothing was added"


def test_ragged_rows_are_each_reported() -> None:
    result = parse_csv(HEADER + "E08000030,2023,1,234,,\nE08000031,2023,2,,\nE08000025,2023,1,,,,\n")
    assert [(row, column) for row, column, _ in errors(result)] == [(2, None), (4, None)]
    assert errors(result)[0][2] == ("Row 2: this row has 6 cells but the header has 5. A number or name that contains "
                                    "a comma must be in quotes, or written without the comma.")


def test_unreadable_csv_row_is_named() -> None:
    text = HEADER + "E08000030,2023,1,,,\n" + 'E08000031,2023,"' + "9" * 140_000 + '",,\n'
    assert errors(parse_csv(text)) == [(3, None, "Row 3 cannot be read as CSV. Check for a quote mark that is never "
                                                 "closed, or a cell longer than 100,000 characters.")]


def test_metric_column_problems() -> None:
    result = parse_csv("metric,area_code,period,value\n,E08000030,2023,1\n=cmd|' /C calc'!A0,E08000030,2023,1\n")
    assert [(row, column) for row, column, _ in errors(result)] == [(2, "metric"), (3, "metric")]
    assert "spreadsheet would run it as a formula" in errors(result)[1][2]


# ----- file-level problems --------------------------------------------------------------------------------


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("a.csv", b"", "The file is empty."),
    ("a.csv", b"\n\n", "The file is empty."),
    ("a.txt", b"area_code,value\n", "'a.txt' is not a CSV or XLSX file."),
    ("a.xls", b"\xd0\xcf\x11\xe0", "Old Excel files (.xls) cannot be read."),
    ("a.csv", b"PK\x03\x04rest", "This file is an Excel workbook with a .csv name."),
    ("a.xlsx", b"area_code,value\n", "not an Excel workbook"),
    ("a.xlsx", b"PK\x03\x04not really a zip", "The workbook is damaged"),
    ("a.csv", b"\x00\x01\x02binary", "The file is not readable text."),
    ("a.csv", b"area,period,value\nWalsall,2023,1\n", "there is a column of area names ('area') but no area_code column"),
    ("a.csv", b"place,amount\nx,1\n", "Row 1 must hold the column names, including area_code. We found: 'place', 'amount'"),
    ("a.csv", b"Title\narea_code,value\n", "they seem to be in row 2"),
    ("a.csv", b"My council data\n\narea_code,value\n", "they seem to be in row 3"),
    ("a.csv", b"area_code,period,value\n", "no data rows"),
    ("a.csv", b"area_code,period,value,lci95\nE08000030,2023,1,1\n", "there is a lci95 column but no uci95 column"),
    ("a.csv", b"area_code,code,value\n", "both look like the area_code column"),
    ("a.csv", b"area_code,metric,A\nE08000030,x,1\n", "only works in the long layout"),
    ("a.csv", b"area_code,A,a\nE08000030,1,2\n", "two columns are called 'a'"),
    ("a.csv", b"area_code,,period\nE08000030,5,2023\n", "column B has values but no name"),
])
def test_file_level_problems(filename: str, data: bytes, message: str) -> None:
    result = parse_upload(filename, data, KNOWN, default_period="2023")
    assert not result.ok and result.metrics == ()
    assert any(message in p.message for p in result.problems if p.severity == "error"), result.problems


def test_over_ten_megabytes() -> None:
    result = parse_upload("big.csv", b"x" * (uploads.MAX_BYTES + 1), KNOWN)
    assert errors(result) == [(None, None, "The file is 10.0 MB; the limit is 10 MB. Split it into smaller files or "
                                           "remove columns you do not need.")]


def test_over_fifty_metrics_long_and_wide() -> None:
    n = uploads.MAX_METRICS + 1
    long_text = "metric,area_code,period,value\n" + "".join(f"M{i},E08000030,2023,1\n" for i in range(n))
    assert "51 different metrics; the most is 50" in errors(parse_csv(long_text))[0][2]
    wide_text = "area_code," + ",".join(f"M{i}" for i in range(n)) + "\nE08000030," + ",".join("1" * n) + "\n"
    assert "51 metric columns; the most is 50" in errors(parse_csv(wide_text, default_period="2023"))[0][2]


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_limits, "MAX_ROWS", 3)
    result = parse_csv(HEADER + "E08000030,2023,1,,\n" * 5)
    assert "more than 3 data rows" in errors(result)[0][2]


def test_years_as_column_names_get_a_hint() -> None:
    result = parse_csv("area_code,2021,2022\nE08000030,1,2\n", default_period="2023")
    assert "look like periods" in errors(result)[0][2]


def test_missing_marker_in_the_area_column_is_not_called_a_number() -> None:
    message = errors(parse_csv(HEADER + "x,2023,1,,\nE08000031,2023,1,,\n"))[0][2]
    assert message.startswith("Row 2, column area_code: 'x' is not a current area code.")


def test_ignored_columns_are_a_warning_not_an_error() -> None:
    result = parse_csv("area_code,area_name,notes,period,value\nE08000030,Walsall,<b>hi</b>,2023,1\n")
    assert result.ok
    assert [p.message for p in result.problems if p.column == "notes"] == ["Column 'notes' is not one we use, so it was ignored."]


# ----- XLSX --------------------------------------------------------------------------------------------------


def test_xlsx_long_form_with_types_formats_and_gaps() -> None:
    rows: list[list[object]] = [["metric", "Area Code", "Period", "Value"],
                                ["Footfall", "E08000030", 2023, 96.4],
                                ["Footfall", "E08000031", datetime(2024, 3, 31), 0.455],
                                [], [],
                                ["Footfall", "E08000025", "2023/24", None]]
    data = xlsx_bytes(rows, formats={"D3": "0.0%"})
    result = parse_upload("upload.xlsx", data, KNOWN)
    assert result.ok, result.problems
    obs = result.metrics[0].observations
    assert_observation_frame(obs)
    assert obs.set_index("area_code")["period"].to_dict() == {
        "E08000025": "2023-04-01/P1Y", "E08000030": "2023-01-01/P1Y", "E08000031": "2024-03-31"}
    assert obs.set_index("area_code")["value"].loc["E08000031"] == pytest.approx(45.5)  # read as shown
    assert result.metrics[0].meta.unit == "%"


def test_xlsx_problems_use_spreadsheet_rows_and_formula_cells_are_refused() -> None:
    rows: list[list[object]] = [["area_code", "period", "value"], ["E08000030", 2023, 1], [], ["E08000031", 2023, "=B2*2"],
                                ["E08000025", 2023, "n/a"]]
    result = parse_upload("upload.xlsx", xlsx_bytes(rows, extra_sheet="Workings"), KNOWN)
    assert [(row, column) for row, column, _ in errors(result)] == [(4, "value"), (5, "value")]
    assert "looks like a spreadsheet formula" in errors(result)[0][2]
    assert any(p.message == "Only the first sheet, 'Sheet', was read." for p in result.problems)


def test_xlsx_wide_form() -> None:
    data = xlsx_bytes([["area_code", "Footfall", "Volunteers"], ["E08000030", 1, 2.5], ["E08000031", None, 3]])
    result = parse_upload("wide.xlsx", data, KNOWN, default_period="2023-24")
    assert result.ok and [m.n_values for m in result.metrics] == [1, 2]


def test_xlsx_percent_sign_in_quotes_is_not_a_percentage_format() -> None:
    data = xlsx_bytes([["area_code", "period", "value"], ["E08000030", 2023, 45], ["E08000031", 2023, 0.5]],
                      formats={"C2": '0"%"', "C3": "0%"})
    assert parse_upload("p.xlsx", data, KNOWN).metrics[0].observations["value"].tolist() == [45.0, 50.0]


def test_xlsx_over_the_cell_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_limits, "MAX_XLSX_CELLS", 20)
    rows: list[list[object]] = [["area_code", "period", "value"]] + [["E08000030", 2000 + i, i] for i in range(10)]
    result = parse_upload("big.xlsx", xlsx_bytes(rows), KNOWN)
    assert "more than 20 filled cells" in errors(result)[0][2] and "Save the sheet as CSV" in errors(result)[0][2]


def test_xlsx_that_unpacks_too_large_or_is_damaged_inside(monkeypatch: pytest.MonkeyPatch) -> None:
    data = xlsx_bytes([["area_code", "period", "value"], ["E08000030", 2023, 1]])
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in members.items():
            target.writestr(name, content[: len(content) // 2] if name.endswith("sheet1.xml") else content)
    assert "first sheet of the workbook is damaged" in errors(parse_upload("d.xlsx", out.getvalue(), KNOWN))[0][2]
    monkeypatch.setattr(upload_limits, "MAX_UNZIPPED_BYTES", 1000)
    assert "too large once unpacked" in errors(parse_upload("b.xlsx", data, KNOWN))[0][2]


# ----- report ---------------------------------------------------------------------------------------------------


def test_report_frame_for_display() -> None:
    result = parse_upload("p.csv", (FIXTURES / "long_problems.csv").read_bytes(), KNOWN)
    frame = result.report_frame()
    assert list(frame.columns) == ["severity", "row", "column", "message"]
    assert str(frame["row"].dtype) == "Int64" and frame["row"].tolist()[:2] == [3, 4]
    assert parse_csv(HEADER + "E08000030,2023,1,,\nE08000031,2023,2,,\n").report_frame().empty


def test_parse_upload_never_raises_even_when_the_core_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise MemoryError
    monkeypatch.setattr(uploads, "_read_table", broken)
    result = parse_csv(HEADER)
    assert not result.ok and "could not be read (MemoryError)" in result.problems[0].message


# ----- periods ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "label"), [
    ("2023", "2023-01-01/P1Y"), (" 2023 ", "2023-01-01/P1Y"), ("2023/24", "2023-04-01/P1Y"), ("2023-24", "2023-04-01/P1Y"),
    ("2023/2024", "2023-04-01/P1Y"), ("1999/00", "1999-04-01/P1Y"), ("2011-12", "2011-04-01/P1Y"),
    ("2023-01-01", "2023-01-01"), ("2023-04-01/P1Y", "2023-04-01/P1Y"), ("2023-09-01/p1y", "2023-09-01/P1Y"),
    ("2024-01-01/P3M", "2024-01-01/P3M"), ("2024-03-31 00:00:00", "2024-03-31"),
    ("2023/25", None), ("2023-13-01", None), ("Q1 2023", None), ("", None), ("1066", None), ("2023-04-01/P0Y", None),
    ("23/24", None),
])
def test_normalise_period(text: str, label: str | None) -> None:
    assert normalise_period(text) == label


# ----- metadata --------------------------------------------------------------------------------------------------


def own_area_metric() -> uploads.LocalMetricData:
    return parse_upload("own.csv", (FIXTURES / "own_area_only.csv").read_bytes(), KNOWN).metrics[0]


def good_meta(**changes: object) -> LocalMetricMeta:
    meta = LocalMetricMeta(id="local_footfall", name="Footfall", unit="%", decimals=1, polarity=Polarity.HIGHER_IS_BETTER,
                           mission=9, capital="social", local_control=LocalControl.HIGH, source="Council counters")
    return replace(meta, **changes)  # type: ignore[arg-type]


def test_own_area_only_metric_needs_minimum_and_target() -> None:
    data = own_area_metric()
    upload_warning = parse_upload("own.csv", (FIXTURES / "own_area_only.csv").read_bytes(), KNOWN).problems
    assert any("value for one area only" in p.message for p in upload_warning)
    found = validate_meta(good_meta(), data.observations)
    assert [(p.severity, p.column) for p in found] == [("error", "minimum"), ("error", "target")]
    assert found[0].message == ("This metric has values for one area only, so there is nothing to compare it with: "
                                "set its minimum yourself.")
    assert validate_meta(good_meta(minimum=10.0, target=14.0), data.observations) == []
    assert validate_meta(good_meta(polarity=Polarity.CONTEXTUAL), data.observations) == []  # not scored


@pytest.mark.parametrize(("changes", "column", "message"), [
    ({"name": "  "}, "name", "Give the metric a name"),
    ({"source": ""}, "source", "Say where the numbers come from"),
    ({"name": "<img src=x onerror=alert(1)>"}, "name", "The name contains HTML"),
    ({"unit": "=1+1"}, "unit", "The unit starts with '='"),
    ({"source": "x" * 301}, "source", "keep it to 300 or fewer"),
    ({"decimals": 7}, "decimals", "from 0 to 4"),
    ({"decimals": True}, "decimals", "from 0 to 4"),
    ({"mission": 13}, "mission", "from 1 to 12"),
    ({"capital": "cultural"}, "capital", "must be one of physical, human"),
    ({"polarity": 2}, "polarity", "higher is better, lower is better"),
    ({"local_control": "total"}, "local_control", "high, medium or low"),
    ({"id": "footfall"}, "id", "must start with 'local_'"),
    ({"minimum": 10.0, "target": 5.0}, "target", "Higher is better for this metric, so the target (5) must be at least the minimum (10)."),
    ({"polarity": Polarity.LOWER_IS_BETTER, "minimum": 5.0, "target": 10.0}, "target", "Lower is better"),
    ({"minimum": math.nan}, "minimum", "must be a number"),
    ({"target": "10"}, "target", "must be a number"),
])
def test_validate_meta_errors(changes: dict[str, object], column: str, message: str) -> None:
    found = [p for p in validate_meta(good_meta(**changes)) if p.severity == "error"]
    assert [p.column for p in found] == [column]
    assert message in found[0].message


def test_validate_meta_cleans_text_and_warns_where_useful() -> None:
    assert validate_meta(good_meta(name=" Foot\x00fall\u202e  index ")) == []
    assert uploads.clean_meta(good_meta(name=" Foot\tfall ")).name == "Foot fall"
    assert own_area_metric().with_meta(good_meta(name="Foot\x00fall ", capital="Social")).meta.name == "Footfall"
    context = validate_meta(good_meta(polarity=Polarity.CONTEXTUAL, minimum=1.0))
    assert [(p.severity, p.column) for p in context] == [("warning", "polarity")]
    few = pd.DataFrame({"area_code": ["E08000030", "E08000031"], "value": [1.0, 2.0]})
    assert [p.severity for p in validate_meta(good_meta(), few)] == ["warning"]


def test_to_indicator_meta_treats_local_metrics_like_official_ones() -> None:
    data = own_area_metric().with_meta(good_meta(minimum=10.0, target=14.0, unit="%"))
    meta = data.indicator_meta()
    assert (meta.id, meta.label, meta.local, meta.role, meta.source_org) == (
        "local_footfall", "Footfall", True, Role.SUPPORTING, "Council counters")
    assert (meta.polarity, meta.mission, meta.capital, meta.local_control) == (1, 9, "social", LocalControl.HIGH)
    assert (meta.value_type, meta.first_period, meta.last_period, meta.nations, meta.has_ci) == (
        "percentage", "2021-01-01/P1Y", "2023-01-01/P1Y", ("E",), False)
    assert meta.scorable
    assert data.observations["indicator_id"].unique().tolist() == ["local_footfall"]
    with pytest.raises(ValueError, match="Say where the numbers come from"):
        to_indicator_meta(good_meta(source=""))


# ----- session file -------------------------------------------------------------------------------------------------


def saved_metric() -> tuple[uploads.LocalMetricData, dict]:
    result = parse_upload("long_valid.csv", (FIXTURES / "long_valid.csv").read_bytes(), KNOWN)
    data = result.metrics[0].with_meta(good_meta(unit="index points"))
    return data, json.loads(json.dumps(local_metric_to_dict(data), allow_nan=False))


def test_session_dict_round_trip() -> None:
    data, saved = saved_metric()
    assert saved["value"][0] is None and saved["periods"] == ["2022-04-01/P1Y", "2023-04-01/P1Y"]
    restored, problems = local_metric_from_dict(saved, KNOWN)
    assert [p.severity for p in problems] == ["warning"] and restored is not None  # only 2 areas: weak benchmarks
    assert restored.meta == data.meta
    pd.testing.assert_frame_equal(restored.observations, data.observations)


def tamper(saved: dict, key: str, value: object) -> dict:
    out = json.loads(json.dumps(saved))
    if key.startswith("meta."):
        out["meta"][key[5:]] = value
    else:
        out[key] = value
    return out


@pytest.mark.parametrize(("key", "value", "message"), [
    ("area_code", ["E08000030", "E99999999", "E08000031", "E08000025"], "Saved value 2, column area_code: 'E99999999'"),
    ("value", [91.5, "lots", 103.8, None], "Saved value 2, column value: 'lots' is not a number"),
    ("value", [91.5, 96.4, 103.8, math.inf], "too large to use as a number"),
    ("value", [91.5, 96.4], "could not be read"),
    ("period", [0, 7, 1, 1], "is not a period we recognise"),
    ("period", [0, 0, 0, 0], "repeats"),
    ("periods", ["2022-04-01/P1Y", "<script>"], "contains HTML"),
    ("lci95", [87.0, 99.0, 98.9, None], "does not contain the value 96.4"),
    ("meta", "not a dict", "could not be read"),
    ("meta.polarity", 7, "could not be read"),
    ("meta.minimum", "ten", "could not be read"),
    ("meta.name", "<b>x</b>", "The name contains HTML"),
    ("meta.source", "", "Say where the numbers come from"),
    ("meta.decimals", 9, "from 0 to 4"),
    ("version", 99, "from another version of the app"),
])
def test_tampered_session_dict_gives_problems_not_a_crash(key: str, value: object, message: str) -> None:
    _, saved = saved_metric()
    restored, problems = local_metric_from_dict(tamper(saved, key, value), KNOWN)
    assert restored is None
    assert any(message in p.message for p in problems), problems
    assert all(p.row is None for p in problems) and any(p.severity == "error" for p in problems)


@pytest.mark.parametrize("junk", [None, [], "x", 3, {"version": 1}, {"version": 1, "meta": {}, "value": []}])
def test_junk_session_entries(junk: object) -> None:
    restored, problems = local_metric_from_dict(junk, KNOWN)
    assert restored is None and problems and problems[0].severity == "error"


def test_session_dict_is_small() -> None:
    data, saved = saved_metric()
    assert len(json.dumps(saved)) < 700
    assert set(saved) == {"version", "meta", "periods", "area_code", "period", "value", "lci95", "uci95"}


# ----- templates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["long", "wide"])
def test_templates_validate_as_they_are(form: str) -> None:
    for name, data in (("t.csv", template_csv(form)), ("t.xlsx", template_xlsx(form))):  # type: ignore[arg-type]
        result = parse_upload(name, data, KNOWN, default_period="2023/24")
        assert result.ok and result.form == form, result.problems
        assert all(p.severity == "warning" for p in result.problems)


def test_template_contents() -> None:
    lines = template_csv("long").decode("utf-8-sig").splitlines()
    assert lines[0] == "metric,area_code,period,value,lci95,uci95" and len(lines) == 3
    assert template_csv("wide").decode("utf-8-sig").splitlines()[0].startswith("area_code,")
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx("long")))
    assert workbook.sheetnames == ["Data", uploads.NOTES_SHEET]
    columns = [row[0] for row in workbook[uploads.NOTES_SHEET].iter_rows(min_row=2, values_only=True) if row[0]]
    assert columns[:5] == ["area_code", "metric", "period", "value", "lci95, uci95"]
    assert workbook["Data"]["C2"].value == "2023/24" and workbook["Data"]["C2"].number_format == "@"


def test_template_example_codes_are_neutralised() -> None:
    text = template_csv("long", example_codes=("=cmd()", "E08000025")).decode("utf-8-sig")
    assert ",'=cmd()," in text and "E08000025" in text


# ----- robustness (property) and speed ---------------------------------------------------------------------


TOKENS = st.sampled_from(["E08000030", "E08000031", "e08000025 ", "Walsall", "2023", "2023/24", "2023-13-01", "1", "-2.5",
                          "1,234", "45%", "£3", "n/a", "", " ", "=1+1", "<b>", '"', ",", ";", "\n", "\r\n", "\t", "\x00",
                          "area_code", "period", "value", "lci95", "uci95", "metric", "1e400", "nan", "é", "\ufeff"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOKENS, max_size=60), st.sampled_from([HEADER, "metric,area_code,period,value\n", "area_code,A,B\n", ""]))
def test_malformed_csv_text_never_raises(tokens: list[str], header: str) -> None:
    result = parse_upload("fuzz.csv", (header + "".join(tokens)).encode("utf-8", "surrogatepass"), KNOWN)
    check_result(result)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from(["f.csv", "f.xlsx", "f", "f.CSV"]))
def test_random_bytes_never_raise(data: bytes, filename: str) -> None:
    check_result(parse_upload(filename, data, KNOWN, default_period="2023"))


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    check_result(parse_upload("fuzz.csv", text.encode("utf-8", "surrogatepass"), KNOWN, default_period="2023"))


def check_result(result: UploadResult) -> None:
    assert isinstance(result, UploadResult)
    if not result.ok:
        assert result.metrics == () and result.problems
        return
    assert result.metrics
    for metric in result.metrics:
        assert_observation_frame(metric.observations)
        assert set(metric.observations["area_code"]) <= set(KNOWN)
        assert not metric.observations.duplicated(["area_code", "period"]).any()
        assert np.isfinite(metric.observations["value"].dropna()).all()


def reference_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@settings(max_examples=40, deadline=None)
@given(st.text("E0813", max_size=12), st.lists(st.text("E0813", min_size=1, max_size=10), min_size=1, max_size=8))
def test_vectorised_edit_distance_matches_the_textbook_one(query: str, codes: list[str]) -> None:
    width = max(len(c) for c in codes)
    matrix = np.full((len(codes), width), -1, dtype=np.int64)
    for i, code in enumerate(codes):
        matrix[i, : len(code)] = [ord(ch) for ch in code]
    found = uploads._edit_distances(query, matrix, np.array([len(c) for c in codes]))
    assert found.tolist() == [reference_distance(query, c) for c in codes]


def test_bench_validation_runs_on_a_small_file() -> None:
    assert 0 < bench_validation(200_000) < 5
