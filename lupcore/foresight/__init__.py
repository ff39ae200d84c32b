"""The foresight wing: progress since a baseline, projections to 2030, what-ifs and rank uncertainty (methodology §7-6).

Changes and gaps are judged with polarity and confidence intervals (``_changes``, ``_gaps``,
``_progress``); trends are fitted on a transformed scale (``_trends``, ``_projection``); a scenario
re-scores changed values (``_whatif``, ``_improvement``); ``_uncertainty`` runs the Monte Carlo ranks.
"""

from lupcore.foresight._changes import ScenarioError, check_change, new_value, people_bases, people_text
from lupcore.foresight._improvement import Requirement, required_for_green, required_for_rank
from lupcore.foresight._progress import AreaProgress, area_progress, metric_progress, progress_frame
from lupcore.foresight._projection import RELAXED_LABEL, Projection, TargetOutlook, format_chance, project_metric
from lupcore.foresight._rank_ensemble import RankEnsemble, rank_intervals, rank_runs, simulate
from lupcore.foresight._trend_text import trend_sentence
from lupcore.foresight._trends import TrendFit
from lupcore.foresight._uncertainty import (
    DEFAULT_CONFIG,
    EnsembleConfig,
    RankInterval,
    draw_inputs,
    ensemble_methods,
    format_rank_interval,
    normalisers,
    perturb,
    prepare_inputs,
)
from lupcore.foresight._whatif import (
    HELD_CONSTANT,
    Scenario,
    ScenarioResult,
    Standing,
    apply_scenario,
    compare_scenarios,
    scenario_frame,
    scenarios_from_view,
)

__all__ = [
    "AreaProgress",
    "DEFAULT_CONFIG",
    "EnsembleConfig",
    "HELD_CONSTANT",
    "Projection",
    "RELAXED_LABEL",
    "RankEnsemble",
    "RankInterval",
    "Requirement",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "Standing",
    "TargetOutlook",
    "TrendFit",
    "apply_scenario",
    "area_progress",
    "check_change",
    "compare_scenarios",
    "draw_inputs",
    "ensemble_methods",
    "format_chance",
    "format_rank_interval",
    "metric_progress",
    "new_value",
    "normalisers",
    "people_bases",
    "people_text",
    "perturb",
    "prepare_inputs",
    "progress_frame",
    "project_metric",
    "trend_sentence",
    "rank_intervals",
    "rank_runs",
    "required_for_green",
    "required_for_rank",
    "scenario_frame",
    "scenarios_from_view",
    "simulate",
]
