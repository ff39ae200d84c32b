"""Period labels as ONS publishes them (ISO 8601 dates and intervals) and their numeric time axis.

A label is either a date (``2026-01-01``, a snapshot) or ``start/duration`` with a duration of
``PnY`` or ``PnM``. We keep the label as published and derive start, end and a midpoint in
decimal years, which is what trends and projections use (methodology §7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_INTERVAL = re.compile(r"(\d{4})-(\d{2})-(\d{2})/P(\d+)([YM])", re.ASCII)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
# Bounds every label must keep, so date arithmetic can never overflow and a typo cannot pass as a period.
YEARS = (1800, 2200)  # the first and last start year accepted
MAX_MONTHS = 100 * 12  # the longest period: 100 years


class PeriodError(ValueError):
    """A period label that is neither an ISO date nor an ISO ``start/PnY|PnM`` interval."""


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: date
    end: date

    @property
    def midpoint(self) -> float:
        """Midpoint in decimal years (calendar 2019 → 2019.5; FY 2019/20 → 2020.25 − 0.5)."""
        return (_decimal_year(self.start) + _decimal_year(self.end + timedelta(days=1))) / 2


    def display(self) -> str:
        """A label a reader knows: 2023, 2023/24, 2022-2024, Jan 2026, 30 Jun 2024."""
        return display_label(self.label)


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    return date(year, month + 1, 1) if d.day == 1 else date(year, month + 1, min(d.day, 28))


def _decimal_year(d: date) -> float:
    start = date(d.year, 1, 1)
    length = (date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / length


def parse_period(label: str) -> Period:
    """Parse an ONS period label; raises PeriodError for anything else."""
    text = str(label).strip()
    m = _INTERVAL.fullmatch(text)
    if m:
        start = _start(m, label)
        n, unit = (int(m[4]) if len(m[4]) <= 4 else 10**4), m[5]  # more digits: too long anyway, never converted
        months = n * 12 if unit == "Y" else n
        if not 1 <= months <= MAX_MONTHS:
            raise PeriodError(f"the period {_short(label)} must last from one month to {MAX_MONTHS // 12} years")
        end = _add_months(start, months) - timedelta(days=1)
        return Period(text, start, end)
    m = _DATE.fullmatch(text)
    if m:
        day = _start(m, label)
        return Period(text, day, day)
    raise PeriodError(f"unrecognised period {_short(label)}: expected YYYY-MM-DD or YYYY-MM-DD/PnY")


def _start(m: re.Match[str], label: str) -> date:
    try:
        start = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise PeriodError(f"not a valid date in period {_short(label)}") from exc
    if not YEARS[0] <= start.year <= YEARS[1]:
        raise PeriodError(f"the period {_short(label)} starts outside the years {YEARS[0]} to {YEARS[1]}")
    return start


def _short(label: object) -> str:
    text = repr(str(label))
    return text if len(text) <= 40 else text[:37] + "…'"


_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def display_label(label: str) -> str:
    """Human-readable period: 2023, 2023/24 (financial/academic), 2022-2024, Dec 2025, 30 Jun 2024."""
    try:
        p = parse_period(label)
    except PeriodError:
        return str(label)
    s, text = p.start, p.label
    if "/" not in text:
        return f"{s.day} {_MONTHS[s.month - 1]} {s.year}"
    n, unit = int(text.split("/P")[1][:-1]), text[-1]
    if unit == "M":
        return f"{_MONTHS[s.month - 1]} {s.year}" if n == 1 else f"{_MONTHS[s.month - 1]} {s.year} ({n} months)"
    if n == 1:
        if (s.month, s.day) == (1, 1):
            return str(s.year)
        if (s.month, s.day) == (7, 1):  # police recorded crime: the year ending June
            return f"year to Jun {s.year + 1}"
        if s.month >= 3:
            return f"{s.year}/{(s.year + 1) % 100:02d}"
        return f"{s.year} (from {s.day} {_MONTHS[s.month - 1]})"
    if (s.month, s.day) == (1, 1):
        return f"{s.year}-{s.year + n - 1}"
    return f"{s.year}/{(s.year + 1) % 100:02d} to {s.year + n - 1}/{(s.year + n) % 100:02d}"
