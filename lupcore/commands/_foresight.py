"""Shared set-up of the foresight subcommands: session file, metric look-up, the area's engine and peers."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

from lupcore.dataset import Dataset
from lupcore.panel import build_panel
from lupcore.peers import PeerError, peer_group
from lupcore.scorecard import Engine, build_engine
from lupcore.session import SessionFileError, ViewState, from_session_file

TIER_OF_PREFIX = {"E10": "utla", "E47": "cauth"}  # counties and combined authorities are scored among their own kind


class UsageError(ValueError):
    """A problem the user can fix; printed as one line, exit code 2."""


@dataclass(frozen=True, eq=False)
class Setup:
    state: ViewState
    engine: Engine
    peers: tuple[str, ...]
    notices: tuple[str, ...]


def load_state(dataset: Dataset, path: str | None) -> tuple[ViewState, tuple[str, ...]]:
    """The view state from ``--session FILE`` (or the defaults), with the codec's notices."""
    if not path:
        return ViewState(), ()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read the session file {path}: {exc.strerror or exc}.") from exc
    try:
        decoded, _ = from_session_file(data, known_area=dataset.has_area, known_metric=lambda i: i in dataset.indicators)
    except SessionFileError as exc:
        raise UsageError(str(exc)) from exc
    return decoded.state, decoded.notices


def check_metric(dataset: Dataset, indicator_id: str) -> str:
    """The id if the data has it, else a ``UsageError`` naming the closest ids."""
    if indicator_id in dataset.indicators:
        return indicator_id
    close = difflib.get_close_matches(indicator_id, list(dataset.indicators), n=3, cutoff=0.5)
    raise UsageError(f"Unknown metric {indicator_id!r}. Closest matches: {', '.join(close) or 'none'}")


def engine_for(dataset: Dataset, area_code: str, state: ViewState) -> Setup:
    """The engine of the area's tier under the state's settings, with its peer group where one can be formed."""
    notices: list[str] = []
    spec = state.peers
    try:
        peers = peer_group(dataset, area_code, spec.kind, k=spec.k, variables=spec.variables or None,  # type: ignore[arg-type]
                           custom=spec.custom).codes
    except PeerError as exc:
        peers = ()
        notices.append(f"No peer ranks: {exc}")
    panel = build_panel(dataset, TIER_OF_PREFIX.get(area_code[:3], "ltla"))
    if area_code not in set(panel.codes):
        raise UsageError(f"{area_code} is not scored among comparable areas, so it has no scenario or projection here.")
    return Setup(state, build_engine(panel, state.settings, peers), tuple(peers), tuple(notices))


def report(exc: Exception) -> int:
    print(str(exc), file=sys.stderr)
    return 2
