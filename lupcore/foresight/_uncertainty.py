"""Rank uncertainty by Monte Carlo (methodology §9): how firmly is an area 87th, and not 71st or 102nd?

Each run perturbs the mission weights (±25%, renormalised), picks a normalisation (min–max,
z-score or percentile rank) and redraws every value that has a CI from N(x, SE²), clipped to
its valid range; the draws are the same for all areas within a run. Runs are scored as one
batch (runs × areas × metrics arrays, for the metrics that carry noise; the rest are summed once),
so 1,000 runs take well under a second. Benchmarks and each method's normaliser stay as fitted on
the published values (fixed goalposts). The user's own normalisation joins the three methods when it
is another one (distance to target), so the nominal choice is always one arm of the ensemble.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lupcore import stats
from lupcore.foresight._changes import valid_range
from lupcore.format import ordinal
from lupcore.scoring import Engine, Normaliser, fit_normaliser, mission_weights
from lupcore.settings import AVAILABILITY_THRESHOLD

METHODS: tuple[str, ...] = ("minmax", "zscore", "percentile")
DEFAULT_SEED = 20220202  # the White Paper's publication date: fixed, so every reload gives the same intervals


@dataclass(frozen=True, slots=True)
class EnsembleConfig:
    """How many runs, which seed and which sources of uncertainty (methodology §9 defaults)."""

    runs: int = 1000
    seed: int = DEFAULT_SEED
    weight_noise: float = 0.25  # each mission weight × (1 + U(−w, w))
    methods: tuple[str, ...] = METHODS
    data_noise: bool = True
    chunk: int = 200  # runs scored together; bounds memory at about chunk × areas × metrics floats


@dataclass(frozen=True, eq=False)
class Draws:
    """The random inputs: per-run mission weights and method, and the seed of the data noise stream."""

    mission_weights: np.ndarray  # (runs, 12), renormalised over scored missions
    method: np.ndarray  # (runs,) index into ensemble_methods(engine, config)
    data_seed: np.random.SeedSequence


@dataclass(frozen=True, eq=False)
class Inputs:
    """What every run shares: raw values, SEs and structure of the scored metrics (weight > 0)."""

    columns: np.ndarray  # panel columns that carry weight
    values: np.ndarray  # (areas, k)
    se: np.ndarray  # (areas, k), 0 where there is no CI
    noisy: np.ndarray  # (k,) bool: the column has at least one CI
    low: np.ndarray  # (k,) valid range
    high: np.ndarray
    weights: np.ndarray  # (k,)
    member: np.ndarray  # (k, 12)
    applicable: np.ndarray  # (areas, k)
    shared: tuple[tuple[int, np.ndarray, np.ndarray], ...] = ()  # (noisy column, rows, rows whose draw they reuse)


@dataclass(frozen=True, slots=True)
class RankInterval:
    """One area's nominal rank and its 5th–95th percentile range over the runs (1 = best)."""

    area_code: str
    nominal: int | None
    low: int | None  # 5th percentile (the better end)
    high: int | None  # 95th percentile
    median: float | None
    mean: float | None
    p_top_quintile: float | None
    p_bottom_quintile: float | None
    of: int

    @property
    def text(self) -> str:
        """"87th (71st–102nd)"."""
        return format_rank_interval(self)


def format_rank_interval(interval: RankInterval) -> str:
    """"87th (71st–102nd)"; "not ranked" without a rank."""
    if interval.nominal is None or interval.low is None or interval.high is None:
        return "not ranked"
    return f"{ordinal(interval.nominal)} ({ordinal(interval.low)}–{ordinal(interval.high)})"


DEFAULT_CONFIG = EnsembleConfig()


