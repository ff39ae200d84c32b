"""Peer groups (methodology §6): ONS's published similar areas, our nearest neighbours, or a named set."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from lupcore.data import Dataset, UnknownAreaError
from lupcore.peers._distances import (
    DEFAULT_K,
    MAX_CUSTOM,
    ONS_K,
    ONS_MODELS,
    PEER_KINDS,
    Method,
    PeerError,
    PeerGroup,
    PeerKind,
    candidate_codes,
    check_variables,
    context_matrix,
    default_variables,
    nearest_neighbours,
)


def ons_neighbours(dataset: Dataset, area_code: str, model: str = "global", k: int = ONS_K) -> pd.DataFrame:
    """ONS's published statistical nearest neighbours (columns code, rank), most similar first; empty if none."""
    if model not in ONS_MODELS:
        raise PeerError(f"Unknown ONS model {model!r}; choose from {', '.join(ONS_MODELS)}")
    nb = dataset.neighbours
    rows = nb[(nb["area_code"] == area_code) & (nb["model"] == model)].sort_values("rank").head(max(1, k))
    return pd.DataFrame({"code": rows["neighbour_code"].astype(str).to_numpy(),
                         "rank": rows["rank"].astype(int).to_numpy()})


def _name(dataset: Dataset, code: str) -> str:
    return f"{dataset.areas.at[code, 'name']} ({code})"


def _clean_one(dataset: Dataset, text: str) -> tuple[str | None, str | None]:
    """One entry to a current code, or a problem sentence."""
    code = text.strip().upper()
    if dataset.has_area(code):
        if bool(dataset.areas.at[code, "current"]):
            return code, None
        return None, f"{_name(dataset, code)} is no longer a current area (boundaries changed), so it was left out."
    try:
        return dataset.resolve_area(text), None
    except UnknownAreaError as exc:
        return None, f"{exc}; it was left out."


def comparator_set(codes: Iterable[str], dataset: Dataset,
                   area_code: str | None = None) -> tuple[tuple[str, ...], list[str]]:
    """A user's named comparators, cleaned: current areas only, each once, not the area itself, at most 10.

    Entries may be codes (any case) or exact names. Returns the cleaned codes in the user's order and
    one plain-English sentence per problem found (empty when the set was already clean).
    """
    kept: list[str] = []
    problems: list[str] = []
    entries = [c for c in codes if str(c).strip()]
    for text in entries:
        code, problem = _clean_one(dataset, str(text))
        if code is None:
            problems.append(str(problem))
        elif code == area_code:
            problems.append(f"{_name(dataset, code)} is the area being compared, so it is not its own comparator.")
        elif code in kept:
            problems.append(f"{_name(dataset, code)} was listed more than once; it is kept once.")
        else:
            kept.append(code)
    if len(kept) > MAX_CUSTOM:
        dropped = ", ".join(_name(dataset, c) for c in kept[MAX_CUSTOM:])
        problems.append(f"A comparator set holds at most {MAX_CUSTOM} areas; left out: {dropped}.")
        kept = kept[:MAX_CUSTOM]
    if not kept:
        problems.append("No comparator areas were given." if not entries else "None of the areas given can be used.")
    return tuple(kept), problems


def peer_group(dataset: Dataset, area_code: str, kind: PeerKind, k: int = DEFAULT_K,
               variables: Sequence[str] | None = None, custom: Iterable[str] = (),
               method: Method = "euclidean", same_nation: bool = False, name: str = "") -> PeerGroup:
    """The peer group of one area: ONS's list, our ``nearest`` neighbours, or a ``custom`` named set.

    ``variables`` (None or empty: ``default_variables``), ``method`` and ``same_nation`` apply to ``nearest``
    only; ``custom`` is cleaned by ``comparator_set`` (call it to show the problems) and labelled ``name``
    when the user gave the set one. Raises ``PeerError``.
    """
    if kind not in PEER_KINDS:
        raise PeerError(f"Unknown peer group {kind!r}; choose from {', '.join(PEER_KINDS)}")
    if kind.startswith("ons-"):
        model = kind.removeprefix("ons-")
        codes = tuple(ons_neighbours(dataset, area_code, model, k)["code"])
        if not codes:
            raise PeerError(f"ONS publishes no {model} similar-areas list for {area_code}.")
        return PeerGroup(kind, codes, f"ONS similar areas ({model} model)")
    if kind == "custom":
        codes, _ = comparator_set(custom, dataset, area_code)
        if not codes:
            raise PeerError("None of the areas given can be used as comparators.")
        count = f"{len(codes)} chosen comparator{'s' if len(codes) > 1 else ''}"
        return PeerGroup(kind, codes, f"{name} ({count})" if name else f"Your {count}")
    chosen = check_variables(dataset, tuple(variables or ()) or default_variables(dataset))
    matrix = context_matrix(dataset, candidate_codes(dataset, area_code, same_nation), chosen)
    near = nearest_neighbours(matrix, area_code, k, method)
    label = f"{len(near)} most similar areas on {len(near.attrs['variables'])} context variables ({method})"
    return PeerGroup("nearest", tuple(near["code"]), label, tuple(float(d) for d in near["distance"]))
