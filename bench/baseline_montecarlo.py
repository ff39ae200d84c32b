"""The baseline for the Monte Carlo figure: the same ensemble scored one run at a time.

Each run builds its settings (perturbed mission weights, drawn normalisation), draws its data
noise from the same stream as ``lupcore.uncertainty.simulate`` and calls the engine's
``score_panel`` on the whole panel, then ranks. Same draws, same numbers; only the batching
differs, which is what the speed-up figure isolates. ``bench.foresight`` checks agreement.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lupcore.foresight import (
    DEFAULT_CONFIG,
    EnsembleConfig,
    draw_inputs,
    ensemble_methods,
    normalisers,
    perturb,
    prepare_inputs,
    rank_runs,
)
from lupcore.scoring import Engine, score_panel


def simulate_loop(engine: Engine, config: EnsembleConfig = DEFAULT_CONFIG) -> tuple[np.ndarray, np.ndarray]:
    """(overall, ranks), each (runs, areas), computed with a Python loop over the runs."""
    draws = draw_inputs(engine, config)
    inputs = prepare_inputs(engine)
    methods = ensemble_methods(engine, config)
    norms = normalisers(engine, methods)
    rng = np.random.default_rng(draws.data_seed)
    noisy_columns = inputs.columns[inputs.noisy]
    overall = np.empty((config.runs, len(engine.panel.codes)))
    for run in range(config.runs):
        values = engine.panel.values.copy()
        if config.data_noise:
            values[:, noisy_columns] = perturb(inputs, rng, 1)[0]
        weights = tuple((m + 1, float(w)) for m, w in enumerate(draws.mission_weights[run]))
        method = int(draws.method[run])
        settings = replace(engine.settings, normalisation=methods[method], mission_weights=weights)
        overall[run] = score_panel(engine.panel, engine.benchmarks, norms[method], settings, values=values).overall
    return overall, rank_runs(engine, overall)
