"""The data wing: the committed files, the loaded ``Dataset``, the scoring ``Panel``, area profiles and history.

Everything here reads ``data/`` (only ``_files`` opens files) and nothing here scores.
"""

from lupcore.data._dataset import Dataset, UnknownAreaError, load_dataset, tier_for
from lupcore.data._files import DATA_DIR, OBSERVATION_COLUMNS, DataFileError
from lupcore.data._history import Baseline, History, choose_baseline, horizon_period, load_history, national_code
from lupcore.data._panel import Panel, build_panel
from lupcore.data._profile import describe, profile

__all__ = [
    "Baseline",
    "DATA_DIR",
    "DataFileError",
    "Dataset",
    "History",
    "OBSERVATION_COLUMNS",
    "Panel",
    "UnknownAreaError",
    "build_panel",
    "choose_baseline",
    "describe",
    "horizon_period",
    "load_dataset",
    "load_history",
    "national_code",
    "profile",
    "tier_for",
]
