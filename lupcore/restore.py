"""Restore a saved session (view state and local metrics) and set up the engine it describes.

One implementation for the Export page, every CLI command that takes ``--session`` and the
tests, so a session file means the same everywhere: its references are checked against the
data, its local metrics re-validated, and a damaged file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lupcore.dataset import Dataset
from lupcore.model import IndicatorMeta
from lupcore.panel import Panel, build_panel
from lupcore.peers import PeerError, PeerGroup, available_variables, peer_group
from lupcore.scorecard import Engine, build_engine
from lupcore.session import SessionFileError, ViewState, from_session_file
from lupcore.uploads import LocalMetricData, local_metric_from_dict

TIER_OF_PREFIX = {"E10": "utla", "E47": "cauth"}  # counties and combined authorities are scored among their own kind


def tier_for(code: str) -> str:
    """The panel an area is scored in: counties among upper tiers, combined authorities together, else districts."""
    return TIER_OF_PREFIX.get(code[:3], "ltla")


@dataclass(frozen=True, eq=False)
class Restored:
    state: ViewState
    notices: tuple[str, ...]
    local_metrics: tuple[LocalMetricData, ...]


def restore_session(data: bytes, dataset: Dataset) -> Restored:
    """Parse and check a session file; raises ``SessionFileError`` (one sentence) and changes nothing."""
    known = {r.code: r.name for r in dataset.pickable().itertuples(index=False)}
    decoded, saved = from_session_file(
        data, known_area=known.__contains__,
        known_metric=lambda i: i in dataset.indicators or i.startswith("local_"),
        known_variable=set(available_variables(dataset)).__contains__)
    metrics, problems = [], []
    for item in saved:
        metric, found = local_metric_from_dict(item, known)
        problems += [p.message for p in found if p.severity == "error"]
        if metric is not None:
            metrics.append(metric)
    if problems:
        first = problems[0].split(". ")[0].rstrip(".")
        raise SessionFileError(f"The session file's local metrics are damaged: {first}.")
    return Restored(decoded.state, decoded.notices, tuple(metrics))


def local_extras(metrics: tuple[LocalMetricData, ...]) -> tuple[tuple[IndicatorMeta, ...], pd.DataFrame | None]:
    """Local metrics as (indicator metadata, observation rows) for ``build_panel``."""
    if not metrics:
        return (), None
    return tuple(m.indicator_meta() for m in metrics), pd.concat([m.observations for m in metrics], ignore_index=True)


@dataclass(frozen=True, eq=False)
class Setup:
    panel: Panel
    engine: Engine
    peers: PeerGroup | None
    notices: tuple[str, ...]


def engine_for(dataset: Dataset, area_code: str, state: ViewState,
               local: tuple[LocalMetricData, ...] = ()) -> Setup:
    """The engine for the area's tier under the state's settings, its local metrics and peer group.

    A peer group that cannot be formed is a notice, not an error: peer presets fall back to all
    comparable areas. Raises ``KeyError`` when the area is not scored in any panel (a region).
    """
    notices: list[str] = []
    spec = state.peers
    try:
        group = peer_group(dataset, area_code, spec.kind, k=spec.k, variables=spec.variables,  # type: ignore[arg-type]
                           custom=spec.custom, name=spec.name)
    except PeerError as exc:
        group = None
        notices.append(f"{exc} Peer benchmarks fall back to all comparable areas.")
    metas, obs = local_extras(local)
    panel = build_panel(dataset, tier_for(area_code), metas, obs)
    if area_code not in set(panel.codes):
        raise KeyError(area_code)
    engine = build_engine(panel, state.settings, group.codes if group else ())
    return Setup(panel, engine, group, tuple(notices))
