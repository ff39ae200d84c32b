"""The scoring wing: from a panel and the user's settings to statuses, scores and ranks (methodology §4-3).

``assemble`` is the one assembly line every page, export and CLI command uses: benchmarks
(minimum and target, ``_thresholds``), RAG with clarity (``_rag``), normalisation and aggregation
(``_normalise``), the ``Engine`` and one area's ``Scorecard`` (``_scorecard``), and the tables that
set areas side by side (``_comparison``, ``_spine``). ``_rescore`` re-scores changed values fast.
"""

from lupcore.scoring._assembly import Assembly, LocalParts, NotScoredError, assemble, local_parts
from lupcore.scoring._chart_sentences import heatmap_sentence, spine_sentence, spine_table
from lupcore.scoring._comparison import anonymised_names, peer_table, score_heatmap, side_by_side
from lupcore.scoring._contrast import AA_TEXT, contrast_ratio
from lupcore.scoring._normalise import (
    Normaliser,
    Scores,
    WeightsError,
    fit_normaliser,
    indicator_weights,
    mission_weights,
    rank_within_nations,
    score_panel,
)
from lupcore.scoring._rag import (
    AMBER,
    GREEN,
    GREY,
    MISSION_RAG_RULE,
    RAG_BY_CODE,
    RAG_ORDER,
    RAG_STYLE,
    RED,
    classify,
    classify_scores,
    rag_from_text,
    rag_text,
)
from lupcore.scoring._rescore import peer_rank, rank_with, score_rows
from lupcore.scoring._scorecard import (
    NATION_GROUP,
    TIER_GROUP,
    Engine,
    MetricRow,
    MissionRow,
    Scorecard,
    Summary,
    build_engine,
    build_scorecard,
    summarise,
)
from lupcore.scoring._spine import spine_frame
from lupcore.scoring._thresholds import compute_benchmarks, national_value, preset_names

__all__ = [
    "AA_TEXT",
    "AMBER",
    "Assembly",
    "Engine",
    "GREEN",
    "GREY",
    "LocalParts",
    "MISSION_RAG_RULE",
    "MetricRow",
    "MissionRow",
    "NATION_GROUP",
    "Normaliser",
    "NotScoredError",
    "RAG_BY_CODE",
    "RAG_ORDER",
    "RAG_STYLE",
    "RED",
    "Scorecard",
    "Scores",
    "Summary",
    "TIER_GROUP",
    "WeightsError",
    "anonymised_names",
    "assemble",
    "build_engine",
    "build_scorecard",
    "classify",
    "classify_scores",
    "compute_benchmarks",
    "contrast_ratio",
    "fit_normaliser",
    "indicator_weights",
    "local_parts",
    "mission_weights",
    "national_value",
    "peer_rank",
    "peer_table",
    "preset_names",
    "rag_from_text",
    "rag_text",
    "rank_with",
    "rank_within_nations",
    "heatmap_sentence",
    "score_heatmap",
    "score_panel",
    "score_rows",
    "side_by_side",
    "spine_frame",
    "spine_sentence",
    "spine_table",
    "summarise",
]