def draw_inputs(engine: Engine, config: EnsembleConfig = DEFAULT_CONFIG) -> Draws:
    """Weights and methods for every run, from child streams of ``config.seed`` (data noise has its own)."""
    weights_seed, method_seed, data_seed = np.random.SeedSequence(config.seed).spawn(3)
    base = mission_weights(engine.settings)
    noise = np.random.default_rng(weights_seed).uniform(-config.weight_noise, config.weight_noise, (config.runs, 12))
    w = base * (1.0 + noise)
    scored = (engine.scores.weights @ _members(engine)) > 0
    w = w / np.where(scored, w, 0.0).sum(axis=1, keepdims=True)
    method = np.random.default_rng(method_seed).integers(0, len(ensemble_methods(engine, config)), config.runs)
    return Draws(w, method, data_seed)


def ensemble_methods(engine: Engine, config: EnsembleConfig = DEFAULT_CONFIG) -> tuple[str, ...]:
    """The normalisations drawn from: the configured three, plus the user's own if it is not among them."""
    own = engine.settings.normalisation
    return config.methods if own in config.methods else (*config.methods, own)


def _members(engine: Engine) -> np.ndarray:
    member = np.zeros((len(engine.panel.indicators), 12))
    for j, meta in enumerate(engine.panel.indicators):
        if meta.mission is not None:
            member[j, meta.mission - 1] = 1.0
    return member


def prepare_inputs(engine: Engine, values: np.ndarray | None = None) -> Inputs:
    """Arrays for the scored metrics (weight > 0); ``values`` replaces ``panel.values`` (a what-if)."""
    panel = engine.panel
    cols = np.flatnonzero(engine.scores.weights > 0)
    x = np.asarray(panel.values if values is None else values, dtype=float)[:, cols]
    se = np.nan_to_num(np.asarray(stats.se_from_ci(panel.lci[:, cols], panel.uci[:, cols]), dtype=float))
    se = np.where(se > 0, se, 0.0)
    bounds = np.array([valid_range(panel.indicators[j], panel.reference[j]) for j in cols]).reshape(-1, 2)
    noisy = np.asarray((se > 0).any(axis=0))
    return Inputs(cols, x, se, noisy, bounds[:, 0], bounds[:, 1], engine.scores.weights[cols],
                  _members(engine)[cols], panel.covers()[:, cols], _shared_draws(engine, cols[noisy]))


def _shared_draws(engine: Engine, columns: np.ndarray) -> tuple[tuple[int, np.ndarray, np.ndarray], ...]:
    """Districts showing their county's estimate share one draw: it is one estimate, not several.

    Districts of one county carry the identical value and CI, which identifies the county.
    """
    panel, out = engine.panel, []
    for k, j in enumerate(columns):
        rows = np.flatnonzero(panel.from_upper_tier[:, j] & ~np.isnan(panel.values[:, j]))
        if not len(rows):
            continue
        keys = np.column_stack([panel.values[rows, j], panel.lci[rows, j], panel.uci[rows, j]])
        _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        out.append((k, rows, rows[first[inverse.ravel()]]))
    return tuple(out)


