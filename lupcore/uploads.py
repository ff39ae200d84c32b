"""Validated upload of a council's own local metrics (CSV or XLSX, long or wide form).

:func:`parse_upload` turns an uploaded file into metrics ready to add, or into one report that
lists every problem with the spreadsheet row and column a user sees (header = row 1, first data
row = row 2). It never raises for bad input and nothing is applied half-way: metrics are returned
only when there are no errors at all.

What a cell may hold (the template's notes sheet says the same to users):

* **value**: a number. Thousands separators (``1,234``), a leading ``£`` and a trailing ``%``
  are accepted; ``45%`` is read as 45 (a percentage) and an XLSX cell *formatted* as a percentage
  is read as shown (0.45 → 45). An empty cell is a missing value: kept as missing, never zero.
  Markers such as ``n/a``, ``..`` or ``-`` are reported, so the user decides what they mean.
* **period**: ``2023`` (calendar year), ``2023/24``, ``2023-24`` or ``2023/2024`` (financial year
  from 1 April), an ISO date ``2024-03-31`` or an ISO interval ``2023-09-01/P1Y``. Labels are
  normalised to the ONS form used in :mod:`lupcore.periods`. ``2011-12`` is read as the financial
  year 2011/12, never as December 2011.
* **area_code**: a current 9-character GSS code; spaces and case are forgiven, names are not
  (the report offers the code).
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import time
import unicodedata
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lupcore.io import OBSERVATION_COLUMNS
from lupcore.model import CAPITALS, IndicatorMeta, LocalControl, Polarity, Role
from lupcore.periods import PeriodError, parse_period
from lupcore.sanitise import clean_text, contains_html, looks_like_formula, neutralise_frame, strip_control

__all__ = [
    "ACCEPTED_EXTENSIONS", "MAX_BYTES", "MAX_METRICS", "MAX_ROWS", "MAX_XLSX_CELLS", "LocalMetricData",
    "LocalMetricMeta", "Problem", "UploadResult", "bench_validation", "clean_meta", "local_metric_from_dict",
    "local_metric_to_dict", "make_metric_id", "normalise_period", "parse_upload", "template_csv", "template_frame",
    "template_xlsx", "to_indicator_meta", "validate_meta",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_METRICS = 50
MAX_ROWS = 300_000  # a 10 MB long file holds about 250,000 rows
MAX_COLUMNS = MAX_METRICS + 10
MAX_LISTED = 200  # problems listed one by one; the rest are counted
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # an XLSX is a zip: refuse one that unpacks to more (zip bomb)
MAX_XLSX_CELLS = 300_000  # openpyxl reads about 100,000 cells a second; larger sheets should come as CSV
ACCEPTED_EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx")
NOTES_SHEET = "About these columns"
SESSION_VERSION = 1
MAX_NAME, MAX_UNIT, MAX_SOURCE = 80, 40, 300

Severity = Literal["error", "warning"]
Form = Literal["long", "wide"]
_STRING = pd.StringDtype("pyarrow", na_value=pd.NA)  # as in data/observations.parquet
_EXAMPLE_CODES = ("E08000030", "E08000031")
_PERIOD_HELP = ("Use 2023 for a calendar year, 2023/24 for a financial year, a date such as 2024-03-31, "
                "or an interval such as 2023-09-01/P1Y.")
_MISSING_MARKERS = frozenset({"-", "–", "—", "n/a", "na", "..", ".", "x", ":", "*", "null", "none", "nan", "#n/a"})


# ----- public types -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix (``error``) or to know (``warning``); ``row`` is the spreadsheet row, header = 1."""

    severity: Severity
    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True, slots=True)
class LocalMetricMeta:
    """What the user tells us about one local metric; checked by :func:`validate_meta`, never on construction."""

    id: str
    name: str
    unit: str = ""
    decimals: int = 1
    polarity: Polarity = Polarity.CONTEXTUAL
    mission: int | None = None
    capital: str | None = None
    local_control: LocalControl = LocalControl.MEDIUM
    source: str = ""
    minimum: float | None = None
    target: float | None = None


@dataclass(frozen=True, eq=False)
class LocalMetricData:
    """A metric's metadata and its values as observation rows (``lupcore.io.OBSERVATION_COLUMNS``)."""

    meta: LocalMetricMeta
    observations: pd.DataFrame

    def with_meta(self, meta: LocalMetricMeta) -> LocalMetricData:
        """The same values under new metadata, its texts cleaned (:func:`clean_meta`); ``indicator_id`` follows ``meta.id``."""
        meta = clean_meta(meta)
        obs = self.observations.copy()
        obs["indicator_id"] = pd.array([meta.id] * len(obs), dtype=_STRING)
        return LocalMetricData(meta, obs)

    @property
    def n_values(self) -> int:
        return int(self.observations["value"].notna().sum())

    @property
    def area_codes(self) -> tuple[str, ...]:
        valued = self.observations[self.observations["value"].notna()]
        return tuple(sorted(valued["area_code"].unique().tolist()))

    def indicator_meta(self) -> IndicatorMeta:
        """:func:`to_indicator_meta` with coverage (periods, nations, CI) taken from the values."""
        return to_indicator_meta(self.meta, self.observations)


