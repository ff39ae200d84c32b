"""Downloads of a ``ReportBundle``: CSV, Excel, PowerPoint and PDF, all written from ``bundle_tables``.

One function per format, each returning bytes, so the Export page hands them to a download
button and the CLI writes them to a file. Spreadsheet-bound text is neutralised against formula
injection in every spreadsheet format.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lupcore.export._pdf import export_pdf
from lupcore.export._pptx import export_pptx
from lupcore.export._report import ReportBundle
from lupcore.export._standalone import standalone_tables
from lupcore.export._xlsx import export_xlsx
from lupcore.sanitise import neutralise_frame

__all__ = ["FORMATS", "MEDIA_TYPES", "export", "export_csv", "export_pdf", "export_pptx", "export_xlsx",
           "file_name"]


def export_csv(bundle: ReportBundle) -> bytes:
    """The scorecard table as CSV: UTF-8 with a byte-order mark so Excel reads £ and ✔ correctly.

    Every row starts with the area's code and name, so the file stands alone; numbers are rounded to
    each metric's published decimals (scores to one decimal), with the unrounded value only where the
    rounding would hide why a status differs. A missing value is the text "no data", never 0 or blank.
    Text cells that a spreadsheet would run as a formula get a leading apostrophe.
    """
    frame = neutralise_frame(standalone_tables(bundle)["Scorecard"])
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


FORMATS: dict[str, Callable[[ReportBundle], bytes]] = {
    "pdf": export_pdf, "pptx": export_pptx, "xlsx": export_xlsx, "csv": export_csv,
}
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
    return FORMATS[fmt](bundle)


def file_name(bundle: ReportBundle, fmt: str) -> str:
    """A safe download name: 'walsall-levelling-up-summary-2026-03-05.pdf'."""
    slug = re.sub(r"[^a-z0-9]+", "-", bundle.area_name.lower()).strip("-") or str(bundle.facts["code"]).lower()
    suffix = "-scorecard" if fmt == "csv" else "-levelling-up-summary"
    return f"{slug}{suffix}-{bundle.generated_at:%Y-%m-%d}.{fmt}"
