"""Limits and text clean-up that run before any expensive step of reading an upload.

* ``decode_text``: the bytes as text, with the encodings Excel writes; a UTF-8 file with a few stray
  Windows bytes is read as UTF-8 (the stray bytes become "�") with a warning naming the rows, rather
  than the whole file being re-read as Windows text ("Café" → "CafÃ©"). UTF-32 (with its byte-order
  mark) is read too. A byte-order mark inside the text (two files pasted together) is removed, with a
  warning naming the rows, so a code such as "\\ufeffE08000030" is not reported as unknown.
* ``long_cells``: cells longer than ``MAX_CELL_CHARS`` refuse the file before control characters are
  stripped or codes looked up (each of those steps walks every character of every cell).
* ``xlsx_declared_rows``: the row count a worksheet declares, checked before its rows are parsed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lupcore.uploads.vocabulary import Problem, _error, _warning

MAX_CELL_CHARS = 1_000  # the longest cell: names are at most 80 characters, codes 9, numbers about 20
_BOM = "\ufeff"
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_ROWS_LISTED = 5


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_ROWS_LISTED])
    more = len(rows) - _ROWS_LISTED
    return f"{'row' if len(rows) == 1 else 'rows'} {shown}{f' and {more} more' if more > 0 else ''}"


def _rows_with(text: str, char: str) -> list[int]:
    """Line numbers (first line = row 1) holding ``char``; a quoted line break can shift them, rarely."""
    return [i for i, line in enumerate(text.split("\n"), start=1) if char in line]


def decode_text(data: bytes) -> tuple[str | None, list[Problem]]:
    """The file's text and warnings about what was repaired; ``None`` when it is not text at all."""
    problems: list[Problem] = []
    if data.startswith(_UTF32_BOMS):
        text = _try(data, "utf-32")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try(data, "utf-16")  # Excel's "Unicode Text"
    elif b"\x00" in data:
        return None, []
    else:
        text = _try(data, "utf-8-sig")
        if text is None:
            text, problems = _mostly_utf8(data)
    if text is None:
        return None, []
    if _BOM in text:
        rows = _rows_with(text, _BOM)
        text = text.replace(_BOM, "")
        problems.append(_warning(rows[0], None, f"An invisible byte-order mark was removed from {_rows_text(rows)}. "
                                                "This happens when two files are joined together; check those rows."))
    return text, problems


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _mostly_utf8(data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 with a few bad bytes stays UTF-8 (with "�" and a warning); otherwise it is Windows text (cp1252)."""
    replaced = data.decode("utf-8-sig", errors="replace")
    bad = replaced.count("\ufffd")
    good = sum(1 for ch in replaced if ord(ch) > 127 and ch != "\ufffd")
    if good and bad <= max(3, good // 10):  # real UTF-8 letters and a few strays: not a Windows file
        rows = _rows_with(replaced, "\ufffd")
        return replaced, [_warning(rows[0], None, f"{_rows_text(rows).capitalize()} held characters that are not "
                                                  "UTF-8; they are shown as �. Check those rows, or save the file "
                                                  "again as 'CSV UTF-8 (Comma delimited)'.")]
    text = _try(data, "cp1252")  # Excel's plain "CSV" on Windows
    return text, []


def long_cells(header: list[str], body: pd.DataFrame, rows: np.ndarray) -> list[Problem]:
    """Errors for cells longer than ``MAX_CELL_CHARS`` (at most five listed), found without touching their text."""
    found: list[Problem] = []
    for i, cell in enumerate(header):
        if len(cell) > MAX_CELL_CHARS and len(found) < _ROWS_LISTED:
            found.append(_too_long(1, f"column {i + 1}", len(cell)))
    for position in body.columns:
        lengths = body[position].str.len().to_numpy(dtype=float, na_value=0)
        name = _name(header, position)
        for i in np.flatnonzero(lengths > MAX_CELL_CHARS)[: _ROWS_LISTED - len(found)]:
            found.append(_too_long(int(rows[i]), name, int(lengths[i])))
    return found


def _name(header: list[str], position: int) -> str:
    title = header[position].strip() if position < len(header) else ""
    return title[:40] if title and len(title) <= MAX_CELL_CHARS else f"column {position + 1}"


def _too_long(row: int, column: str, length: int) -> Problem:
    return _error(row, column, f"Row {row}: a cell holds {length:,} characters; a cell may hold at most "
                               f"{MAX_CELL_CHARS:,}. Check this is the file you meant to upload.")


def xlsx_declared_rows(sheet: Any, limit: int) -> Problem | None:
    """An error when the sheet says it has more than ``limit`` rows (read before a row is parsed)."""
    try:
        declared = int(sheet.max_row or 0)
    except (TypeError, ValueError):
        return None
    if declared <= limit:
        return None
    return _error(None, None, f"The first sheet says it has {declared:,} rows; the most we read from an Excel file "
                              f"is {limit:,}. If most of them are empty, delete the empty rows below your data; "
                              "otherwise save the sheet as CSV.")
