"""Cached access to the shared data and scoring engines: loaded once per process, read-only.

``st.cache_resource`` returns the same object to every session, so nothing here may be mutated
by callers (the core's arrays are read-only to enforce it). Keys are small strings, never large
frames, because ``st.cache_data`` hashes big frames by a sample.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st

from lupcore import Dataset, load_dataset, profile

T = TypeVar("T")


@st.cache_resource(show_spinner="Loading the official data…")
def dataset() -> Dataset:
    return load_dataset()


@st.cache_resource(show_spinner=False)
def picker_options() -> tuple[tuple[str, ...], dict[str, str]]:
    """Codes and labels for the locality picker, computed once per process (read-only)."""
    ds = dataset()
    pick = ds.pickable()
    # Short labels: the whole list travels with every rerun (397 options), so every character counts.
    kinds = {"E10": "county", "E47": "combined authority"}
    labels = {r.code: f"{r.name} ({kinds.get(r.code[:3]) or r.region or r.nation})" for r in pick.itertuples(index=False)}
    return tuple(pick["code"]), labels


@st.cache_resource(show_spinner=False, max_entries=512)
def profile_rows(area_code: str) -> tuple:
    """The Overview's rows for one area (frozen ``ProfileRow`` objects, shared read-only)."""
    return tuple(profile(dataset(), area_code))


@st.cache_resource(show_spinner=False, max_entries=1024)
def _stage(stage: str, key: tuple, _compute: Callable[[], Any]) -> Any:
    return _compute()


def stage(stage_name: str, key: tuple, compute: Callable[[], T]) -> T:
    """The ``lupcore.assembly.StageCache`` of the pages: each stage kept once per process by its small key."""
    return _stage(stage_name, key, compute)
