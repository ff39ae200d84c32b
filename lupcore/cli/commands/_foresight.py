"""Shared set-up of the foresight subcommands: session file, metric look-up, the area's engine and peers."""

from __future__ import annotations

import difflib

from lupcore.cli.commands._common import UsageError, engine_or_usage_error, load_session, report
from lupcore.data import Dataset
from lupcore.restore import Restored
from lupcore.scoring import Assembly

__all__ = ["UsageError", "check_metric", "engine_for", "load_session", "report"]


def check_metric(dataset: Dataset, indicator_id: str) -> str:
    """The id if the data has it, else a ``UsageError`` naming the closest ids."""
    if indicator_id in dataset.indicators:
        return indicator_id
    close = difflib.get_close_matches(indicator_id, list(dataset.indicators), n=3, cutoff=0.5)
    raise UsageError(f"Unknown metric {indicator_id!r}. Closest matches: {', '.join(close) or 'none'}")


def engine_for(dataset: Dataset, area_code: str, restored: Restored) -> tuple[Assembly, tuple[str, ...]]:
    """The area's assembly under the session, and its notices for the command's output (not warnings)."""
    setup = engine_or_usage_error(dataset, area_code, restored)
    return setup, tuple(f"No peer ranks: {n}" for n in setup.notices)
