"""The peers wing: who a place is compared with (methodology §6).

ONS's published similar areas, our nearest neighbours on context variables (``_distances``), a named
set of the user's own (``_groups``), and the checks of our neighbours against ONS's lists (``_agreement``).
"""

from lupcore.peers._agreement import explain, jaccard, mean_overlap, overlap_at_k
from lupcore.peers._distances import (
    DEFAULT_K,
    METHODS,
    PEER_KINDS,
    PeerError,
    PeerGroup,
    available_variables,
    candidate_codes,
    check_variables,
    context_matrix,
    default_variables,
    distance_matrix,
    nearest_neighbours,
    shrunk_covariance,
)
from lupcore.peers._groups import comparator_set, ons_neighbours, peer_group

__all__ = [
    "DEFAULT_K",
    "METHODS",
    "PEER_KINDS",
    "PeerError",
    "PeerGroup",
    "available_variables",
    "candidate_codes",
    "check_variables",
    "comparator_set",
    "context_matrix",
    "default_variables",
    "distance_matrix",
    "explain",
    "jaccard",
    "mean_overlap",
    "nearest_neighbours",
    "ons_neighbours",
    "overlap_at_k",
    "peer_group",
    "shrunk_covariance",
]
