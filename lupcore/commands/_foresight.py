"""Shared set-up of the foresight subcommands: session file, metric look-up, the area's engine and peers."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from lupcore.commands._common import UsageError, engine_or_usage_error, load_session, report
from lupcore.dataset import Dataset
from lupcore.restore import Restored
from lupcore.scorecard import Engine
from lupcore.session import ViewState

__all__ = ["Setup", "UsageError", "check_metric", "engine_for", "load_session", "report"]


@dataclass(frozen=True, eq=False)
class Setup:
    state: ViewState
    engine: Engine
    peers: tuple[str, ...]
    notices: tuple[str, ...]


def check_metric(dataset: Dataset, indicator_id: str) -> str:
    """The id if the data has it, else a ``UsageError`` naming the closest ids."""
    if indicator_id in dataset.indicators:
        return indicator_id
    close = difflib.get_close_matches(indicator_id, list(dataset.indicators), n=3, cutoff=0.5)
    raise UsageError(f"Unknown metric {indicator_id!r}. Closest matches: {', '.join(close) or 'none'}")


def engine_for(dataset: Dataset, area_code: str, restored: Restored) -> Setup:
    """The engine of the area's tier under the session's settings, local metrics and peer group; the notices
    travel in the command's output rather than as warnings."""
    setup = engine_or_usage_error(dataset, area_code, restored)
    peers = setup.peers.codes if setup.peers else ()
    notices = tuple(f"No peer ranks: {n}" for n in setup.notices)
    return Setup(restored.state, setup.engine, tuple(peers), notices)
