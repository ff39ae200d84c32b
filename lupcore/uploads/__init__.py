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

Modules, in the order an upload passes through them (:func:`parse_upload`, here, runs the steps):

* ``reading``: file checks, and the bytes as a table of text cells with their row numbers;
* ``layout``: which column is which, and whether the file is long or wide;
* ``cells`` and ``checks``: every cell checked (periods, numbers, areas, intervals, repeats);
* ``issues`` and ``lookup``: the problems worded, with the closest current area suggested;
* ``build``: observation rows and draft metrics;
* ``model``: the types and limits; ``validate``: metadata checks and ``to_indicator_meta``;
  ``session_dicts``: the session-file form; ``templates``: the templates and the benchmark.

The limits (``MAX_ROWS`` and the rest) are read from this package when a file is read, so they can be
changed here in one place.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Mapping

from lupcore.sanitise import clean_text
from lupcore.uploads.build import _build_metrics
from lupcore.uploads.cells import normalise_period
from lupcore.uploads.checks import _validate
from lupcore.uploads.issues import _assemble
from lupcore.uploads.layout import _detect_layout, _label
from lupcore.uploads.lookup import _edit_distances as _edit_distances, _Lookup
from lupcore.uploads.reading import _read_table
from lupcore.uploads.session_dicts import local_metric_from_dict, local_metric_to_dict
from lupcore.uploads.templates import bench_file, template_csv, template_frame, template_xlsx
from lupcore.uploads.validate import LocalMetricData, make_metric_id, to_indicator_meta, validate_meta
from lupcore.uploads.vocabulary import (
    ACCEPTED_EXTENSIONS,
    MAX_BYTES,
    MAX_COLUMNS as MAX_COLUMNS,
    MAX_LISTED as MAX_LISTED,
    MAX_METRICS,
    MAX_NAME,
    MAX_ROWS,
    MAX_SOURCE as MAX_SOURCE,
    MAX_UNIT as MAX_UNIT,
    MAX_UNZIPPED_BYTES as MAX_UNZIPPED_BYTES,
    MAX_XLSX_CELLS,
    NOTES_SHEET as NOTES_SHEET,
    SESSION_VERSION as SESSION_VERSION,
    Form,
    LocalMetricMeta,
    Problem,
    Severity as Severity,
    UploadResult,
    _error,
    clean_meta,
)

# __all__ is the public API, as before the split. The `X as X` imports above are read as uploads.X too:
# the reader and the session file look their limits up here, and tests use the rest.
__all__ = [
    "ACCEPTED_EXTENSIONS", "MAX_BYTES", "MAX_METRICS", "MAX_ROWS", "MAX_XLSX_CELLS", "LocalMetricData",
    "LocalMetricMeta", "Problem", "UploadResult", "bench_validation", "clean_meta", "local_metric_from_dict",
    "local_metric_to_dict", "make_metric_id", "normalise_period", "parse_upload", "template_csv", "template_frame",
    "template_xlsx", "to_indicator_meta", "validate_meta",
]


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


def bench_validation(target_bytes: int = MAX_BYTES) -> float:
    """Seconds :func:`parse_upload` takes on a generated valid CSV of about ``target_bytes`` (≈ 250,000 rows)."""
    data, known = bench_file(target_bytes)
    start = time.perf_counter()
    result = parse_upload("bench.csv", data, known)
    elapsed = time.perf_counter() - start
    if not result.ok:
        raise RuntimeError(f"benchmark file did not validate: {result.summary()}")
    return elapsed
