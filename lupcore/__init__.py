"""Levelling Up Place Explorer: the core, as pages, the CLI and an analyst's notebook use it.

The names below are the public face; each comes from a wing (``lupcore/<wing>/``) whose modules
are private. A notebook needs three of them::

    import lupcore
    ds = lupcore.load_dataset()
    view = lupcore.assemble(ds, "E08000030", lupcore.Settings())  # Walsall under the default method
    view.card.overall, view.card.rank_text

See ARCHITECTURE.md for the wings and how data reach a page.
"""

# The shared vocabulary: metadata of areas, indicators and missions; statuses
# Data: the loaded dataset, profiles, history, whose value an area shows
from lupcore.data import (
    DataFileError,
    Dataset,
    context_note,
    deprivation_context,
    describe,
    is_context,
    load_dataset,
    load_history,
    mission_gap_text,
    profile,
    tier_for,
    value_note,
)

# Exports
from lupcore.export import (
    CAPITAL_NOTE,
    MEDIA_TYPES,
    SPINE_LEGEND,
    build_bundle,
    capitals_table,
    export,
    export_one_page,
    spine_chart,
)

# Foresight: progress, projections, what-ifs, rank uncertainty
from lupcore.foresight import (
    HELD_CONSTANT,
    AreaProgress,
    Projection,
    RankEnsemble,
    RankInterval,
    Requirement,
    Scenario,
    ScenarioError,
    ScenarioResult,
    apply_scenario,
    area_progress,
    check_change,
    compare_scenarios,
    people_bases,
    progress_frame,
    project_metric,
    required_for_green,
    required_for_rank,
    scenario_frame,
    scenarios_from_view,
    simulate,
    trend_sentence,
)

# Numbers as people read them
from lupcore.format import format_number, format_value, ordinal

# Maps
from lupcore.maps import LAYER_KINDS, NO_DATA, RAG_COLOURS, RAG_WORDS, lookup_expression, map_layer, map_sentence
from lupcore.model import CAPITALS, LOCAL_CONTROL_WEIGHT, Area, IndicatorMeta, LocalControl, Polarity, Rag, Role

# Peers
from lupcore.peers import available_variables, context_matrix, default_variables, explain, ons_neighbours

# ONS periods
from lupcore.periods import display_label, parse_period

# Finding a council
from lupcore.places import MAX_QUERY, Candidate, find

# Reading a session file back
from lupcore.restore import restore_session

# Scoring: the one assembly line, the engine, the scorecard, RAG
from lupcore.scoring import (
    MISSION_RAG_RULE,
    RAG_STYLE,
    Assembly,
    Engine,
    LocalParts,
    MetricRow,
    Scorecard,
    Summary,
    anonymised_names,
    assemble,
    heatmap_sentence,
    local_parts,
    peer_table,
    rag_text,
    score_heatmap,
    side_by_side,
    spine_frame,
    spine_sentence,
    spine_table,
    summarise,
)

# The link and the session file
from lupcore.session import (
    MAX_COMPARE,
    MAX_CUSTOM_PEERS,
    PEER_K_RANGE,
    PEER_KINDS,
    Decoded,
    SessionFileError,
    ViewState,
    clean_scenario_name,
    clean_set_name,
    decode_query,
    encode_query,
    to_session_file,
)

# The user's method choices
from lupcore.settings import (
    AGGREGATIONS,
    MAX_KILLER_METRICS,
    MINIMUM_PRESETS,
    NORMALISATIONS,
    TARGET_PRESETS,
    WEIGHT_PRESETS,
    Settings,
)

# A council's own metrics
from lupcore.uploads import (
    MAX_BYTES,
    MAX_METRICS,
    LocalMetricData,
    local_metric_to_dict,
    parse_upload,
    template_csv,
    template_xlsx,
    validate_meta,
)

# Sentences that match the numbers
from lupcore.wording import (
    GLOSSARY,
    change_words,
    decisive_decimals,
    format_decisive,
    no_scenario_message,
    settings_caption,
    weights_in_force,
)

__all__ = [
    "AGGREGATIONS",
    "anonymised_names",
    "apply_scenario",
    "Area",
    "area_progress",
    "AreaProgress",
    "assemble",
    "Assembly",
    "available_variables",
    "build_bundle",
    "Candidate",
    "CAPITAL_NOTE",
    "CAPITALS",
    "capitals_table",
    "change_words",
    "check_change",
    "clean_scenario_name",
    "clean_set_name",
    "compare_scenarios",
    "context_matrix",
    "context_note",
    "DataFileError",
    "Dataset",
    "decisive_decimals",
    "decode_query",
    "Decoded",
    "default_variables",
    "deprivation_context",
    "describe",
    "display_label",
    "encode_query",
    "Engine",
    "explain",
    "export",
    "export_one_page",
    "find",
    "format_decisive",
    "format_number",
    "format_value",
    "GLOSSARY",
    "HELD_CONSTANT",
    "IndicatorMeta",
    "is_context",
    "LAYER_KINDS",
    "load_dataset",
    "load_history",
    "LOCAL_CONTROL_WEIGHT",
    "local_metric_to_dict",
    "local_parts",
    "LocalControl",
    "LocalMetricData",
    "LocalParts",
    "lookup_expression",
    "map_layer",
    "map_sentence",
    "MAX_BYTES",
    "MAX_COMPARE",
    "MAX_CUSTOM_PEERS",
    "MAX_KILLER_METRICS",
    "MAX_METRICS",
    "MAX_QUERY",
    "MEDIA_TYPES",
    "MetricRow",
    "MINIMUM_PRESETS",
    "mission_gap_text",
    "MISSION_RAG_RULE",
    "NO_DATA",
    "no_scenario_message",
    "NORMALISATIONS",
    "ons_neighbours",
    "ordinal",
    "parse_period",
    "parse_upload",
    "PEER_K_RANGE",
    "PEER_KINDS",
    "peer_table",
    "people_bases",
    "Polarity",
    "profile",
    "progress_frame",
    "project_metric",
    "trend_sentence",
    "Projection",
    "Rag",
    "RAG_COLOURS",
    "RAG_STYLE",
    "rag_text",
    "RAG_WORDS",
    "RankEnsemble",
    "RankInterval",
    "required_for_green",
    "required_for_rank",
    "Requirement",
    "restore_session",
    "Role",
    "Scenario",
    "scenario_frame",
    "ScenarioError",
    "ScenarioResult",
    "scenarios_from_view",
    "heatmap_sentence",
    "score_heatmap",
    "Scorecard",
    "Summary",
    "SessionFileError",
    "Settings",
    "settings_caption",
    "side_by_side",
    "simulate",
    "spine_chart",
    "spine_frame",
    "spine_sentence",
    "spine_table",
    "SPINE_LEGEND",
    "summarise",
    "TARGET_PRESETS",
    "template_csv",
    "template_xlsx",
    "tier_for",
    "to_session_file",
    "validate_meta",
    "value_note",
    "ViewState",
    "WEIGHT_PRESETS",
    "weights_in_force",
]
