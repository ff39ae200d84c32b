"""The Excel workbook: an About sheet, then one sheet per table of ``bundle_tables``.

Numbers are typed number cells with the same decimals and unit the screen shows (a number
format, so the full value is still there to calculate with). Every text cell is a typed string
cell, and text that ``neutralise_cell`` flags as a would-be formula (``= + - @``, tab, CR) also
carries Excel's own "quote prefix", the invisible form of the leading apostrophe: it stays text
even when edited, and reads "+2.9 pp" rather than "'+2.9 pp" ( allows typed
cells for XLSX; the CSV, which has no types, gets the visible apostrophe). RAG cells carry the
colour and the symbol and word.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lupcore.export._report import NO_DATA, ReportBundle, about_rows, is_number
from lupcore.export._standalone import standalone_tables
from lupcore.model import IndicatorMeta
from lupcore.sanitise import neutralise_cell
from lupcore.scoring import RAG_STYLE, rag_from_text

SHEET_ORDER = ("Summary", "Missions", "Capitals", "Scorecard", "Peers", "Peer comparison", "Progress", "Scenarios", "Sources",
               "Settings")
EMPTY_NOTE = {
    "Peers": "No peer group was formed for this area.",
    "Peer comparison": "No peer group was formed for this area.",
    "Progress": "No baseline was set in this session (set one on the Progress page).",
    "Scenarios": "No what-if scenarios were set in this session (try the What if page).",
}
# Columns whose numbers follow the metric's own unit and decimals (looked up by "Indicator id").
METRIC_NUMBER_COLUMNS = frozenset({"Value", "Minimum", "Target", "Peer median", "Baseline", "Latest"})
SCORE_FORMAT, WEIGHT_FORMAT = "0.0", "0.00"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
MAX_WIDTH = 60
WRAP_FROM = 45  # characters: longer text wraps inside its (capped) column


def number_format(meta: IndicatorMeta) -> str:
    """Excel number format matching ``format_value``: '£#,##0', '#,##0.0"%"', '#,##0.00'."""
    body = "#,##0" + ("." + "0" * meta.decimals if meta.decimals else "")
    unit = meta.unit.strip()
    if unit == "£":
        return f'£{body};"−£"{body}'
    return f'{body}"%"' if unit == "%" else body


def _cell_value(value: object) -> object:
    if is_number(value):
        return value.item() if hasattr(value, "item") else value
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return NO_DATA
    return value if isinstance(value, str) else str(value)


def put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell: numbers as numbers, text always as a string cell, never as a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = _cell_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" text as a formula
        if neutralise_cell(cell.value) != cell.value:
            cell.quotePrefix = True
    return cell


def _column_format(name: str) -> str | None:
    if name.startswith("Score"):
        return SCORE_FORMAT
    return WEIGHT_FORMAT if name in ("Weight", "Distance") else None


def _style_rag(cell: Cell, value: object) -> None:
    rag = rag_from_text(value) if isinstance(value, str) else None
    if rag is not None:
        style = RAG_STYLE[rag]
        cell.fill = PatternFill("solid", fgColor=style.colour.lstrip("#"))
        cell.font = Font(bold=True, color=style.text_colour.lstrip("#"))


def _write_rows(ws: Worksheet, frame: pd.DataFrame, metas: dict[str, IndicatorMeta]) -> None:
    ids = frame["Indicator id"].tolist() if "Indicator id" in frame.columns else [None] * len(frame)
    for r, (iid, row) in enumerate(zip(ids, frame.itertuples(index=False), strict=True), start=2):
        for c, (name, value) in enumerate(zip(frame.columns, row, strict=True), start=1):
            cell = put(ws, r, c, value)
            if is_number(value):
                meta = metas.get(str(iid)) if name in METRIC_NUMBER_COLUMNS else None
                fmt = number_format(meta) if meta is not None else _column_format(str(name))
                if fmt:
                    cell.number_format = fmt
            else:
                _style_rag(cell, value)
                if name == "Link" and isinstance(value, str) and value.startswith(("https://", "http://")):
                    cell.hyperlink = value.split(" ")[0]
                    cell.style = "Hyperlink"


def _finish(ws: Worksheet, frame: pd.DataFrame, freeze: str) -> None:
    """Bold header, widths from the longest text, wrapping for long text, frozen header row."""
    for c, name in enumerate(frame.columns, start=1):
        texts = [str(name)] + [str(v) for v in frame.iloc[:, c - 1].tolist()]
        longest = max(len(t) for t in texts)
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = min(MAX_WIDTH, max(8, longest + 2))
        if longest > WRAP_FROM:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    ws.freeze_panes = freeze


def _write_sheet(wb: Workbook, name: str, frame: pd.DataFrame, metas: dict[str, IndicatorMeta]) -> None:
    ws = wb.create_sheet(name)
    if frame.empty:
        frame = pd.DataFrame({"Note": [EMPTY_NOTE.get(name, "Nothing to show.")]})
    for c, column in enumerate(frame.columns, start=1):
        put(ws, 1, c, str(column))
    _write_rows(ws, frame, metas)
    columns = list(frame.columns)
    if "Metric" in columns:  # keep the area and the metric in view while scrolling right
        freeze = f"{get_column_letter(columns.index('Metric') + 2)}2"
    else:
        freeze = "C2" if name == "Sources" else "B2" if len(columns) > 2 else "A2"
    _finish(ws, frame, freeze)


def _write_about(wb: Workbook, bundle: ReportBundle) -> None:
    ws = wb.active
    ws.title = "About"
    rows = [("Field", "Value"), *about_rows(bundle), ("Sheets", ", ".join(SHEET_ORDER))]
    rows += [("Note", note) for note in bundle.notes]
    for r, (field, text) in enumerate(rows, start=1):
        put(ws, r, 1, field)
        put(ws, r, 2, text)
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 110
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    ws.freeze_panes = "A2"


def export_xlsx(bundle: ReportBundle) -> bytes:
    """The workbook as bytes: About, then Summary, Missions, Scorecard, … Settings (``SHEET_ORDER``)."""
    wb = Workbook()
    wb.properties.title = bundle.title
    wb.properties.creator = "Levelling Up Place Explorer"
    _write_about(wb, bundle)
    tables = standalone_tables(bundle)  # area code and name on every row, numbers as published
    metas = {m.meta.id: m.meta for m in bundle.card.metrics}
    for name in SHEET_ORDER:
        _write_sheet(wb, name, tables[name], metas)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
