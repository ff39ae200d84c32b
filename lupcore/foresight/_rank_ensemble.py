"""The 1,000-run rank ensemble of an engine and the 5th-95th percentile rank ranges drawn from it (methodology §9).

``simulate`` runs the perturbed inputs of ``_uncertainty`` through each method plan in batches (reporting
progress as it goes); ``RankEnsemble`` keeps the ranks small and answers the intervals, overall and among peers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from lupcore import stats
from lupcore.foresight._uncertainty import (
    DEFAULT_CONFIG,
    EnsembleConfig,
    RankInterval,
    draw_inputs,
    ensemble_methods,
    normalisers,
    perturb,
    plan_method,
    prepare_inputs,
    score_batch,
)
from lupcore.scoring import Engine, mission_weights, score_panel


@dataclass(frozen=True, eq=False)
class RankEnsemble:
    """Ranks of every area in every run (runs, areas), within tier and nation as ``Scores.rank``."""

    codes: np.ndarray
    nominal: np.ndarray  # (areas,) the ranks under the chosen settings
    rank_of: np.ndarray  # (areas,)
    ranks: np.ndarray  # (runs, areas), NaN where unranked
    overall: np.ndarray  # (runs, areas)

    def intervals(self) -> dict[str, RankInterval]:
        """Every area's interval; the 5th percentile rounds towards the better end and the 95th towards
        the worse, so at least 90% of runs lie inside."""
        ranked = ~np.all(np.isnan(self.ranks), axis=0)
        low = np.full(len(self.codes), np.nan)
        high, median, mean, top, bottom = (low.copy() for _ in range(5))
        r, of = self.ranks[:, ranked], self.rank_of[ranked]
        low[ranked] = np.percentile(r, 5, axis=0, method="lower")
        high[ranked] = np.percentile(r, 95, axis=0, method="higher")
        median[ranked], mean[ranked] = np.median(r, axis=0), r.mean(axis=0)
        top[ranked], bottom[ranked] = (r <= 0.2 * of).mean(axis=0), (r > 0.8 * of).mean(axis=0)
        return {str(code): RankInterval(str(code), _int(self.nominal[i]), _int(low[i]), _int(high[i]), _float(median[i]),
                                        _float(mean[i]), _float(top[i]), _float(bottom[i]), int(self.rank_of[i]))
                for i, code in enumerate(self.codes)}


    def peer_interval(self, code: str, peer_codes: Sequence[str], nominal: int | None, of: int) -> RankInterval | None:
        """The area's rank among itself and its peers in every run (1 + peers scoring higher), as a range.

        ``nominal`` and ``of`` are the published peer rank and group size (``lupcore.rescore.peer_rank``);
        a peer without a score in a run does not count, as in the nominal rank.
        """
        at = np.flatnonzero(self.codes == code)
        peers = np.flatnonzero(np.isin(self.codes, list(peer_codes)) & (self.codes != code))
        if not len(at) or not len(peers) or nominal is None:
            return None
        own = self.overall[:, at[0]]
        runs = ~np.isnan(own)
        if not runs.any():
            return None
        ranks = 1 + np.sum(self.overall[runs][:, peers] > own[runs, None], axis=1)
        low, high = np.percentile(ranks, 5, method="lower"), np.percentile(ranks, 95, method="higher")
        return RankInterval(code, nominal, int(low), int(high), float(np.median(ranks)), float(ranks.mean()),
                            None, None, of)


def _int(x: float) -> int | None:
    return None if np.isnan(x) else int(x)


def _float(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def rank_runs(engine: Engine, overall: np.ndarray) -> np.ndarray:
    """Ranks (1 = best, ties share the better rank) within each nation, for every run at once."""
    ranks = np.full(overall.shape, np.nan)
    for nation in np.unique(engine.panel.nations):
        rows = np.flatnonzero(engine.panel.nations == nation)
        block = overall[:, rows]
        # -inf sorts below every real score, so it never changes a real area's rank; it is masked after.
        ranked = stats.rank_min(np.where(np.isnan(block), -np.inf, block), higher_is_better=True, axis=-1)
        ranks[:, rows] = np.where(np.isnan(block), np.nan, ranked)
    return ranks


def simulate(engine: Engine, config: EnsembleConfig = DEFAULT_CONFIG, values: np.ndarray | None = None,
             on_progress: Callable[[float], None] | None = None) -> RankEnsemble:
    """Run the ensemble for every area of the engine's panel (vectorised over runs, chunk by chunk).

    ``values`` scores a what-if copy of the panel's values (other areas held constant); the
    benchmarks, the normalisers and the CIs' widths stay those of the published data.
    ``on_progress`` hears the share of runs done after each chunk (for a progress bar).
    """
    draws = draw_inputs(engine, config)
    inputs = prepare_inputs(engine, values)
    base = mission_weights(engine.settings)
    plans = tuple(plan_method(inputs, n, base) for n in normalisers(engine, ensemble_methods(engine, config)))
    rng = np.random.default_rng(draws.data_seed)
    overall = np.empty((config.runs, len(engine.panel.codes)))
    published = inputs.values[None, :, inputs.noisy]
    for start in range(0, config.runs, config.chunk):  # chunks of runs bound memory; each is one batch
        stop = min(start + config.chunk, config.runs)
        x = perturb(inputs, rng, stop - start) if config.data_noise else np.repeat(published, stop - start, axis=0)
        for m, plan in enumerate(plans):
            sel = np.flatnonzero(draws.method[start:stop] == m)
            if len(sel):
                overall[start + sel] = score_batch(x[sel], inputs, plan, draws.mission_weights[start + sel])
        if on_progress is not None:
            on_progress(stop / config.runs)
    nominal = engine.scores if values is None else score_panel(engine.panel, engine.benchmarks, engine.normaliser,
                                                               engine.settings, values=values)
    return RankEnsemble(engine.panel.codes, nominal.rank, nominal.rank_of, rank_runs(engine, overall), overall)


def rank_intervals(engine: Engine, config: EnsembleConfig = DEFAULT_CONFIG, values: np.ndarray | None = None,
                   on_progress: Callable[[float], None] | None = None) -> dict[str, RankInterval]:
    """5th–95th percentile rank intervals for every area of the panel, keyed by area code (one call)."""
    return simulate(engine, config, values, on_progress).intervals()
