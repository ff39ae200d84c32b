"""Cached access to the shared data and scoring engines: loaded once per process, read-only.

``st.cache_resource`` returns the same object to every session, so nothing here may be mutated
by callers (the core's arrays are read-only to enforce it). Keys are small strings, never large
frames, because ``st.cache_data`` hashes big frames by a sample (streamlit-notes §5.1).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from lupcore.benchmarks import Benchmarks, compute_benchmarks
from lupcore.dataset import Dataset, load_dataset
from lupcore.model import IndicatorMeta
from lupcore.panel import Panel, build_panel
from lupcore.profile import profile
from lupcore.scorecard import Engine, build_engine
from lupcore.scoring import Normaliser, fit_normaliser
from lupcore.session import ViewState, encode_query
from lupcore.settings import Settings


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


@st.cache_resource(show_spinner=False, max_entries=64)
def _panel(tier: str, local_key: str, _metas: tuple[IndicatorMeta, ...], _obs: pd.DataFrame | None) -> Panel:
    return build_panel(dataset(), tier, _metas, _obs)


def panel(tier: str = "ltla", local: tuple[tuple[IndicatorMeta, ...], pd.DataFrame | None, str] | None = None) -> Panel:
    """The tier's panel, with the session's local metrics joined in when it has any."""
    if local is None or not local[2]:
        return _panel(tier, "", (), None)
    metas, obs, key = local
    return _panel(tier, key, metas, obs)


def settings_key(settings: Settings) -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(encode_query(ViewState(settings=settings)).items()))


def _fit_key(settings: Settings) -> str:
    """Only the choices that move benchmarks or the normaliser: weight changes reuse the fit."""
    fit_only = Settings(
        minimum=settings.minimum, target=settings.target, minimum_overrides=settings.minimum_overrides,
        target_overrides=settings.target_overrides, custom_minimum=settings.custom_minimum,
        custom_target=settings.custom_target, normalisation=settings.normalisation, aggregation=settings.aggregation,
    )
    return settings_key(fit_only)


@st.cache_resource(show_spinner=False, max_entries=128)
def _fit(tier: str, local_key: str, key: str, peers: tuple[str, ...], _panel_obj: Panel,
         _settings: Settings) -> tuple[Benchmarks, Normaliser]:
    bench = compute_benchmarks(_panel_obj, _settings, peers)
    return bench, fit_normaliser(_panel_obj, bench, _settings)


@st.cache_resource(show_spinner=False, max_entries=256)
def _engine(tier: str, local_key: str, key: str, peers: tuple[str, ...], _panel_obj: Panel, _settings: Settings) -> Engine:
    bench, norm = _fit(tier, local_key, _fit_key(_settings), peers, _panel_obj, _settings)
    return build_engine(_panel_obj, _settings, peers, benchmarks=bench, normaliser=norm)


def engine(p: Panel, settings: Settings, peer_codes: Sequence[str] = (), local_key: str = "") -> Engine:
    """Scores and RAG for every area under ``settings``; cached across sessions by small string keys.

    Benchmarks and the normaliser are cached apart from the weights, so moving a weight re-scores
    in a few milliseconds.
    """
    return _engine(p.tier, local_key, settings_key(settings), tuple(peer_codes), p, settings)
