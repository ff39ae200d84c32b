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
AVAILABILITY_THRESHOLD = 2 / 3  # COINr's example data-availability rule (methods §3.4.3)


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
    excluded: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
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
        if len(self.killer) > MAX_KILLER_METRICS:
            problems.append(f"at most {MAX_KILLER_METRICS} killer metrics")
        if problems:
            raise ValueError("; ".join(problems))

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
        return replace(self, minimum_overrides=tuple(sorted(mins.items())), target_overrides=tuple(sorted(tars.items())))


DEFAULT_SETTINGS = Settings()
