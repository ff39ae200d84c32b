"""Restore a saved session (view state and local metrics) and set up the engine it describes.

One implementation for the Export page, every CLI command that takes ``--session`` and the
tests, so a session file means the same everywhere: its references are checked against the
data, its local metrics re-validated, and a damaged file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from lupcore.data import Dataset
from lupcore.peers import available_variables
from lupcore.scoring import Assembly, assemble
from lupcore.session import SessionFileError, ViewState, from_session_file
from lupcore.uploads import LocalMetricData, local_metric_from_dict


@dataclass(frozen=True, eq=False)
class Restored:
    state: ViewState
    notices: tuple[str, ...]
    local_metrics: tuple[LocalMetricData, ...]


def restore_session(data: bytes, dataset: Dataset) -> Restored:
    """Parse and check a session file; raises ``SessionFileError`` (one sentence) and changes nothing."""
    known = {r.code: r.name for r in dataset.pickable().itertuples(index=False)}
    decoded, saved = from_session_file(data, known_area=known.__contains__, known_metric=dataset.knows_metric,
                                       known_variable=set(available_variables(dataset)).__contains__)
    metrics, problems = [], []
    for item in saved:
        metric, found = local_metric_from_dict(item, known)
        problems += [p.message for p in found if p.severity == "error"]
        if metric is not None:
            metrics.append(metric)
    if problems:
        first = problems[0].split(". ")[0].rstrip(".")
        raise SessionFileError(f"The session file's local metrics are damaged: {first}.")
    return Restored(decoded.state, decoded.notices, tuple(metrics))


def assemble_restored(dataset: Dataset, area_code: str, restored: Restored) -> Assembly:
    """``assemble`` for a restored session: its settings, peers and local metrics."""
    state = restored.state
    return assemble(dataset, area_code, state.settings, state.peers, restored.local_metrics)
