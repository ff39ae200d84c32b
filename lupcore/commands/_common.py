"""Shared pieces of the subcommands: area resolution with the one-line error, JSON-safe numbers."""

from __future__ import annotations

import math
import sys

from lupcore.dataset import Dataset, UnknownAreaError


def resolve_or_report(dataset: Dataset, text: str) -> str | None:
    """The area code for ``text``, or None after printing the one-line message (caller exits 2)."""
    try:
        return dataset.resolve_area(text)
    except UnknownAreaError as exc:
        print(str(exc), file=sys.stderr)
        return None


def number(value: object) -> float | None:
    """A float for JSON, with NaN and None as null."""
    if value is None:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out
