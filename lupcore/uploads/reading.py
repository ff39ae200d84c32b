"""Reading an uploaded file's bytes into a table of text: file checks, then CSV (as Excel writes it) or XLSX.

Nothing is interpreted here: every cell stays text, with its spreadsheet row number, for the checks that
follow. The size limits are looked up on the package (``limits.MAX_ROWS`` and so on) each time they are
used, so they are set in one place and a test can lower them there.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from lupcore.uploads import vocabulary as limits
from lupcore.uploads.guards import decode_text, long_cells, xlsx_declared_rows
from lupcore.uploads.issues import _issues
from lupcore.uploads.vocabulary import ACCEPTED_EXTENSIONS, NOTES_SHEET, Problem, _error, _show, _warning


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
    if len(data) > limits.MAX_BYTES:
        return [_error(None, None, f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                                   f"{limits.MAX_BYTES // 1024 // 1024} MB. Split it into smaller files or remove columns you do not need.")]
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


def _sniff(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ","))
    return best if counts[best] else ","


def _read_csv(data: bytes) -> tuple[_Table | None, list[Problem]]:
    text, repaired = decode_text(data)
    if text is None:
        return None, [_error(None, None, "The file is not readable text. In Excel choose File → Save As → "
                                         "'CSV UTF-8 (Comma delimited)' and upload that file.")]
    first_line = text.split("\n", 1)[0]
    sep = _sniff(first_line)
    if first_line.count(sep) >= limits.MAX_COLUMNS:
        return None, [_error(1, None, f"Row 1 has {first_line.count(sep) + 1:,} columns; the most we read is {limits.MAX_COLUMNS}. "
                                      f"Keep area_code, period and up to {limits.MAX_METRICS} metric columns.")]
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                            na_filter=False, skip_blank_lines=False, nrows=limits.MAX_ROWS + 2)
    except pd.errors.EmptyDataError:
        return None, [_error(None, None, "The file is empty.")]
    except (pd.errors.ParserError, ValueError):
        return _read_csv_slowly(text, sep, repaired)  # ragged rows or stray quotes: find each one
    return _make_table([str(h) for h in frame.iloc[0].tolist()], frame.iloc[1:], np.arange(2, len(frame) + 1), repaired)


def _read_csv_slowly(text: str, sep: str, repaired: list[Problem]) -> tuple[_Table | None, list[Problem]]:
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text), delimiter=sep):
            records.append(record)
            if len(records) > limits.MAX_ROWS + 1:
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
    table, problems = _make_table(records[0], body, rows, repaired)
    ragged = _issues([i for i, _ in long_rows], "", "ragged", [n for _, n in long_rows], width)
    preview = tuple(tuple(r) for r in records[1:11])
    return (replace(table, issues=(ragged,), preview=preview) if table else None), problems


def _make_table(header: list[str], body: pd.DataFrame, rows: np.ndarray,
                problems: list[Problem]) -> tuple[_Table | None, list[Problem]]:
    if len(body) > limits.MAX_ROWS:
        return None, problems + [_error(None, None, f"The file has more than {limits.MAX_ROWS:,} data rows. "
                                                    "Split it into smaller files (for example one per metric).")]
    if len(header) > limits.MAX_COLUMNS:
        return None, problems + [_error(1, None, f"Row 1 has {len(header)} columns; the most we read is {limits.MAX_COLUMNS}.")]
    too_long = long_cells(header, body, rows)  # before any step that walks the characters of every cell
    if too_long:
        return None, problems + too_long
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
    if unpacked > limits.MAX_UNZIPPED_BYTES:
        return None, [_error(None, None, "The workbook is too large once unpacked. Keep only the data sheet, or save it as CSV.")]
    import openpyxl  # on use: openpyxl costs every replica's start a tenth of a second

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
    """The sheet's rows as text, empty rows kept so row numbers hold; None past ``MAX_XLSX_CELLS`` or half as many rows."""
    sheet.reset_dimensions()  # some tools write a wrong size; read what is there
    records: list[list[str]] = []
    cells = 0
    most_rows = min(limits.MAX_ROWS, limits.MAX_XLSX_CELLS // 2) + 1  # a useful row has two cells or more
    for row in sheet.iter_rows(max_col=limits.MAX_COLUMNS + 1):  # a stray far-right cell adds no padding
        record = [_cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row[: limits.MAX_COLUMNS + 1]]
        while record and record[-1] == "":
            record.pop()
        records.append(record)
        cells += len(record)
        if cells > limits.MAX_XLSX_CELLS:
            return None
        if len(records) > most_rows:
            return None
    return records


def _read_sheet(workbook: Any) -> tuple[_Table | None, list[Problem]]:
    if not workbook.worksheets:
        return None, [_error(None, None, "The workbook has no worksheet with data.")]
    sheet = workbook.worksheets[0]
    others = [name for name in workbook.sheetnames[1:] if name != NOTES_SHEET]
    problems = [_warning(None, None, f"Only the first sheet, '{_show(sheet.title)}', was read.")] if others else []
    declared = xlsx_declared_rows(sheet, min(limits.MAX_ROWS, limits.MAX_XLSX_CELLS // 2) + 1)
    if declared:  # the sheet's own <dimension>, read before any row is parsed
        return None, problems + [declared]
    records = _sheet_records(sheet)
    if records is None:
        return None, problems + [_error(None, None, f"The workbook has more than {limits.MAX_XLSX_CELLS:,} filled cells "
                                                    f"or {limits.MAX_XLSX_CELLS // 2:,} rows, which is more than we read "
                                                    "from Excel files. Save the sheet as CSV "
                                                    f"(up to {limits.MAX_ROWS:,} rows) and upload that instead.")]
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
