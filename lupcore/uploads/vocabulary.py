"""Types and limits of a local-metrics upload: the problems reported, a metric's metadata and values, the outcome.

Also the small helpers every step uses to word a problem (``_show``, ``_error``, ``_warning``, ``_plural``) and
:func:`clean_meta`, which tidies a metric's texts before they are checked or stored. The size limits are
re-exported by the package, which is where the reader looks them up (so they can be changed in one place).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal

import pandas as pd

from lupcore.model import LocalControl, Polarity
from lupcore.sanitise import strip_control

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
MAX_VALUE = 1e15  # |value| above this is refused: its squares and ranges would overflow and scores turn NaN

Severity = Literal["error", "warning"]
Form = Literal["long", "wide"]
_STRING = pd.StringDtype("pyarrow", na_value=pd.NA)  # as in data/observations.parquet
_PERIOD_HELP = ("Use 2023 for a calendar year, 2023/24 for a financial year, a date such as 2024-03-31, "
                "or an interval such as 2023-09-01/P1Y.")


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
class UploadResult:
    """The outcome of :func:`parse_upload`: metrics (only when there are no errors) and the report."""

    metrics: tuple  # of LocalMetricData (defined in validate.py, which builds on the types here)
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


def clean_meta(meta: LocalMetricMeta) -> LocalMetricMeta:
    """The same metadata with its texts cleaned: control characters removed, spaces collapsed, ends trimmed."""
    capital = None if meta.capital in (None, "") else strip_control(str(meta.capital)).casefold()
    return replace(meta, name=strip_control(str(meta.name)), unit=strip_control(str(meta.unit)),
                   source=strip_control(str(meta.source)), capital=capital)
