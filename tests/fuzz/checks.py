"""What must hold for every hostile input, one function per entry point; each raises AssertionError when it does not.

A function lets any other exception escape: that is an uncaught exception, the thing the fuzzers count.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from lupcore.data import Dataset
from lupcore.peers import available_variables
from lupcore.periods import parse_period
from lupcore.restore import restore_session
from lupcore.session import SessionFileError, ViewState, decode_query, encode_query
from lupcore.uploads import parse_upload

LAST_GUARD = "The file could not be read ("  # parse_upload's catch-all: an exception it did not foresee


def known_area(dataset: Dataset) -> Callable[[str], bool]:
    codes = set(dataset.pickable()["code"])
    return codes.__contains__


def known_metric(dataset: Dataset) -> Callable[[str], bool]:
    return lambda i: i in dataset.indicators or i.startswith("local_")


def canonical(state: ViewState, metric_ok: Callable[[str], bool] | None = None) -> None:
    """The state a decoder returns: unique keys, finite numbers in range, bounded periods, known ids; a fixed point."""
    s = state.settings
    for name in ("minimum_overrides", "target_overrides", "custom_minimum", "custom_target", "mission_weights",
                 "indicator_weights"):
        pairs = getattr(s, name)
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"{name} repeats a key: {pairs}"
        assert list(pairs) == sorted(pairs), f"{name} is not in canonical order: {pairs}"
    for _, w in s.mission_weights + s.indicator_weights:
        assert math.isfinite(w) and 0 <= w <= 100, f"weight {w}"
    for _, v in s.custom_minimum + s.custom_target:
        assert math.isfinite(v), f"custom benchmark {v}"
    for _, label in state.baseline:
        period = parse_period(label)  # must not raise
        assert 1900 <= period.start.year and period.end.year <= 2200, label
    keys = [k for k, _ in state.baseline]
    assert len(keys) == len(set(keys)), f"baseline repeats a metric: {state.baseline}"
    if metric_ok is not None:
        ids = set(s.excluded) | set(s.killer) | set(keys)
        ids |= {i for i, _ in s.indicator_weights + s.minimum_overrides + s.target_overrides + s.custom_minimum
                + s.custom_target}
        ids |= {i for _, changes in state.scenarios for i, _ in changes}
        unknown = sorted(i for i in ids if not metric_ok(i))
        assert not unknown, f"unknown metric ids kept in the state: {unknown}"
    link = encode_query(state)
    again = decode_query(link).state
    assert again == state, f"decode → encode → decode changed the state:\n{state}\n{again}"
    assert encode_query(again) == link, "the link is not stable"


def known_variable(dataset: Dataset) -> Callable[[str], bool]:
    return set(available_variables(dataset)).__contains__


def check_link(params: Mapping[str, str], dataset: Dataset) -> None:
    checks = known_area(dataset), known_metric(dataset)
    decoded = decode_query(params, *checks, known_variable=known_variable(dataset))
    canonical(decoded.state, known_metric(dataset))
    unknown = [v for v in decoded.state.peers.variables if not known_variable(dataset)(v)]
    assert not unknown, f"unknown peer variables kept in the state: {unknown}"
    relink = decode_query(encode_query(decoded.state), *checks, known_variable=known_variable(dataset))
    assert relink.state == decoded.state and not relink.notices, relink.notices


def check_session(data: bytes, dataset: Dataset) -> None:
    try:
        restored = restore_session(data, dataset)
    except SessionFileError as exc:
        assert str(exc).strip(), "an empty refusal"
        return
    canonical(restored.state, known_metric(dataset))
    ids = [m.meta.id for m in restored.local_metrics]
    assert len(ids) == len(set(ids)), f"local metrics listed twice: {ids}"
    for m in restored.local_metrics:
        values = m.observations["value"].dropna().to_numpy(dtype=float)
        assert all(math.isfinite(v) for v in values), "non-finite local values"


def check_upload(filename: str, data: bytes, known: Mapping[str, str]) -> None:
    result = parse_upload(filename, data, known)
    guarded = [p.message for p in result.problems if p.message.startswith(LAST_GUARD)]
    if guarded:
        raise RuntimeError(guarded[0])  # parse_upload hid an exception behind its last guard
    for m in result.metrics:
        values = m.observations["value"].dropna().to_numpy(dtype=float)
        assert all(math.isfinite(v) and abs(v) <= 1e15 for v in values), f"values out of range: {values[:5]}"
        for label in m.observations["period"].dropna().unique():
            parse_period(label)
