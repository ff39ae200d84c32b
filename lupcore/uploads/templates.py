"""Templates for users to fill in, and a benchmark of the whole check.

Templates come as CSV or XLSX, long or wide; the XLSX explains each column on a second sheet.
:func:`bench_file` makes a valid file of the largest size allowed, for timing :func:`parse_upload`.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from lupcore.sanitise import neutralise_frame, strip_control
from lupcore.uploads.vocabulary import MAX_BYTES, MAX_METRICS, MAX_ROWS, NOTES_SHEET, Form

_EXAMPLE_CODES = ("E08000030", "E08000031")
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
    import openpyxl  # on use: openpyxl costs every replica's start a tenth of a second
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

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


# ----- benchmark ------------------------------------------------------------------------------
def bench_file(target_bytes: int) -> tuple[bytes, dict[str, str]]:
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
