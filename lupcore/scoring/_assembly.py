"""One assembly line from (data, area, settings, peers, local metrics) to the engine and the scorecard.

Pages, the CLI and every export call ``assemble``, so a page and an export cannot disagree on a
status. The UI only caches: it passes a ``StageCache`` and each stage is looked up by the small
string key made here (``Settings.fit_key`` and ``Settings.cache_key`` say which choices matter),
so moving a weight re-scores in milliseconds while the benchmarks and the normaliser are reused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import pandas as pd

from lupcore.data import Dataset, Panel, build_panel, tier_for
from lupcore.model import IndicatorMeta
from lupcore.peers import PeerError, PeerGroup, peer_group
from lupcore.scoring._normalise import WeightsError, fit_normaliser
from lupcore.scoring._scorecard import Engine, Scorecard, build_engine, build_scorecard
from lupcore.scoring._thresholds import compute_benchmarks
from lupcore.session import PeerSpec
from lupcore.settings import Settings
from lupcore.uploads import LocalMetricData

T = TypeVar("T")
DEFAULT_PEERS = PeerSpec()


class StageCache(Protocol):
    """Returns the stage's cached value for ``key``, or ``compute()`` (and keeps it). Must not mutate values."""

    def __call__(self, stage: str, key: tuple, compute: Callable[[], T]) -> T: ...


def no_cache(stage: str, key: tuple, compute: Callable[[], T]) -> T:
    """The CLI's and the exports' cache: none (one view per process)."""
    return compute()


@dataclass(frozen=True, eq=False)
class LocalParts:
    """A session's own metrics as ``build_panel`` takes them, with a fingerprint that keys the caches."""

    metas: tuple[IndicatorMeta, ...] = ()
    observations: pd.DataFrame | None = None
    key: str = ""


def local_parts(metrics: Sequence[LocalMetricData]) -> LocalParts:
    if not metrics:
        return LocalParts()
    metas = tuple(m.indicator_meta() for m in metrics)
    obs = pd.concat([m.observations for m in metrics], ignore_index=True)
    digest = hashlib.sha256(pd.util.hash_pandas_object(obs, index=False).values.tobytes())
    digest.update(repr(metas).encode())
    return LocalParts(metas, obs, digest.hexdigest()[:16])


@dataclass(frozen=True, eq=False)
class Assembly:
    """What a view of one area needs. ``engine`` and ``card`` are None when the weights leave nothing to
    score (``weights_problem`` says why); ``peer_problem`` says why the chosen peers could not be formed."""

    area_code: str
    panel: Panel
    peers: PeerGroup | None
    engine: Engine | None
    card: Scorecard | None
    weights_problem: str | None
    peer_problem: str | None
    local: LocalParts

    @property
    def problem(self) -> str | None:
        return self.weights_problem or self.peer_problem

    @property
    def notices(self) -> tuple[str, ...]:
        """The peer problem as a notice for the CLI and the exports (the scores still stand)."""
        return (f"{self.peer_problem} Peer benchmarks fall back to all comparable areas.",) if self.peer_problem else ()

    @property
    def local_key(self) -> str:
        return self.local.key

    @property
    def peer_codes(self) -> tuple[str, ...]:
        return self.peers.codes if self.peers else ()

    def view_key(self) -> tuple[str, str, str, tuple[str, ...]]:
        """(tier, local metrics, settings, peers): what makes one engine differ from another, for later caches."""
        settings = self.engine.settings.cache_key() if self.engine else ""
        return self.panel.tier, self.local.key, settings, self.peer_codes


class NotScoredError(KeyError):
    """The area is not scored in any panel (a region or a nation)."""


def assemble(dataset: Dataset, area_code: str, settings: Settings, peers: PeerSpec | None = DEFAULT_PEERS,
             local: Sequence[LocalMetricData] | LocalParts = (), *, tier: str | None = None,
             cache: StageCache = no_cache) -> Assembly:
    """The engine and scorecard of ``area_code`` under ``settings``, its peers and the session's local metrics.

    ``tier`` forces a panel (the Map always shows districts); otherwise the area's own tier is used and an
    area outside it raises ``NotScoredError``. ``peers=None`` scores against all comparable areas. A peer group
    that cannot be formed, or weights that leave nothing to score, come back as messages, never raised.
    """
    parts = local if isinstance(local, LocalParts) else local_parts(local)
    tier = tier or tier_for(area_code)
    panel = cache("panel", (tier, parts.key), lambda: build_panel(dataset, tier, parts.metas, parts.observations))
    in_panel = panel.has_area(area_code)
    if not in_panel and tier == tier_for(area_code):
        raise NotScoredError(area_code)
    group, peer_problem = None, None
    if peers is not None:
        spec = (area_code, peers.kind, peers.k, peers.custom, peers.variables, peers.name)
        try:
            group = cache("peers", spec, lambda: peer_group(dataset, area_code, peers.kind, k=peers.k,  # type: ignore[arg-type]
                                                           variables=peers.variables, custom=peers.custom,
                                                           name=peers.name))
        except PeerError as exc:
            peer_problem = str(exc)
    codes = group.codes if group else ()
    view = (tier, parts.key, settings.cache_key(), codes)
    try:
        engine = cache("engine", view, lambda: _engine(panel, settings, codes, parts.key, cache))
    except WeightsError as exc:
        return Assembly(area_code, panel, group, None, None, str(exc), peer_problem, parts)
    card = cache("card", (*view, area_code),
                 lambda: build_scorecard(dataset, engine, area_code, dict(dataset.missions))) if in_panel else None
    return Assembly(area_code, panel, group, engine, card, None, peer_problem, parts)


def _engine(panel: Panel, settings: Settings, peers: tuple[str, ...], local_key: str, cache: StageCache) -> Engine:
    def fit() -> tuple:
        bench = compute_benchmarks(panel, settings, peers)
        return bench, fit_normaliser(panel, bench, settings)

    bench, norm = cache("fit", (panel.tier, local_key, settings.fit_key(), peers), fit)
    return build_engine(panel, settings, peers, benchmarks=bench, normaliser=norm)
