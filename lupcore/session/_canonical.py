"""The canonical form of a decoded view: one rule for repeats, and only references the data knows.

Both decoders (the link and the session file) end here, and the encoder writes pairs through
:func:`canonical_pairs` too, so a state, its link and every cache key built from the link agree:
``mw=3:2.5,3:0`` and ``mw=3:0,3:2.5`` can never share a cache entry while meaning different weights.

The rule for a key given twice is **the last one wins** (as ``dict(pairs)`` reads the pairs
everywhere in the core), applied once, here; the result is sorted by key. A scenario's changes are
not pairs of this kind: two changes to one metric compound, in order (``whatif.apply_scenario``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from lupcore.session._types import ViewState

K = TypeVar("K")
V = TypeVar("V")
Known = Callable[[str], bool] | None


def canonical_pairs(pairs: Iterable[tuple[K, V]]) -> tuple[tuple[K, V], ...]:
    """Key-value pairs with one entry per key (the last one given wins), sorted by key."""
    return tuple(sorted(dict(pairs).items(), key=lambda kv: kv[0]))  # type: ignore[arg-type, return-value]


def drop_unknown(state: ViewState, notices: list[str], source: str, known_area: Known = None,
                 known_metric: Known = None, known_variable: Known = None) -> ViewState:
    """The state without references to areas, metrics or peer variables the data does not have (item by item).

    Unknown ids leave the state, so they leave the link and the cache key too; ``notices`` says what went.
    """
    if known_area is not None:
        if state.area and not known_area(state.area):
            notices.append(f"The area code {state.area} in {source} is not a current UK local authority.")
            state = replace(state, area=None)
        kept = tuple(c for c in state.compare if known_area(c))
        custom = tuple(c for c in state.peers.custom if known_area(c))
        if len(kept) < len(state.compare) or len(custom) < len(state.peers.custom):
            notices.append(f"Some area codes in {source} are not current UK local authorities and were left out.")
        state = replace(state, compare=kept, peers=replace(state.peers, custom=custom))
    if known_variable is not None and not all(known_variable(v) for v in state.peers.variables):
        unknown = [v for v in state.peers.variables if not known_variable(v)]
        notices.append(f"{_capital(source)} names peer variables this data does not have "
                       f"({', '.join(unknown)[:120]}); they were left out.")
        kept_vars = tuple(v for v in state.peers.variables if known_variable(v))
        state = replace(state, peers=replace(state.peers, variables=kept_vars))
    if known_metric is not None:
        state = _drop_unknown_metrics(state, notices, source, known_metric)
    return state


def _drop_unknown_metrics(state: ViewState, notices: list[str], source: str, known: Callable[[str], bool]) -> ViewState:
    s = state.settings
    named = set(s.excluded) | set(s.killer) | {i for i, _ in state.baseline}
    named |= {i for i, _ in s.indicator_weights + s.minimum_overrides + s.target_overrides + s.control}
    named |= {i for i, _ in s.custom_minimum + s.custom_target}
    named |= {i for _, changes in state.scenarios for i, _ in changes}
    unknown = {i for i in named if not known(i)}
    if not unknown:
        return state

    def keep(pairs: tuple) -> tuple:
        return tuple(p for p in pairs if known(p[0]))

    settings = replace(s, excluded=frozenset(i for i in s.excluded if known(i)),
                       killer=tuple(i for i in s.killer if known(i)),
                       indicator_weights=keep(s.indicator_weights), minimum_overrides=keep(s.minimum_overrides),
                       target_overrides=keep(s.target_overrides), custom_minimum=keep(s.custom_minimum),
                       custom_target=keep(s.custom_target), control=keep(s.control))
    notices.append(f"{_capital(source)} names metrics this data does not have "
                   f"({', '.join(sorted(unknown))[:120]}); they were left out.")
    return replace(state, settings=settings, baseline=keep(state.baseline),
                   scenarios=tuple((name, keep(changes)) for name, changes in state.scenarios))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