@dataclass(frozen=True, eq=False)
class UploadResult:
    """The outcome of :func:`parse_upload`: metrics (only when there are no errors) and the report."""

    metrics: tuple[LocalMetricData, ...]
    problems: tuple[Problem, ...]
    form: Form
    error_total: int = 0  # errors including those not listed one by one

    @property
    def ok(self) -> bool:
        return self.error_total == 0 and not any(p.severity == "error" for p in self.problems)

    def report_frame(self) -> pd.DataFrame:
        """One row per listed problem: severity, row (nullable int), column, message. Show it as text."""
        frame = pd.DataFrame([asdict(p) for p in self.problems], columns=["severity", "row", "column", "message"])
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def summary(self) -> str:
        """One plain-English line, e.g. ``3 metrics, 412 values for 361 areas: ready to add``."""
        if not self.ok:
            errors = max(self.error_total, sum(p.severity == "error" for p in self.problems))
            return f"{_plural(errors, 'problem')} found; nothing was added"
        values = sum(m.n_values for m in self.metrics)
        areas = len({code for m in self.metrics for code in m.area_codes})
        line = f"{_plural(len(self.metrics), 'metric')}, {_plural(values, 'value')} for {_plural(areas, 'area')}: ready to add"
        warnings = sum(p.severity == "warning" for p in self.problems)
        return line + (f" ({_plural(warnings, 'warning')} to read)" if warnings else "")


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# ----- small helpers --------------------------------------------------------------------------
def _show(text: object, limit: int = 40) -> str:
    """A cell as quoted in a message: control characters removed, long text cut."""
    shown = strip_control(str(text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _error(row: int | None, column: str | None, message: str) -> Problem:
    return Problem("error", row, column, message)


def _warning(row: int | None, column: str | None, message: str) -> Problem:
    return Problem("warning", row, column, message)


_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


def normalise_period(text: object) -> str | None:
    """An accepted period (see module docstring) as an ONS label, or ``None`` if not recognised.

    ``2023`` → ``2023-01-01/P1Y``; ``2023/24`` → ``2023-04-01/P1Y``; ISO labels are kept. Years
    outside 1900–2100 are refused as likely typing errors.
    """
    value = str(text).strip().upper()
    if _YEAR.match(value):
        value = f"{value}-01-01/P1Y"
    elif match := _FINANCIAL.match(value):
        year, following = int(match[1]), match[2]
        if int(following) != ((year + 1) % 100 if len(following) == 2 else year + 1):
            return None
        value = f"{year}-04-01/P1Y"
    elif match := _MIDNIGHT.match(value):
        value = match[1]
    try:
        period = parse_period(value)
    except PeriodError:
        return None
    return period.label if period.end >= period.start and 1900 <= period.start.year <= 2100 else None


def make_metric_id(name: str, taken: Collection[str] = ()) -> str:
    """A slug id ``local_<name>`` for a metric, unique against ``taken`` (``_2``, ``_3``… appended)."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.casefold()).strip("_")[:40].strip("_") or "metric"
    candidate, n = f"local_{slug}", 1
    while candidate in taken:
        n += 1
        candidate = f"local_{slug}_{n}"
    return candidate


# ----- reading bytes into a table of text -------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Table:
    header: list[str]
    body: pd.DataFrame  # text cells ("" when empty), columns 0..k-1
    rows: np.ndarray  # the spreadsheet row number of each body row
    issues: tuple[pd.DataFrame, ...] = ()  # problems found while reading (rows with too many cells)
    preview: tuple[tuple[str, ...], ...] = ()  # the first records as read, to find a header that is not in row 1


def _extension(filename: str) -> str:
    match = re.search(r"(\.[A-Za-z0-9]{1,8})\s*$", str(filename))
    return match[1].lower() if match else ""


def _check_file(filename: str, data: bytes) -> list[Problem]:
    ext, name = _extension(filename), _show(filename, 60)
    if len(data) > MAX_BYTES:
        return [_error(None, None, f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                                   f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files or remove columns you do not need.")]
    if not data:
        return [_error(None, None, "The file is empty.")]
    if ext == ".xls":
        return [_error(None, None, "Old Excel files (.xls) cannot be read. Save it as an Excel Workbook (.xlsx) or as CSV.")]
    if ext not in ACCEPTED_EXTENSIONS:
        return [_error(None, None, f"'{name}' is not a CSV or XLSX file. Save your data as CSV or as an Excel Workbook (.xlsx).")]
    is_zip = data[:4] == b"PK\x03\x04"
    if ext == ".csv" and is_zip:
        return [_error(None, None, "This file is an Excel workbook with a .csv name. Save it as CSV, or rename it to end in .xlsx.")]
    if ext == ".xlsx" and not is_zip:
        return [_error(None, None, "This file's name ends in .xlsx but it is not an Excel workbook. "
                                   "Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV.")]
    return []


def _decode(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode Text"
    elif b"\x00" in data:
        return None
    else:
        encodings = ("utf-8-sig", "cp1252")  # Excel's "CSV UTF-8", then plain "CSV" on Windows
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _sniff(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def _read_csv(data: bytes) -> tuple[_Table | None, list[Problem]]:
    text = _decode(data)
    if text is None:
        return None, [_error(None, None, "The file is not readable text. In Excel choose File → Save As → "
                                         "'CSV UTF-8 (Comma delimited)' and upload that file.")]
    first_line = text.split("\n", 1)[0]
    sep = _sniff(first_line)
    if first_line.count(sep) >= MAX_COLUMNS:
        return None, [_error(1, None, f"Row 1 has {first_line.count(sep) + 1:,} columns; the most we read is {MAX_COLUMNS}. "
                                      f"Keep area_code, period and up to {MAX_METRICS} metric columns.")]
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, nrows=MAX_ROWS + 2)
    except pd.errors.EmptyDataError:
        return None, [_error(None, None, "The file is empty.")]
    except (pd.errors.ParserError, ValueError):
        return _read_csv_slowly(text, sep)  # ragged rows or stray quotes: find each one
    return _make_table([str(h) for h in frame.iloc[0].tolist()], frame.iloc[1:], np.arange(2, len(frame) + 1), [])


def _read_csv_slowly(text: str, sep: str) -> tuple[_Table | None, list[Problem]]:
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text), delimiter=sep):
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                break
    except csv.Error:
        return None, [_error(len(records) + 1, None, f"Row {len(records) + 1} cannot be read as CSV. Check for a quote "
                                                     "mark that is never closed, or a cell longer than 100,000 characters.")]
    if not records:
        return None, [_error(None, None, "The file is empty.")]
    width = len(records[0])
    long_rows = [(i, len(r)) for i, r in enumerate(records, start=1) if len(r) > width]
    kept = [(i, r + [""] * (width - len(r))) for i, r in enumerate(records[1:], start=2) if len(r) <= width]
    rows = np.array([i for i, _ in kept], dtype=np.int64)
    body = pd.DataFrame([r for _, r in kept], columns=range(width), dtype=str)
    table, problems = _make_table(records[0], body, rows, [])
    ragged = _issues([i for i, _ in long_rows], "", "ragged", [n for _, n in long_rows], width)
    preview = tuple(tuple(r) for r in records[1:11])
    return (replace(table, issues=(ragged,), preview=preview) if table else None), problems


def _make_table(header: list[str], body: pd.DataFrame, rows: np.ndarray,
                problems: list[Problem]) -> tuple[_Table | None, list[Problem]]:
    if len(body) > MAX_ROWS:
        return None, problems + [_error(None, None, f"The file has more than {MAX_ROWS:,} data rows. "
                                                    "Split it into smaller files (for example one per metric).")]
    if len(header) > MAX_COLUMNS:
        return None, problems + [_error(1, None, f"Row 1 has {len(header)} columns; the most we read is {MAX_COLUMNS}.")]
    body = body.reset_index(drop=True).fillna("").astype(str)
    body.columns = range(body.shape[1])
    blank = np.logical_and.reduce([body[c].to_numpy() == "" for c in body.columns]) if body.shape[1] else np.ones(0, bool)
    if blank.any():  # fully empty rows are skipped; the others keep their own row numbers
        body, rows = body[~blank].reset_index(drop=True), rows[~blank]
    preview = tuple(tuple(str(c) for c in record) for record in body.head(10).itertuples(index=False))
    table = _Table([h.strip() for h in header], body, np.asarray(rows, dtype=np.int64), preview=preview)
    return table, problems


def _cell_text(value: object, number_format: str | None) -> str:
    """An XLSX cell as the text a CSV export would hold; a percentage-formatted 0.45 becomes '45%'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if number_format and "%" in re.sub(r'"[^"]*"|\\.', "", number_format):  # not a quoted or escaped %
            return f"{round(float(value) * 100, 10)!r}%"
        return str(int(value)) if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    formula = getattr(value, "text", None)  # openpyxl ArrayFormula and similar
    return str(formula) if formula is not None else str(value)


def _read_xlsx(data: bytes) -> tuple[_Table | None, list[Problem]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None, [_error(None, None, "The workbook is damaged and cannot be opened. Save it again in Excel and upload it again.")]
    if unpacked > MAX_UNZIPPED_BYTES:
        return None, [_error(None, None, "The workbook is too large once unpacked. Keep only the data sheet, or save it as CSV.")]
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for a damaged or foreign zip
        return None, [_error(None, None, "The file cannot be opened as an Excel workbook. Save it again as .xlsx or as CSV.")]
    try:
        return _read_sheet(workbook)
    except Exception:  # the sheet is parsed lazily, so damage inside it shows up only here
        return None, [_error(None, None, "The first sheet of the workbook is damaged and cannot be read. "
                                         "Save it again in Excel, or save it as CSV, and upload it again.")]
    finally:
        workbook.close()


def _sheet_records(sheet: Any) -> list[list[str]] | None:
    """The sheet's rows as text, empty rows kept so row numbers hold; None past ``MAX_XLSX_CELLS``."""
    sheet.reset_dimensions()  # some tools write a wrong size; read what is there
    records: list[list[str]] = []
    cells = 0
    for row in sheet.iter_rows():
        record = [_cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row[: MAX_COLUMNS + 1]]
        while record and record[-1] == "":
            record.pop()
        records.append(record)
        cells += len(record)
        if cells > MAX_XLSX_CELLS:
            return None
        if len(records) > MAX_ROWS + 1:
            break
    return records


def _read_sheet(workbook: Any) -> tuple[_Table | None, list[Problem]]:
    if not workbook.worksheets:
        return None, [_error(None, None, "The workbook has no worksheet with data.")]
    sheet = workbook.worksheets[0]
    others = [name for name in workbook.sheetnames[1:] if name != NOTES_SHEET]
    problems = [_warning(None, None, f"Only the first sheet, '{_show(sheet.title)}', was read.")] if others else []
    records = _sheet_records(sheet)
    if records is None:
        return None, problems + [_error(None, None, f"The workbook has more than {MAX_XLSX_CELLS:,} filled cells, which "
                                                    "is more than we read from Excel files. Save the sheet as CSV "
                                                    f"(up to {MAX_ROWS:,} rows) and upload that instead.")]
    if not any(records):
        return None, problems + [_error(None, None, "The first sheet is empty.")]
    width = max(len(r) for r in records)
    padded = [r + [""] * (width - len(r)) for r in records]
    body = pd.DataFrame(padded[1:], columns=range(width), dtype=str)
    return _make_table(padded[0], body, np.arange(2, len(padded) + 1), problems)


def _read_table(filename: str, data: bytes) -> tuple[_Table | None, list[Problem]]:
    problems = _check_file(filename, data)
    if problems:
        return None, problems
    if _extension(filename) == ".xlsx":
        return _read_xlsx(data)
    return _read_csv(data)


# ----- columns: long or wide ---------------------------------------------------------------
_ROLE_KEYS: dict[str, frozenset[str]] = {
    "area_code": frozenset({"areacode", "areacd", "code", "gsscode", "areagsscode", "geographycode", "geocode",
                            "lacode", "ladcode"}),
    "area_name": frozenset({"areaname", "areanm", "name", "area", "geography", "geographyname", "laname",
                            "ladname", "localauthority"}),
    "metric": frozenset({"metric", "metricname", "indicator", "indicatorname", "measure"}),
    "period": frozenset({"period", "year", "date", "timeperiod", "time"}),
    "value": frozenset({"value", "obsvalue", "val"}),
    "lci95": frozenset({"lci95", "lci", "lowerci", "lowerci95", "lower95ci", "lowerlimit"}),
    "uci95": frozenset({"uci95", "uci", "upperci", "upperci95", "upper95ci", "upperlimit"}),
}
_ONS_GEOGRAPHY = re.compile(r"^(lad|ltla|utla|cty|cua|ctyua|cauth|rgn|ctry)\d{2}(cd|nm)$")  # e.g. LAD23CD


@dataclass(frozen=True)
class _Layout:
    form: Form
    roles: dict[str, int]
    metric_columns: tuple[int, ...] = ()


def _role(header: str) -> str | None:
    key = re.sub(r"[^a-z0-9]", "", header.casefold())
    for role, keys in _ROLE_KEYS.items():
        if key in keys:
            return role
    match = _ONS_GEOGRAPHY.match(key)
    return None if match is None else ("area_code" if match[2] == "cd" else "area_name")


def _label(table: _Table, position: int) -> str:
    """A column as the user knows it: its header, or its letter when the header is empty."""
    return _show(table.header[position], 60) or f"column {get_column_letter(position + 1)}"


def _detect_layout(table: _Table) -> tuple[_Layout | None, list[Problem]]:
    roles: dict[str, int] = {}
    problems: list[Problem] = []
    others: list[int] = []
    for position, header in enumerate(table.header):
        role = _role(header)
        if role is None:
            others.append(position)
        elif role in roles:
            problems.append(_error(1, _label(table, position), f"Row 1: columns '{_label(table, roles[role])}' and "
                                   f"'{_label(table, position)}' both look like the {role} column. Keep only one."))
        else:
            roles[role] = position
    if "area_code" not in roles:
        return None, problems + [_no_code_problem(table, roles)]
    if "value" in roles:
        return _Layout("long", roles), problems + _long_extra_columns(table, roles, others)
    metric_columns, found = _wide_metric_columns(table, roles, others)
    return _Layout("wide", roles, metric_columns), problems + found


def _no_code_problem(table: _Table, roles: dict[str, int]) -> Problem:
    if "area_name" in roles:
        return _error(1, _label(table, roles["area_name"]), (
            f"Row 1: there is a column of area names ('{_label(table, roles['area_name'])}') but no area_code column. "
            "Add a column called area_code holding each area's 9-character GSS code, such as E08000030."))
    for row, record in enumerate(table.preview, start=2):
        if any(_role(cell) == "area_code" for cell in record):
            return _error(1, None, f"The column names should be in row 1, but they seem to be in row {row}. "
                                   "Delete the rows above them and upload the file again.")
    found = ", ".join(f"'{_show(h, 30)}'" for h in table.header[:8] if h) or "nothing"
    return _error(1, None, f"Row 1 must hold the column names, including area_code. We found: {found}. "
                           "Download the template to see the layout.")


def _has_data(table: _Table, position: int) -> bool:
    return bool((table.body[position].str.strip() != "").any())


def _long_extra_columns(table: _Table, roles: dict[str, int], others: list[int]) -> list[Problem]:
    problems = []
    if ("lci95" in roles) != ("uci95" in roles):
        present = "lci95" if "lci95" in roles else "uci95"
        problems.append(_error(1, _label(table, roles[present]), f"Row 1: there is a {present} column but no "
                               f"{'uci95' if present == 'lci95' else 'lci95'} column. Give both ends of the interval, or neither."))
    for position in others:
        if table.header[position] or _has_data(table, position):
            problems.append(_warning(1, _label(table, position),
                                     f"Column '{_label(table, position)}' is not one we use, so it was ignored."))
    return problems


def _wide_metric_columns(table: _Table, roles: dict[str, int], others: list[int]) -> tuple[tuple[int, ...], list[Problem]]:
    problems = [_error(1, _label(table, roles[role]), f"Row 1: column '{_label(table, roles[role])}' only works in the "
                       "long layout, which also needs a value column. Download the template to see both layouts.")
                for role in ("metric", "lci95", "uci95") if role in roles]
    metrics, seen = [], {}
    for position in others:
        header, label = table.header[position], _label(table, position)
        if not header:
            if _has_data(table, position):
                problems.append(_error(1, label, f"Row 1: {label} has values but no name. Put the metric's name in row 1."))
            continue
        name, message = clean_text(header, MAX_NAME, "The metric name")
        if message:
            problems.append(_error(1, label, f"Row 1, column {label}: {message}"))
        elif name.casefold() in seen:
            problems.append(_error(1, label, f"Row 1: two columns are called '{label}'. Give each metric its own name."))
        seen[name.casefold()] = position
        metrics.append(position)
    if metrics and all(normalise_period(table.header[p]) for p in metrics):
        problems.append(_error(1, None, "The column names in row 1 look like periods. Put one metric in each column "
                                        "and choose the period, or use the long layout: area_code, period, value."))
    if not metrics:
        problems.append(_error(1, None, "Row 1 has no value column and no metric columns. Add a value column (long layout) "
                                        "or one column per metric named in row 1 (wide layout)."))
    if len(metrics) > MAX_METRICS:
        problems.append(_error(1, None, f"The file has {len(metrics)} metric columns; the most is {MAX_METRICS} at a time. "
                                        "Split it into two files."))
    return tuple(metrics), problems


# ----- cell checks (vectorised: one issue row per offending cell) --------------------------
_ISSUE_COLUMNS = ["row", "column", "kind", "cell", "other"]
_NO_ISSUES = pd.DataFrame(columns=_ISSUE_COLUMNS)  # shared and never changed


def _fit(values: Any) -> Any:
    """A Series as a plain array (so nothing aligns on its index); a scalar or list as it is."""
    return values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values


def _issues(rows: Any, column: Any, kind: str, cell: Any = "", other: Any = "") -> pd.DataFrame:
    """Offending cells as a frame; messages are written later, only for the ones listed."""
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return _NO_ISSUES
    return pd.DataFrame({"row": rows, "column": _fit(column), "kind": kind, "cell": _fit(cell), "other": _fit(other)},
                        index=range(len(rows)), columns=_ISSUE_COLUMNS)


def _join(frames: list[pd.DataFrame]) -> pd.DataFrame:
    found = [f for f in frames if len(f)]
    return pd.concat(found, ignore_index=True) if len(found) > 1 else (found[0] if found else _NO_ISSUES)


@dataclass
class _Checked:
    values: pd.DataFrame  # pos, row, metric, column, value, lci95, uci95, area, period
    names: dict[str, str]  # metric key -> name shown to the user
    issues: list[pd.DataFrame] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _check_areas(table: _Table, layout: _Layout, known: Mapping[str, str]) -> tuple[pd.Series, pd.DataFrame]:
    position = layout.roles["area_code"]
    raw = table.body[position]
    code = raw.str.strip().str.upper()
    valid = code.isin(list(known))
    if not valid.all():  # forgive inner spaces ("E08 000030") before calling a code unknown
        code.loc[~valid] = code.loc[~valid].str.replace(r"\s+", "", regex=True)
        valid = code.isin(list(known))
    blank = code.eq("")
    label = _label(table, position)
    unknown = ~valid & ~blank
    issues = _join([_issues(table.rows[blank.to_numpy()], label, "area_blank"),
                    _issues(table.rows[unknown.to_numpy()], label, "area_unknown", raw[unknown])])
    return code.where(valid), issues


def _check_periods(table: _Table, layout: _Layout, default: str | None) -> tuple[pd.Series, pd.DataFrame, list[Problem]]:
    n = len(table.body)
    if "period" not in layout.roles:
        label = normalise_period(default) if default is not None else None
        if label is not None:
            return pd.Series([label] * n, dtype=object), _NO_ISSUES, []
        message = ("The file has no period column. Choose the period these values are for, or add a column called period. "
                   if default is None else f"'{_show(default)}' is not a period we recognise. ") + _PERIOD_HELP
        return pd.Series([None] * n, dtype=object), _NO_ISSUES, [_error(None, "period", message)]
    position = layout.roles["period"]
    raw = table.body[position]
    labels = raw.map({text: normalise_period(text) for text in raw.unique()})
    bad = labels.isna().to_numpy()
    blank = (raw.str.strip() == "").to_numpy()
    column = _label(table, position)
    issues = _join([_issues(table.rows[blank], column, "period_blank"),
                    _issues(table.rows[bad & ~blank], column, "period_bad", raw[bad & ~blank])])
    return labels.astype(object), issues, []


def _check_metric_names(table: _Table, position: int) -> tuple[pd.Series, dict[str, str], list[pd.DataFrame], list[Problem]]:
    cleaned = table.body[position].str.strip()
    keys = cleaned.str.casefold()
    blank = (keys == "").to_numpy()
    column = _label(table, position)
    issues = [_issues(table.rows[blank], column, "metric_blank")]
    first = pd.DataFrame({"key": keys, "text": cleaned, "row": table.rows})[~blank].drop_duplicates("key")
    if len(first) > MAX_METRICS:
        return keys, {}, issues, [_error(None, column, f"The file has {len(first):,} different metrics; the most is "
                                                       f"{MAX_METRICS} at a time. Split it into smaller files.")]
    names: dict[str, str] = {}
    for key, text, row in first.itertuples(index=False):
        names[key], message = clean_text(text, MAX_NAME, "the metric name")
        if message:
            issues.append(_issues([row], column, "metric_name", text, message))
    return keys, names, issues, []


_GROUPED = r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"


def _check_numbers(raw: pd.Series, rows: np.ndarray, column: Any) -> tuple[pd.Series, np.ndarray, np.ndarray, pd.DataFrame]:
    """Text cells to float64 (NaN when empty); returns values, masks of '%' and empty cells, and the issues."""
    text = raw.str.strip()
    blank = (text == "").to_numpy()
    percent = text.str.endswith("%").to_numpy()
    if percent.any():
        text = text.mask(percent, text.str[:-1].str.rstrip())
    pounds = text.str.contains("£", regex=False)
    if pounds.any():
        text = text.mask(pounds, text.str.replace(r"^([+-]?)£\s*", r"\1", regex=True))
    commas = text.str.contains(",", regex=False)
    if commas.any():
        text = text.mask(commas & text.str.fullmatch(_GROUPED), text.str.replace(",", "", regex=False))
    number = pd.to_numeric(text, errors="coerce").astype(np.float64)
    bad = number.isna().to_numpy() & ~blank
    huge = np.isinf(number.to_numpy())
    if isinstance(column, pd.Series):
        column_bad, column_huge = column[bad], column[huge]
    else:
        column_bad = column_huge = column
    issues = _join([_issues(rows[bad], column_bad, "not_number", raw[bad]),
                    _issues(rows[huge], column_huge, "not_finite", raw[huge])])
    return number.mask(huge), percent & ~bad, blank, issues


def _check_intervals(values: pd.DataFrame, lower: str, upper: str) -> pd.DataFrame:
    lo, hi, value = values["lci95"], values["uci95"], values["value"]
    half = lo.isna() != hi.isna()
    both = lo.notna() & hi.notna()
    no_value = both & value.isna()
    outside = both & value.notna() & ((lo > value) | (value > hi))
    missing_side = pd.Series(np.where(lo.isna(), lower, upper), index=values.index)[half]
    offending_side = pd.Series(np.where(lo > value, lower, upper), index=values.index)[outside]
    shown = values[outside]
    text = [f"{a:.10g} to {b:.10g} does not contain the value {v:.10g}"
            for a, b, v in zip(shown["lci95"], shown["uci95"], shown["value"], strict=True)]
    return _join([
        _issues(values.loc[half, "row"], missing_side, "ci_half", other=f"{lower} and {upper}"),
        _issues(values.loc[no_value, "row"], values.loc[no_value, "column"], "ci_no_value"),
        _issues(shown["row"], offending_side, "ci_outside", other=pd.Series(text, dtype=object)),
    ])


def _duplicates(frame: pd.DataFrame, keys: list[str], column: str, what: str) -> pd.DataFrame:
    valid = frame.dropna(subset=keys)
    repeated = valid.duplicated(keys, keep="first")
    if not repeated.any():
        return _NO_ISSUES
    first = valid.groupby(keys, sort=False)["row"].transform("first")
    return _issues(valid.loc[repeated, "row"], column, "duplicate", cell=what, other=first[repeated])


def _long_values(table: _Table, layout: _Layout, fallback_name: str) -> _Checked:
    roles, n = layout.roles, len(table.body)
    checked = _Checked(pd.DataFrame(), {})
    if "metric" in roles:
        keys, checked.names, found, checked.problems = _check_metric_names(table, roles["metric"])
        checked.issues += found
    else:
        keys, checked.names = pd.Series([""] * n, dtype=object), {"": fallback_name}
    column = _label(table, roles["value"])
    value, percent, blank, found = _check_numbers(table.body[roles["value"]], table.rows, column)
    checked.issues.append(found)
    frame = pd.DataFrame({"pos": np.arange(n), "row": table.rows, "metric": keys.to_numpy(dtype=object),
                          "column": column, "value": value.to_numpy(), "percent": percent, "blank": blank})
    both_ends = "lci95" in roles and "uci95" in roles  # one end alone is reported with the header
    for side in ("lci95", "uci95"):
        frame[side] = np.nan
        if both_ends:
            number, _, _, found = _check_numbers(table.body[roles[side]], table.rows, _label(table, roles[side]))
            frame[side] = number.to_numpy()
            checked.issues.append(found)
    if both_ends:
        checked.issues.append(_check_intervals(frame, _label(table, roles["lci95"]), _label(table, roles["uci95"])))
    checked.values = frame
    return checked


_VALUE_COLUMNS = ("pos", "row", "metric", "column", "value", "percent", "blank", "lci95", "uci95")


def _wide_values(table: _Table, layout: _Layout) -> _Checked:
    n = len(table.body)
    checked = _Checked(pd.DataFrame(), {})
    frames = []
    for position in layout.metric_columns:
        name = clean_text(table.header[position], MAX_NAME)[0]
        key, column = name.casefold(), _label(table, position)
        checked.names.setdefault(key, name)
        value, percent, blank, found = _check_numbers(table.body[position], table.rows, column)
        checked.issues.append(found)
        frames.append(pd.DataFrame({"pos": np.arange(n), "row": table.rows, "metric": key, "column": column,
                                    "value": value.to_numpy(), "percent": percent, "blank": blank,
                                    "lci95": np.nan, "uci95": np.nan}))
    checked.values = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {c: pd.Series(dtype=float if c in ("value", "lci95", "uci95") else object) for c in _VALUE_COLUMNS})
    return checked


def _validate(table: _Table, layout: _Layout, known: Mapping[str, str], default_period: str | None,
              fallback_name: str) -> _Checked:
    """Every cell check on a table whose columns are known; builds nothing."""
    checked = _long_values(table, layout, fallback_name) if layout.form == "long" else _wide_values(table, layout)
    area, found = _check_areas(table, layout, known)
    period, period_issues, problems = _check_periods(table, layout, default_period)
    checked.issues += [found, period_issues, *table.issues]
    checked.problems += problems
    positions = checked.values["pos"].to_numpy(dtype=np.int64)
    checked.values["area"] = area.to_numpy(dtype=object)[positions]
    checked.values["period"] = period.to_numpy(dtype=object)[positions]
    area_column = _label(table, layout.roles["area_code"])
    if layout.form == "long":
        what = "metric, area and period" if "metric" in layout.roles else "area and period"
        checked.issues.append(_duplicates(checked.values, ["metric", "area", "period"], area_column, what))
    else:
        per_row = pd.DataFrame({"row": table.rows, "area": area.to_numpy(dtype=object), "period": period.to_numpy(dtype=object)})
        checked.issues.append(_duplicates(per_row, ["area", "period"], area_column, "area and period"))
    checked.problems += _coverage_notes(table, checked)
    return checked


def _coverage_notes(table: _Table, checked: _Checked) -> list[Problem]:
    """File-level notes: no rows, empty metrics, missing values, percentages, one-area metrics."""
    if table.body.empty:
        readable = not any(len(found) for found in table.issues)
        return [_error(None, None, "The file has column names in row 1 but no data rows below them.")] if readable else []
    values = checked.values
    counted = values.assign(valued=values["value"].notna(), valued_area=values["area"].where(values["value"].notna()))
    per_metric = counted.groupby("metric", sort=False).agg(empty=("blank", "all"), areas=("valued_area", "nunique"))
    notes = []
    for key, empty, areas in per_metric.itertuples():
        if key not in checked.names:  # rows without a metric name, reported cell by cell
            continue
        name = _show(checked.names[key], 60)
        if empty:
            notes.append(_error(None, None, f"The metric '{name}' has no values: every one of its cells is empty."))
        elif areas == 1:
            notes.append(_warning(None, None, f"The metric '{name}' has a value for one area only, so you will need "
                                              "to set its minimum and target yourself."))
    empty = int(values["blank"].sum())
    if empty:
        notes.append(_warning(None, None, f"{_plural(empty, 'value')} left empty will be recorded as missing (not as zero)."))
    percent = int(values["percent"].sum())
    if percent:
        verb = "was" if percent == 1 else "were"
        notes.append(_warning(None, None, f"{_plural(percent, 'value')} ended in % and {verb} read as percentages "
                                          "(45% as 45). Set the metric's unit to %."))
    return notes


# ----- area look-up for suggestions ----------------------------------------------------------
_CODE_LIKE = re.compile(r"^[A-Z]\d{2}\s*\d{4,8}$")
_COUNCIL_WORDS = re.compile(r"\b(metropolitan borough|borough|district|city|county)?\s*council\b")
_MAX_QUERY = 20


def _name_key(text: str) -> str:
    """A name for matching: case, punctuation, '&', 'council' and ', City of' do not matter."""
    key = strip_control(text).casefold().replace("&", " and ")
    key = re.sub(r",\s*city of$", "", _COUNCIL_WORDS.sub("", key))
    return re.sub(r"[\s.,'’()-]+", " ", key).strip()


class _Lookup:
    """Current areas, with the closest codes (edit distance) and names (difflib) to a bad cell."""

    def __init__(self, known: Mapping[str, str], replaced: Mapping[str, str] | None = None) -> None:
        self.known = known
        self.replaced = replaced or {}
        self.codes = sorted(known)
        self._names: dict[str, list[str]] | None = None
        self._matrix: np.ndarray | None = None

    @property
    def example(self) -> str:
        code = "E08000030" if "E08000030" in self.known or not self.codes else self.codes[0]
        return f"{code} for {self.known[code]}" if code in self.known else code

    def label(self, code: str) -> str:
        return f"{_show(self.known.get(code, ''), 60)} ({code})"

    def names(self) -> dict[str, list[str]]:
        if self._names is None:
            self._names = {}
            for code in self.codes:
                self._names.setdefault(_name_key(str(self.known[code])), []).append(code)
        return self._names

    def exact_name(self, text: str) -> list[str]:
        return self.names().get(_name_key(text), [])

    def close_names(self, text: str, n: int = 3) -> list[str]:
        key, names = _name_key(text), self.names()
        hits = difflib.get_close_matches(key, list(names), n=n, cutoff=0.75)
        hits += [k for k in names if len(key) >= 4 and (key in k or k in key) and k not in hits]
        return [code for k in hits[:n] for code in names[k]][:n]

    def close_codes(self, text: str, n: int = 3, limit: int = 2) -> list[str]:
        if not self.codes:
            return []
        if self._matrix is None:
            width = max(len(c) for c in self.codes)
            self._matrix = np.full((len(self.codes), width), -1, dtype=np.int64)
            for i, code in enumerate(self.codes):
                self._matrix[i, : len(code)] = [ord(ch) for ch in code]
        distance = _edit_distances(re.sub(r"\s+", "", text.upper())[:_MAX_QUERY], self._matrix,
                                   np.array([len(c) for c in self.codes]))
        order = np.lexsort((np.arange(len(self.codes)), distance))[:n]
        return [self.codes[i] for i in order if distance[i] <= limit]

    def suggest(self, text: str) -> list[str]:
        cleaned = strip_control(text).upper()
        hits = self.close_codes(cleaned) if _CODE_LIKE.match(cleaned) else self.close_names(text)
        return hits or self.close_codes(cleaned)


def _edit_distances(query: str, matrix: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Levenshtein distance from ``query`` to every row of ``matrix`` (code points, padded with -1) at once."""
    n, width = matrix.shape
    steps = np.arange(width + 1)
    previous = np.broadcast_to(steps, (n, width + 1)).copy()
    for i, char in enumerate(query, start=1):
        current = np.empty_like(previous)
        current[:, 0] = i
        substitution = previous[:, :-1] + (matrix != ord(char))
        current[:, 1:] = np.minimum(previous[:, 1:] + 1, substitution)
        # an insertion along the row: current[j] = min over k <= j of current[k] + (j - k)
        previous = np.minimum.accumulate(current - steps, axis=1) + steps
    return previous[np.arange(n), lengths]


# ----- messages --------------------------------------------------------------------------------
def _special_text(cell: str) -> str | None:
    """The message for a formula or HTML, whatever the column."""
    shown = _show(cell)
    if looks_like_formula(cell):
        return (f"'{shown}' looks like a spreadsheet formula. Put the value itself in the cell "
                "(in Excel: Copy, then Paste Special → Values).")
    if contains_html(cell):
        return f"'{shown}' contains HTML. Use plain text only."
    return None


def _area_message(cell: str, lookup: _Lookup) -> str:
    shown = _show(cell)
    successor = lookup.replaced.get(re.sub(r"\s+", "", cell.upper()))
    if successor in lookup.known:
        return (f"'{shown}' is an old code that is no longer used (the council was merged or recoded): "
                f"the current area is {lookup.label(successor)}. Check the values still fit the new area before changing it.")
    exact = lookup.exact_name(cell)
    if exact:
        several = " (more than one area has this name)" if len(exact) > 1 else ""
        return f"'{shown}' is an area name, not a code: use {' or '.join(exact)}{several}."
    hits = lookup.suggest(cell)
    if hits:
        options = ", ".join(lookup.label(c) for c in hits[:-1]) + (" or " if len(hits) > 1 else "") + lookup.label(hits[-1])
        return f"'{shown}' is not a current area code. Did you mean {options}?"
    return (f"'{shown}' is not a current area code. Use the area's 9-character GSS code, such as {lookup.example}. "
            "Codes change when councils merge, so check you have the current one.")


def _number_message(cell: str) -> str:
    special = None if cell.strip().casefold() in _MISSING_MARKERS else _special_text(cell)
    hint = " Use a full stop for decimals (12.5, not 12,5)." if re.search(r"\d,\d", cell) else ""
    return special or f"'{_show(cell)}' is not a number. Leave the cell empty for a missing value.{hint}"


def _describe(kind: str, cell: str, other: object, lookup: _Lookup) -> str:
    if kind in ("area_unknown", "period_bad") and (special := _special_text(cell)):
        return special
    messages = {
        "area_blank": f"the area code is empty. Give each row a 9-character GSS code such as {lookup.example}.",
        "period_blank": f"the period is empty. {_PERIOD_HELP}",
        "period_bad": f"'{_show(cell)}' is not a period we recognise. {_PERIOD_HELP}",
        "metric_blank": "the metric name is empty. Give every row the name of its metric.",
        "not_finite": f"'{_show(cell)}' is too large to use as a number.",
        "ci_half": f"only one end of the confidence interval is given. Fill in both {other}, or leave both empty.",
        "ci_no_value": "a confidence interval is given but the value is empty. Add the value or clear the interval.",
        "ci_outside": f"the confidence interval {other}. Check the lower and upper limits are in the right columns.",
        "duplicate": f"this row repeats row {other} (same {cell}). Keep only one of them.",
        "ragged": f"this row has {cell} cells but the header has {other}. A number or name that contains a comma "
                  "must be in quotes, or written without the comma.",
    }
    if kind == "area_unknown":
        return _area_message(cell, lookup)
    if kind == "not_number":
        return _number_message(cell)
    if kind == "metric_name":
        return str(other)
    return messages.get(kind, "this cell cannot be used.")


def _assemble(issues: list[pd.DataFrame], lookup: _Lookup, columns: list[str],
              noun: str = "Row") -> tuple[list[Problem], int]:
    """Messages for the first ``MAX_LISTED`` issues in row then column order; a closing line counts the rest."""
    frames = [f for f in issues if len(f)]
    if not frames:
        return [], 0
    everything = pd.concat(frames, ignore_index=True)
    position = {label: i for i, label in enumerate(columns)}
    everything["position"] = everything["column"].map(position).fillna(len(columns))
    everything = everything.sort_values(["row", "position"], kind="stable")[_ISSUE_COLUMNS]
    listed = [_error(int(row), str(column) or None, f"{noun} {int(row)}{f', column {column}' if column else ''}: "
                     f"{_describe(kind, str(cell), other, lookup)}")
              for row, column, kind, cell, other in everything.head(MAX_LISTED).itertuples(index=False)]
    hidden = len(everything) - len(listed)
    if hidden:
        listed.append(_error(None, None, f"… and {_plural(hidden, 'more problem')} like these. "
                                         "Fix the ones listed and upload the file again to see the rest."))
    return listed, len(everything)


# ----- building observation rows -------------------------------------------------------------
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


def _name_from_filename(filename: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,8}\s*$", "", str(filename).replace("\\", "/").rsplit("/", 1)[-1])
    name, message = clean_text(re.sub(r"[_\s]+", " ", stem), MAX_NAME)
    return name[:1].upper() + name[1:] if name and not message else "Local metric"


def parse_upload(filename: str, data: bytes, known_codes: Mapping[str, str], default_period: str | None = None,
                 *, taken_ids: Collection[str] = (), replaced_codes: Mapping[str, str] | None = None) -> UploadResult:
    """Read and check an uploaded CSV or XLSX of local metrics; never raises for bad input.

    Parameters
    ----------
    filename
        The name the user's file had; only its extension is used (and its stem, as the draft
        name of a single metric when the file has no metric column). Never used as a path.
    data
        The file's bytes; at most ``MAX_BYTES``.
    known_codes
        Current area codes and their names (code → name); any other code is reported.
    default_period
        The period for a file without a period column (the wide layout usually), in any accepted
        form (``2023``, ``2023/24``, ISO). ``None`` makes a missing period column a problem.
    taken_ids
        Indicator ids already in use, so new metric ids stay unique.
    replaced_codes
        Old area codes and the current code that replaced each (``data/crosswalk.csv``), so an old
        code is reported with its successor. It is never converted silently: after a merger the
        old area's values do not describe the new one.

    Returns
    -------
    UploadResult
        ``metrics`` (draft metadata: name, id and unit only, for the user's form) when there are
        no errors; otherwise no metrics and every problem, with spreadsheet row and column.
        Empty value cells are kept as missing values (NaN), never zero.
    """
    try:
        return _parse(str(filename), bytes(data), known_codes, default_period, taken_ids, replaced_codes or {})
    except Exception as exc:  # the last guard: a report, never a crash
        return UploadResult((), (_error(None, None, f"The file could not be read ({type(exc).__name__}). Check it opens "
                                                    "in a spreadsheet, save it again as CSV or XLSX, and upload it again."),),
                            "long", 1)


def _parse(filename: str, data: bytes, known: Mapping[str, str], default_period: str | None,
           taken_ids: Collection[str], replaced: Mapping[str, str]) -> UploadResult:
    table, problems = _read_table(filename, data)
    if table is None:
        return UploadResult((), tuple(problems), "long", sum(p.severity == "error" for p in problems))
    layout, found = _detect_layout(table)
    problems += found
    if layout is None or (layout.form == "wide" and not layout.metric_columns):
        form: Form = layout.form if layout else "long"
        return UploadResult((), tuple(problems), form, sum(p.severity == "error" for p in problems))
    checked = _validate(table, layout, known, default_period, _name_from_filename(filename))
    labels = [_label(table, i) for i in range(len(table.header))]
    listed, total = _assemble(checked.issues, _Lookup(known, replaced), labels)
    general = problems + checked.problems
    errors = total + sum(p.severity == "error" for p in general)
    ordered = [p for p in general if p.severity == "error"] + listed + [p for p in general if p.severity == "warning"]
    metrics = _build_metrics(checked, taken_ids) if errors == 0 else ()
    return UploadResult(metrics, tuple(ordered), layout.form, errors)


# ----- metadata ----------------------------------------------------------------------------------
_ID = re.compile(r"local_[a-z0-9_]{1,60}")
_REQUIRED = {
    "name": "Give the metric a name, such as 'Town centre footfall'.",
    "source": "Say where the numbers come from (for example 'Council footfall counters, 2023/24'), so others can check them.",
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def clean_meta(meta: LocalMetricMeta) -> LocalMetricMeta:
    """The same metadata with its texts cleaned: control characters removed, spaces collapsed, ends trimmed."""
    capital = None if meta.capital in (None, "") else strip_control(str(meta.capital)).casefold()
    return replace(meta, name=strip_control(str(meta.name)), unit=strip_control(str(meta.unit)),
                   source=strip_control(str(meta.source)), capital=capital)


def _check_meta_texts(meta: LocalMetricMeta) -> list[Problem]:
    problems = []
    for column, limit, label in (("name", MAX_NAME, "The name"), ("unit", MAX_UNIT, "The unit"),
                                 ("source", MAX_SOURCE, "The source")):
        cleaned, message = clean_text(getattr(meta, column), limit, label)
        if column in _REQUIRED and not cleaned:
            problems.append(_error(None, column, _REQUIRED[column]))
        elif message:
            problems.append(_error(None, column, message))
    if not isinstance(meta.id, str) or not _ID.fullmatch(meta.id):
        problems.append(_error(None, "id", "The metric's id must start with 'local_' followed by lower-case letters, "
                                           "digits or underscores; make one with make_metric_id()."))
    return problems


def _check_meta_choices(meta: LocalMetricMeta) -> list[Problem]:
    problems = []
    if not _is_int(meta.decimals) or not 0 <= meta.decimals <= 4:
        problems.append(_error(None, "decimals", "Decimal places must be a whole number from 0 to 4."))
    if not _is_int(meta.polarity) or meta.polarity not in (-1, 0, 1):
        problems.append(_error(None, "polarity", "Choose whether higher is better, lower is better, or neither (context only)."))
    if meta.mission is not None and (not _is_int(meta.mission) or not 1 <= meta.mission <= 12):
        problems.append(_error(None, "mission", "The mission must be a number from 1 to 12, or none."))
    if meta.capital is not None and meta.capital not in CAPITALS:
        problems.append(_error(None, "capital", f"The capital must be one of {', '.join(CAPITALS)}, or none."))
    if meta.local_control not in tuple(LocalControl):
        problems.append(_error(None, "local_control", "Local control must be high, medium or low."))
    return problems


def _check_thresholds(meta: LocalMetricMeta, n_areas: int | None) -> list[Problem]:
    bad = [_error(None, c, f"The {c} must be a number, or left empty.")
           for c in ("minimum", "target") if getattr(meta, c) is not None and not _is_real(getattr(meta, c))]
    if bad:
        return bad
    if meta.polarity not in (-1, 1):  # context only (0), or invalid and reported with the choices
        given = meta.minimum is not None or meta.target is not None
        return [_warning(None, "polarity", "This metric is context only (neither higher nor lower is better), so it is "
                                           "not scored and its minimum and target are not used.")] if given and meta.polarity == 0 else []
    problems = []
    if n_areas is not None and n_areas <= 1:
        where = "one area" if n_areas == 1 else "no area"
        problems += [_error(None, c, f"This metric has values for {where} only, so there is nothing to compare it with: "
                                     f"set its {c} yourself.") for c in ("minimum", "target") if getattr(meta, c) is None]
    elif n_areas is not None and n_areas < 10 and (meta.minimum is None or meta.target is None):
        problems.append(_warning(None, None, f"Only {n_areas} areas have values, so a minimum and target worked out from "
                                             "them would be weak. Consider setting them yourself."))
    if meta.minimum is not None and meta.target is not None:
        if meta.polarity == 1 and meta.target < meta.minimum:
            problems.append(_error(None, "target", f"Higher is better for this metric, so the target ({meta.target:g}) "
                                                   f"must be at least the minimum ({meta.minimum:g})."))
        if meta.polarity == -1 and meta.target > meta.minimum:
            problems.append(_error(None, "target", f"Lower is better for this metric, so the target ({meta.target:g}) "
                                                   f"must be no more than the minimum ({meta.minimum:g})."))
    return problems


def _valued_areas(values: pd.DataFrame | None) -> int | None:
    if values is None or not {"area_code", "value"} <= set(values.columns):
        return None
    return int(values.loc[values["value"].notna(), "area_code"].nunique())


def validate_meta(meta: LocalMetricMeta, values: pd.DataFrame | None = None) -> list[Problem]:
    """Every problem with a metric's metadata, as errors (must fix) and warnings (worth knowing).

    Parameters
    ----------
    meta
        The metadata as the user filled it in; texts are judged after :func:`clean_meta`.
    values
        The metric's observation rows (``area_code``, ``value``), or ``None`` to skip the rules that
        depend on coverage.

    Returns
    -------
    list[Problem]
        With ``row=None`` and ``column`` naming the field. Name and source are required. When
        only one area has a value, minimum and target are required, unless polarity is 0 (context
        only: not scored, so they would not be used). Target ≥ minimum when higher is better,
        target ≤ minimum when lower is better.
    """
    meta = clean_meta(meta)
    return _check_meta_texts(meta) + _check_meta_choices(meta) + _check_thresholds(meta, _valued_areas(values))


def _coverage(observations: pd.DataFrame | None, unit: str) -> dict[str, Any]:
    valued = observations[observations["value"].notna()] if observations is not None else pd.DataFrame()
    values = valued["value"] if len(valued) else pd.Series(dtype=float)
    if unit == "%":
        value_type = "percentage" if values.between(0, 100).all() else "percentage_change"
    else:
        value_type = "money" if unit.startswith("£") and (values > 0).all() else "number"
    if not len(valued):
        return {"value_type": value_type}
    ordered = valued.sort_values("period_start")
    return {"value_type": value_type, "has_ci": bool(valued["lci95"].notna().any()),
            "first_period": str(ordered["period"].iloc[0]), "last_period": str(ordered["period"].iloc[-1]),
            "nations": tuple(n for n in "EWSN" if valued["area_code"].str.startswith(n).any())}


def to_indicator_meta(meta: LocalMetricMeta, observations: pd.DataFrame | None = None) -> IndicatorMeta:
    """The scoring engine's :class:`IndicatorMeta` for a local metric (``local=True``, role supporting).

    ``source_org`` is the user's own description of the source. With ``observations`` the coverage
    (periods, nations, whether there are confidence intervals) and ``value_type`` come from the
    values: ``percentage`` only when the unit is % and every value lies in 0–100.

    Raises
    ------
    ValueError
        If :func:`validate_meta` finds an error; validate first and show the problems instead.
    """
    meta = clean_meta(meta)
    errors = [p for p in validate_meta(meta) if p.severity == "error"]
    if errors:
        raise ValueError(f"{meta.id}: {errors[0].message}")
    return IndicatorMeta(
        id=meta.id, label=meta.name, description=f"A local metric added by the user. Source: {meta.source}",
        unit=meta.unit, decimals=int(meta.decimals), polarity=Polarity(meta.polarity), mission=meta.mission,
        capital=meta.capital, role=Role.SUPPORTING, local_control=LocalControl(meta.local_control),
        source_org=meta.source, source_url="", local=True,
        caveats="Supplied by the user; not from an official statistical source.",
        **_coverage(observations, meta.unit),
    )


# ----- session file ------------------------------------------------------------------------------
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
    if not 0 < n <= MAX_ROWS or len(index) != n or len(values) != n or len(periods) > n:
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


# ----- templates -----------------------------------------------------------------------------
_EXAMPLE_METRICS = ("Town centre footfall index", "Residents who volunteer")
_NOTES_COMMON = (
    ("area_code", "Required", "The area's 9-character GSS code from ONS, not its name.", "E08000030"),
    ("period", "Required, unless you choose one period for the whole file after uploading",
     "2023 = calendar year; 2023/24 = financial year (April to March); a date such as 2024-03-31; or an ISO interval "
     "such as 2023-09-01/P1Y (an academic year).", "2023/24"),
)
_NOTES_LONG = (
    ("metric", "Optional", "The metric's name, when one file holds several metrics. You describe each metric "
                           "(unit, polarity, mission, source) after uploading.", _EXAMPLE_METRICS[0]),
    ("value", "Required", "A number. Leave the cell empty if the value is missing: do not type 0, n/a or -. "
                          "1,234 and a leading £ or trailing % are accepted.", "96.4"),
    ("lci95, uci95", "Optional", "Lower and upper limits of the 95% confidence interval. Give both or neither; "
                                 "the value must lie between them.", "91.2, 101.6"),
)
_NOTES_WIDE = (
    ("(one column per metric)", "At least one", "Put the metric's name in row 1 and a number in each cell below. "
                                                "Leave a cell empty if the value is missing.", _EXAMPLE_METRICS[0]),
)
_NOTES_LIMITS = (f"Limits: up to {MAX_BYTES // 1024 // 1024} MB, {MAX_ROWS:,} rows and {MAX_METRICS} metrics per file. "
                 "Only the first sheet is read. Cells must hold values, not formulas.")


def template_frame(form: Form = "long", example_codes: tuple[str, ...] = _EXAMPLE_CODES) -> pd.DataFrame:
    """The template's header and two example rows, as a frame (``form`` is ``'long'`` or ``'wide'``)."""
    codes = [strip_control(str(c))[:12] for c in example_codes[:2]]
    codes += list(_EXAMPLE_CODES[len(codes):])
    if form == "wide":
        return pd.DataFrame({"area_code": codes, _EXAMPLE_METRICS[0]: [96.4, 103.8], _EXAMPLE_METRICS[1]: [23.5, 27.1]})
    return pd.DataFrame({"metric": [_EXAMPLE_METRICS[0]] * 2, "area_code": codes, "period": ["2023/24"] * 2,
                         "value": [96.4, 103.8], "lci95": [91.2, 98.9], "uci95": [101.6, 108.7]})


def template_csv(form: Form = "long", example_codes: tuple[str, ...] = _EXAMPLE_CODES) -> bytes:
    """The template as UTF-8 CSV bytes (with a byte-order mark, so Excel reads £ and accents)."""
    return neutralise_frame(template_frame(form, example_codes)).to_csv(index=False).encode("utf-8-sig")


def template_xlsx(form: Form = "long", example_codes: tuple[str, ...] = _EXAMPLE_CODES) -> bytes:
    """The template as an XLSX workbook: a data sheet, then a sheet explaining each column."""
    frame = neutralise_frame(template_frame(form, example_codes))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        sheet.append(list(record))
    for position, column in enumerate(frame.columns, start=1):
        sheet.cell(row=1, column=position).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(position)].width = max(12, len(str(column)) + 2)
        if column in ("area_code", "period"):  # stop Excel turning 2023/24 into a date
            for row in range(2, 200):
                sheet.cell(row=row, column=position).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["Column", "Needed?", "What to put in it", "Example"])
    for row in _NOTES_COMMON[:1] + (_NOTES_LONG[:1] + _NOTES_COMMON[1:] + _NOTES_LONG[1:] if form == "long"
                                    else _NOTES_WIDE):
        notes.append(list(row))
    notes.append([])
    notes.append([_NOTES_LIMITS])
    for position, width in enumerate((22, 30, 90, 26), start=1):
        notes.column_dimensions[get_column_letter(position)].width = width
        notes.cell(row=1, column=position).font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ----- benchmark ---------------------------------------------------------------------------------
def _bench_file(target_bytes: int) -> tuple[bytes, dict[str, str]]:
    """A valid long CSV of just under ``target_bytes``: 50 metrics × 400 areas × 15 years."""
    codes = [f"E06{i:06d}" for i in range(1, 401)]
    rng = np.random.default_rng(2030)
    grid = np.meshgrid(np.arange(MAX_METRICS), np.arange(len(codes)), np.arange(2009, 2024), indexing="ij")
    n = min(grid[0].size, target_bytes // 35 + 1)  # a row takes about 42 bytes
    metric, area, year = (g.ravel()[:n] for g in grid)
    value = np.round(rng.uniform(10, 90, n), 2)
    frame = pd.DataFrame({"metric": np.char.add("Metric ", np.char.zfill(metric.astype(str), 2)),
                          "area_code": np.array(codes)[area], "period": year,
                          "value": value, "lci95": value - 1.5, "uci95": value + 1.5})
    data = frame.to_csv(index=False, float_format="%.2f").encode()
    return data[: data.rfind(b"\n", 0, target_bytes) + 1], {c: f"Area {c}" for c in codes}


def bench_validation(target_bytes: int = MAX_BYTES) -> float:
    """Seconds :func:`parse_upload` takes on a generated valid CSV of about ``target_bytes`` (≈ 250,000 rows)."""
    data, known = _bench_file(target_bytes)
    start = time.perf_counter()
    result = parse_upload("bench.csv", data, known)
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"benchmark file did not validate: {result.summary()}")
    return elapsed
