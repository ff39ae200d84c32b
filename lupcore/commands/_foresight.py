"""Shared set-up of the foresight subcommands: session file, metric look-up, the area's engine and peers."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from lupcore.commands._common import UsageError, load_session, report
from lupcore.dataset import Dataset
from lupcore.restore import Restored
from lupcore.restore import engine_for as restore_engine_for
from lupcore.scorecard import Engine
from lupcore.scoring import WeightsError
from lupcore.session import ViewState

__all__ = ["Setup", "UsageError", "check_metric", "engine_for", "load_state", "report"]


@dataclass(frozen=True, eq=False)
class Setup:
    state: ViewState
    engine: Engine
    peers: tuple[str, ...]
    notices: tuple[str, ...]


def load_state(dataset: Dataset, path: str | None) -> tuple[Restored, tuple[str, ...]]:
    """The restored session from ``--session FILE`` (or the defaults), with the codec's notices."""
    restored = load_session(dataset, path)
    return restored, restored.notices


def check_metric(dataset: Dataset, indicator_id: str) -> str:
    """The id if the data has it, else a ``UsageError`` naming the closest ids."""
    if indicator_id in dataset.indicators:
        return indicator_id
    close = difflib.get_close_matches(indicator_id, list(dataset.indicators), n=3, cutoff=0.5)
    raise UsageError(f"Unknown metric {indicator_id!r}. Closest matches: {', '.join(close) or 'none'}")


def engine_for(dataset: Dataset, area_code: str, restored: Restored) -> Setup:
    """The engine of the area's tier under the session's settings, local metrics and peer group."""
    try:
        setup = restore_engine_for(dataset, area_code, restored.state, restored.local_metrics)
    except KeyError as exc:
        raise UsageError(f"{area_code} is not scored among comparable areas, so it has no scenario or projection here.") from exc
    except WeightsError as exc:
        raise UsageError(str(exc)) from exc
    peers = setup.peers.codes if setup.peers else ()
    notices = tuple(f"No peer ranks: {n}" for n in setup.notices)
    return Setup(restored.state, setup.engine, tuple(peers), notices)
