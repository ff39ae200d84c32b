"""The data wing: the committed files, the loaded ``Dataset``, the scoring ``Panel``, area profiles and history.

Everything here reads ``data/`` (only ``_files`` opens files) and nothing here scores.
"""

from lupcore.data._dataset import Dataset, UnknownAreaError, load_dataset, tier_for
from lupcore.data._files import DATA_DIR, OBSERVATION_COLUMNS, DataFileError
from lupcore.data._history import Baseline, History, choose_baseline, horizon_period, load_history, national_code
from lupcore.data._notes import (
    CONTEXT_ONLY,
    borrowed_indicators,
    context_note,
    deprivation_context,
    is_context,
    mission_coverage,
    mission_gap_text,
    mission_status_label,
    status_polarity,
    trend_note,
    value_note,
)
from lupcore.data._panel import Panel, build_panel
from lupcore.data._profile import describe, profile
from lupcore.data.examples import example_dataset, example_panel

__all__ = [
    "Baseline",
    "CONTEXT_ONLY",
    "DATA_DIR",
    "DataFileError",
    "Dataset",
    "History",
    "OBSERVATION_COLUMNS",
    "Panel",
    "UnknownAreaError",
    "borrowed_indicators",
    "build_panel",
    "choose_baseline",
    "context_note",
    "deprivation_context",
    "describe",
    "example_dataset",
    "example_panel",
    "horizon_period",
    "is_context",
    "load_dataset",
    "load_history",
    "mission_coverage",
    "mission_gap_text",
    "mission_status_label",
    "national_code",
    "profile",
    "status_polarity",
    "tier_for",
    "trend_note",
    "value_note",
]
