"""The export wing: one ``ReportBundle`` of what the user sees, written as PDF, PowerPoint, Excel or CSV.

``build_bundle`` (``_report``) gathers the tables (``_tables``) and chart specs (``_charts``);
each writer (``_pdf`` with ``_pdfkit``, ``_pptx``, ``_xlsx``) draws the same bundle, and
``export`` (``_formats``) picks the writer by format.
"""

import importlib
from typing import TYPE_CHECKING, Any

from lupcore.export._charts import SPINE_LEGEND, missions_chart, missions_frame, spine_chart, to_png
from lupcore.export._formats import FORMATS, MEDIA_TYPES, WRITERS, export, export_csv, export_one_page, file_name
from lupcore.export._report import (
    ATTRIBUTION,
    TABLE_NAMES,
    ReportBundle,
    about_rows,
    build_bundle,
    bundle_tables,
    print_table,
    scorecard_display,
    shown,
)
from lupcore.export._standalone import standalone_tables
from lupcore.export._tables import CAPITAL_NOTE, NO_DATA, capitals_table

if TYPE_CHECKING:
    from lupcore.export._onepage import killer_rows
    from lupcore.export._pdf import export_pdf
    from lupcore.export._pptx import export_pptx
    from lupcore.export._xlsx import SHEET_ORDER, export_xlsx, number_format

# Names from the writers' modules, imported on first use (see ``_formats.WRITERS``).
_ON_USE = {"export_pdf": "_pdf", "export_pptx": "_pptx", "export_xlsx": "_xlsx", "SHEET_ORDER": "_xlsx",
           "number_format": "_xlsx", "killer_rows": "_onepage"}


def __getattr__(name: str) -> Any:
    if name in _ON_USE:
        return getattr(importlib.import_module(f"lupcore.export.{_ON_USE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ATTRIBUTION",
    "CAPITAL_NOTE",
    "FORMATS",
    "MEDIA_TYPES",
    "NO_DATA",
    "ReportBundle",
    "SHEET_ORDER",
    "SPINE_LEGEND",
    "TABLE_NAMES",
    "WRITERS",
    "about_rows",
    "build_bundle",
    "bundle_tables",
    "capitals_table",
    "export",
    "export_csv",
    "export_one_page",
    "export_pdf",
    "export_pptx",
    "export_xlsx",
    "file_name",
    "killer_rows",
    "missions_chart",
    "missions_frame",
    "number_format",
    "print_table",
    "scorecard_display",
    "shown",
    "spine_chart",
    "standalone_tables",
    "to_png",
]
