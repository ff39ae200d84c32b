"""Downloads of a ``ReportBundle``: CSV, Excel, PowerPoint and PDF, all written from ``bundle_tables``.

One function per format, each returning bytes, so the Export page hands them to a download
button and the CLI writes them to a file. Spreadsheet-bound text is neutralised against formula
injection in every spreadsheet format.
"""

from __future__ import annotations

import importlib
import re

from lupcore.export._report import ReportBundle
from lupcore.export._standalone import standalone_tables
from lupcore.sanitise import neutralise_frame

__all__ = ["FORMATS", "MEDIA_TYPES", "WRITERS", "export", "export_csv", "export_one_page", "file_name"]


def export_csv(bundle: ReportBundle) -> bytes:
    """The scorecard table as CSV: UTF-8 with a byte-order mark so Excel reads £ and ✔ correctly.

    Every row starts with the area's code and name, so the file stands alone; numbers are rounded to
    each metric's published decimals (scores to one decimal), with the unrounded value only where the
    rounding would hide why a status differs. A missing value is the text "no data", never 0 or blank.
    Text cells that a spreadsheet would run as a formula get a leading apostrophe.
    """
    frame = neutralise_frame(standalone_tables(bundle)["Scorecard"])
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


# The module of each writer, imported when its format is first asked for: reportlab, python-pptx and
# openpyxl cost a third of a second of every replica's start, and most visits never export.
WRITERS: dict[str, str] = {"pdf": "_pdf", "pptx": "_pptx", "xlsx": "_xlsx"}
FORMATS: tuple[str, ...] = ("pdf", "pptx", "xlsx", "csv")
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def export(bundle: ReportBundle, fmt: str) -> bytes:
    """The bundle in ``fmt`` (one of ``FORMATS``); raises ``ValueError`` for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; choose from {', '.join(FORMATS)}.")
    if fmt == "csv":
        return export_csv(bundle)
    return getattr(importlib.import_module(f"lupcore.export.{WRITERS[fmt]}"), f"export_{fmt}")(bundle)


def export_one_page(bundle: ReportBundle, rank_range: str | None = None) -> bytes:
    """The place on one A4 sheet (``_onepage``, imported on first use as the writers are)."""
    from lupcore.export._onepage import export_one_page as write

    return write(bundle, rank_range)


def file_name(bundle: ReportBundle, fmt: str) -> str:
    """A safe download name: 'walsall-levelling-up-summary-2026-03-05.pdf'."""
    slug = re.sub(r"[^a-z0-9]+", "-", bundle.area_name.lower()).strip("-") or str(bundle.facts["code"]).lower()
    suffix = "-scorecard" if fmt == "csv" else "-levelling-up-summary"
    return f"{slug}{suffix}-{bundle.generated_at:%Y-%m-%d}.{fmt}"
