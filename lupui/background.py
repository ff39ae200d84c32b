"""Slow, shared computations with a visible progress bar: the 1,000-run rank Monte Carlo.

``st.cache_resource`` shows its spinner only after half a second and cannot draw a progress bar
(elements drawn inside a cached function are replayed on every hit), so these results are kept
in a small per-process store and computed in a worker thread; a bar appears when the work takes
longer than ``PROGRESS_AFTER_S`` and follows the runs as they finish.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from typing import TypeVar

import streamlit as st

T = TypeVar("T")
PROGRESS_AFTER_S = 0.3  # issue 5: show progress when the Monte Carlo takes over 0.3 s
POLL_S = 0.1


MISSING = object()


class Store:
    """A thread-safe least-recently-used map shared by every session of the process (values are read-only)."""

    def __init__(self, max_entries: int) -> None:
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: Hashable) -> object:
        """The value, or ``MISSING`` (a stored ``None`` is a result too)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return MISSING

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def store(name: str, max_entries: int) -> Store:
    """One store per name and process."""
    return Store(max_entries)


@st.cache_resource(show_spinner=False)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="lupe-slow")


def with_progress(work: Callable[[Callable[[float], None]], T], label: str) -> T:
    """Run ``work(report)`` in a worker; if it is not done within 0.3 s, show a bar that follows ``report``."""
    done = [0.0]
    future = _pool().submit(work, lambda share: done.__setitem__(0, share))
    try:
        return future.result(timeout=PROGRESS_AFTER_S)
    except FutureTimeout:
        pass
    bar = st.progress(done[0], text=label)
    while True:
        try:
            value = future.result(timeout=POLL_S)
        except FutureTimeout:
            bar.progress(min(done[0], 1.0), text=label)
            continue
        bar.empty()
        return value


def memo(store_name: str, max_entries: int, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``key``, computed once per process in the script's own thread."""
    kept = store(store_name, max_entries)
    found = kept.get(key)
    if found is MISSING:
        found = compute()
        kept.put(key, found)
    return found  # type: ignore[return-value]


def cached(store_name: str, max_entries: int, key: Hashable, work: Callable[[Callable[[float], None]], T],
           label: str) -> T:
    """``work``'s result for ``key``, computed once per process in a worker (with a progress bar when slow)."""
    return memo(store_name, max_entries, key, lambda: with_progress(work, label))
