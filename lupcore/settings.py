"""The user's method choices: benchmark presets, normalisation, aggregation, weights, exclusions.

``Settings`` is frozen and small, so it can key caches, travel in the URL and in session files,
and a what-if is ``dataclasses.replace(settings, …)`` rather than an edit of shared state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

MINIMUM_PRESETS: dict[str, str] = {
    "national": "National value",
    "median": "Median of areas",
    "lower_quartile": "Lower quartile",
    "peer_median": "Peer median",
    "custom": "Custom value",
}
TARGET_PRESETS: dict[str, str] = {
    "upper_quartile": "Upper quartile",
    "top_decile": "Mean of the top 10%",
    "best": "Best performer",
    "peer_best": "Best of peers",
    "mission": "Mission target",
    "custom": "Custom value",
}
NORMALISATIONS: dict[str, str] = {  # shown to users: plain words, no method names
    "minmax": "Lowest area 0, highest 100 (extreme values capped first)",
    "zscore": "Distance from the average (50 = average, 10 points per standard deviation)",
    "percentile": "Percentile rank among areas",
    "distance": "From the minimum (0) to the target (100)",
}
AGGREGATIONS: dict[str, str] = {"arithmetic": "Arithmetic mean", "geometric": "Geometric mean"}
WEIGHT_PRESETS: dict[str, str] = {
    "equal": "Equal: every metric and every mission counts the same",
    "headline": "Headline metrics only",
    "killer": "Killer metrics: a few chosen headline metrics",
    "local_control": "By local control: metrics the council controls count more",
}
MAX_KILLER_METRICS = 8
LOCAL_CONTROL_LEVELS: tuple[str, ...] = ("high", "medium", "low")
AVAILABILITY_THRESHOLD = 2 / 3  # COINr's example data-availability rule (methodology §5)
# The fields that move the benchmarks or the normaliser; the rest (weights, exclusions, RAG rule) only re-score.
FIT_FIELDS = ("minimum", "target", "minimum_overrides", "target_overrides", "custom_minimum", "custom_target",
              "normalisation", "aggregation")
PAIR_FIELDS = ("minimum_overrides", "target_overrides", "custom_minimum", "custom_target", "mission_weights", "control",
               "indicator_weights")


def _canonical_pairs(pairs: tuple) -> tuple:
    """Pairs with one value per key (the last one given wins) in key order: one meaning, one spelling."""
    return tuple(sorted(dict(pairs).items()))


@dataclass(frozen=True)
class Settings:
    """Method choices; every field has a default so an empty URL means the documented defaults."""

    minimum: str = "national"
    target: str = "upper_quartile"
    minimum_overrides: tuple[tuple[str, str], ...] = ()
    target_overrides: tuple[tuple[str, str], ...] = ()
    custom_minimum: tuple[tuple[str, float], ...] = ()
    custom_target: tuple[tuple[str, float], ...] = ()
    normalisation: str = "minmax"
    aggregation: str = "arithmetic"
    evidence_based: bool = False
    weight_preset: str = "equal"
    killer: tuple[str, ...] = ()
    mission_weights: tuple[tuple[int, float], ...] = ()
    indicator_weights: tuple[tuple[str, float], ...] = ()
    control: tuple[tuple[str, str], ...] = ()  # local-control ratings that replace the registry's (e.g. a workshop room's)
    excluded: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Canonical form, so that equal choices compare, hash and key caches equally however they were written.
        for name in PAIR_FIELDS:
            object.__setattr__(self, name, _canonical_pairs(getattr(self, name)))
        object.__setattr__(self, "killer", tuple(dict.fromkeys(self.killer)))
        object.__setattr__(self, "excluded", frozenset(self.excluded))
        problems = []
        if self.minimum not in MINIMUM_PRESETS:
            problems.append(f"unknown minimum preset {self.minimum!r}")
        if self.target not in TARGET_PRESETS:
            problems.append(f"unknown target preset {self.target!r}")
        if self.normalisation not in NORMALISATIONS:
            problems.append(f"unknown normalisation {self.normalisation!r}")
        if self.aggregation not in AGGREGATIONS:
            problems.append(f"unknown aggregation {self.aggregation!r}")
        if self.weight_preset not in WEIGHT_PRESETS:
            problems.append(f"unknown weight preset {self.weight_preset!r}")
        bad = [p for _, p in self.minimum_overrides if p not in MINIMUM_PRESETS]
        bad += [p for _, p in self.target_overrides if p not in TARGET_PRESETS]
        if bad:
            problems.append(f"unknown benchmark presets {bad}")
        if any(w < 0 for _, w in self.mission_weights + self.indicator_weights):  # type: ignore[operator]
            problems.append("weights cannot be negative")
        if any(level not in LOCAL_CONTROL_LEVELS for _, level in self.control):
            problems.append("local control must be high, medium or low")
        if len(self.killer) > MAX_KILLER_METRICS:
            problems.append(f"at most {MAX_KILLER_METRICS} killer metrics")
        if problems:
            raise ValueError("; ".join(problems))

    def cache_key(self) -> str:
        """Every choice, canonical: equal keys mean equal scores."""
        return repr(tuple((name, getattr(self, name)) for name in self.__dataclass_fields__ if name != "excluded")
                    + (("excluded", tuple(sorted(self.excluded))),))

    def fit_key(self) -> str:
        """Only the choices that move benchmarks or the normaliser, so a weight change reuses the fit."""
        return repr(tuple((name, getattr(self, name)) for name in FIT_FIELDS))

    def minimum_for(self, indicator_id: str) -> str:
        return dict(self.minimum_overrides).get(indicator_id, self.minimum)

    def target_for(self, indicator_id: str) -> str:
        return dict(self.target_overrides).get(indicator_id, self.target)

    def with_override(self, indicator_id: str, *, minimum: str | None = None, target: str | None = None) -> Settings:
        mins = dict(self.minimum_overrides)
        tars = dict(self.target_overrides)
        if minimum is not None:
            mins[indicator_id] = minimum
        if target is not None:
            tars[indicator_id] = target
        return replace(self, minimum_overrides=tuple(mins.items()), target_overrides=tuple(tars.items()))

    def with_preset(self, preset: str) -> Settings:
        """A weight preset starts afresh: metric weight overrides belong to the preset they were set under."""
        return replace(self, weight_preset=preset, indicator_weights=())

    def with_killer(self, ids: tuple[str, ...]) -> Settings:
        return replace(self, killer=tuple(ids))

    def with_choice(self, field_name: str, value: object) -> Settings:
        """One method choice (minimum, target, normalisation, aggregation, evidence_based) by its field name."""
        if field_name not in ("minimum", "target", "normalisation", "aggregation", "evidence_based"):
            raise ValueError(f"not a method choice: {field_name!r}")
        return replace(self, **{field_name: bool(value) if field_name == "evidence_based" else value})

    def with_mission_weight(self, mission: int, weight: float) -> Settings:
        weights = dict(self.mission_weights)
        weights[mission] = float(weight)
        if weights[mission] == 1.0:  # the default weight is not spelt out, so links stay short
            del weights[mission]
        return replace(self, mission_weights=tuple(weights.items()))

    def with_metric_choices(self, included: dict[str, bool], weights: dict[str, float]) -> Settings:
        """Include or leave out metrics and set their weights (the Weights page's metric editor)."""
        excluded = set(self.excluded)
        for iid, keep in included.items():
            (excluded.discard if keep else excluded.add)(iid)
        return replace(self, excluded=frozenset(excluded),
                       indicator_weights=tuple({**dict(self.indicator_weights), **weights}.items()))

    def with_benchmarks(self, presets: dict[str, tuple[str | None, str | None]],
                        customs: dict[str, tuple[object, object]]) -> Settings:
        """Per-metric benchmark choices: ``presets[id] = (minimum, target)`` preset names (None keeps the current
        one; the general preset clears the override) and ``customs[id] = (minimum, target)`` custom values
        (``...`` keeps the current one, None clears it)."""
        mins, tgts = dict(self.minimum_overrides), dict(self.target_overrides)
        cmin, ctgt = dict(self.custom_minimum), dict(self.custom_target)
        for iid, pair in presets.items():
            for chosen, store, default in zip(pair, (mins, tgts), (self.minimum, self.target), strict=True):
                if chosen:
                    store.pop(iid, None) if chosen == default else store.__setitem__(iid, chosen)
        for iid, pair in customs.items():
            for value, store in zip(pair, (cmin, ctgt), strict=True):
                if value is not ...:
                    store.pop(iid, None) if value is None else store.__setitem__(iid, float(value))  # type: ignore[arg-type]
        return replace(self, minimum_overrides=tuple(mins.items()), target_overrides=tuple(tgts.items()),
                       custom_minimum=tuple(cmin.items()), custom_target=tuple(ctgt.items()))


DEFAULT_SETTINGS = Settings()