def perturb(inputs: Inputs, rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` draws of the metrics with a CI (count, areas, noisy k): N(x, SE²), clipped to the valid range.

    Normals are single precision (ample for noise, and three times faster) and drawn in C order,
    so drawing runs one at a time or in chunks consumes the stream identically. Cells without a
    CI have SE 0 and keep their published value; districts showing a county's value move with it.
    """
    noisy = np.flatnonzero(inputs.noisy)
    z = rng.standard_normal((count, inputs.values.shape[0], len(noisy)), dtype=np.float32)
    for k, rows, source in inputs.shared:
        z[:, rows, k] = z[:, source, k]
    x = np.multiply(z, inputs.se[:, noisy], dtype=np.float64)
    x += inputs.values[:, noisy]
    np.maximum(x, inputs.low[noisy], out=x)
    return np.minimum(x, inputs.high[noisy], out=x)


def normalisers(engine: Engine, methods: tuple[str, ...]) -> tuple[Normaliser, ...]:
    """Each method's normaliser, fitted once on the published values (the engine's own when it matches)."""
    out = []
    for method in methods:
        if method == engine.settings.normalisation:
            out.append(engine.normaliser)
        else:
            settings = replace(engine.settings, normalisation=method)
            out.append(fit_normaliser(engine.panel, engine.benchmarks, settings))
    return tuple(out)


def _columns(norm: Normaliser, cols: np.ndarray) -> Normaliser:
    """The normaliser restricted to some columns, so batches carry only the metrics that vary."""
    return replace(norm, polarity=norm.polarity[cols], treatments=tuple(norm.treatments[c] for c in cols),
                   low=norm.low[cols], high=norm.high[cols], reference_sorted=tuple(norm.reference_sorted[c] for c in cols))


@dataclass(frozen=True, eq=False)
class MethodPlan:
    """One normalisation method, pre-computed: what counts (fixed across runs, as noise never creates a
    gap) and the mission sums of the metrics without a CI, which no run changes."""

    norm_noisy: Normaliser
    present_noisy: np.ndarray  # (areas, noisy k)
    fixed_num: np.ndarray  # (areas, 12)
    wm: np.ndarray  # (areas, 12) weight present per mission
    mission_ok: np.ndarray  # (areas, 12)
    overall_ok: np.ndarray  # (areas,)


def plan_method(inputs: Inputs, norm: Normaliser, base_weights: np.ndarray) -> MethodPlan:
    """Apply the 2/3 availability rule at both levels (methodology §5) as ``score_panel`` does."""
    full = _columns(norm, inputs.columns)
    y = full.transform(inputs.values)
    present = inputs.applicable & ~np.isnan(y)
    if norm.geometric:
        y = np.log(np.where(present, y, 1.0))
    wm = (present * inputs.weights) @ inputs.member
    n_present, n_applicable = present @ inputs.member, inputs.applicable @ inputs.member
    enough = (n_applicable > 0) & (n_present >= AVAILABILITY_THRESHOLD * n_applicable - 1e-9) & (wm > 0)
    mission_ok = (n_applicable > 0) & (base_weights > 0) & enough
    n_ok, n_scorable = mission_ok.sum(axis=1), ((n_applicable > 0) & (base_weights > 0)).sum(axis=1)
    overall_ok = (n_scorable > 0) & (n_ok >= AVAILABILITY_THRESHOLD * n_scorable - 1e-9) & (n_ok > 0)
    fixed = ~inputs.noisy
    fixed_num = (np.where(present[:, fixed], y[:, fixed], 0.0) * inputs.weights[fixed]) @ inputs.member[fixed]
    return MethodPlan(_columns(norm, inputs.columns[inputs.noisy]), present[:, inputs.noisy], fixed_num, wm,
                      mission_ok, overall_ok)


def score_batch(x: np.ndarray, inputs: Inputs, plan: MethodPlan, w: np.ndarray) -> np.ndarray:
    """Overall scores (runs, areas) from drawn values of the noisy metrics ``x`` (runs, areas, noisy k)
    and per-run mission weights ``w`` (runs, 12)."""
    y = plan.norm_noisy.transform(x)
    if plan.norm_noisy.geometric:  # geometric means: average logs, exponentiate once at the end
        y = np.log(np.where(plan.present_noisy, y, 1.0))
    num = plan.fixed_num + (np.where(plan.present_noisy, y, 0.0) * inputs.weights[inputs.noisy]) @ inputs.member[inputs.noisy]
    with np.errstate(invalid="ignore", divide="ignore"):
        mission = np.where(plan.mission_ok, num / plan.wm, 0.0)
        w_ok = plan.mission_ok[None, :, :] * w[:, None, :]
        overall = (mission * w_ok).sum(axis=2) / w_ok.sum(axis=2)
    if plan.norm_noisy.geometric:
        overall = np.exp(overall)
    return np.where(plan.overall_ok, overall, np.nan)
