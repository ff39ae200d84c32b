"""The one module that touches ``st.session_state`` and ``st.query_params``.

The view (area, method settings, peers, baseline, scenarios, modes) is a frozen ``ViewState``
kept under one session key. ``init()`` reads the URL once per session (a shared link or a deep
link to any page); every change goes through ``update()``, which stores the new state and
mirrors it to the URL with explicit writes, so links always reproduce the view.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from lupcore.peers import available_variables
from lupcore.session import Decoded, ViewState, decode_query, encode_query
from lupcore.settings import Settings
from lupui import data

_STATE = "lupe_view"
_NOTICES = "lupe_notices"
_LOCAL = "lupe_local_metrics"
_FLASH = "lupe_flash"


def init() -> ViewState:
    """Read the URL on the first run of a session; afterwards the session state is the truth."""
    if _STATE not in st.session_state:
        ds = data.dataset()
        params = {k: st.query_params.get(k) for k in st.query_params.keys()}
        decoded: Decoded = decode_query(
            params,
            known_area=lambda c: ds.has_area(c) and bool(ds.areas.loc[c, "current"]) and ds.areas.loc[c, "tier"] in ("ltla", "utla", "cauth"),
            known_metric=lambda i: i in ds.indicators or i.startswith("local_"),
            known_variable=set(available_variables(ds)).__contains__,
        )
        st.session_state[_STATE] = decoded.state
        st.session_state[_NOTICES] = list(decoded.notices)
    mirror()
    return st.session_state[_STATE]


def get() -> ViewState:
    return st.session_state.get(_STATE, ViewState())


def update(**changes: Any) -> ViewState:
    """Replace fields of the view state and mirror it to the URL."""
    new = replace(get(), **changes)
    st.session_state[_STATE] = new
    mirror()
    return new


def set_settings(settings: Settings) -> ViewState:
    return update(settings=settings)


def restore(decoded: Decoded) -> None:
    """Replace the whole view (a session file was loaded); keeps the notices for display.

    A file whose council no longer exists keeps the council on screen rather than leave none chosen.
    """
    new = decoded.state if decoded.state.area else replace(decoded.state, area=get().area)
    st.session_state[_STATE] = new
    st.session_state[_NOTICES] = list(decoded.notices)
    mirror()


def mirror() -> None:
    """Write the shareable state to the URL when it differs (query params drop on page changes)."""
    wanted = encode_query(get())
    current = {k: st.query_params.get(k) for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


def link_params() -> dict[str, str]:
    """Query parameters for links to other pages, so the view travels with the user."""
    return encode_query(get())


def take_notices() -> list[str]:
    """Notices about the link (ignored values), shown once."""
    notices = st.session_state.get(_NOTICES, [])
    st.session_state[_NOTICES] = []
    return notices


def flash(message: str) -> None:
    """A one-off confirmation shown on the next run (e.g. after a callback)."""
    st.session_state[_FLASH] = message


def take_flash() -> str | None:
    return st.session_state.pop(_FLASH, None)


def local_metrics() -> tuple:
    """The session's own uploaded metrics (``LocalMetricData`` objects), never shared between sessions."""
    return st.session_state.get(_LOCAL, ())


def set_local_metrics(metrics: tuple) -> None:
    st.session_state[_LOCAL] = tuple(metrics)


def widget_value(key: str, value: Any) -> None:
    """Seed a widget from the view state before it is drawn.

    Always assigned, even when equal: widget state is page-scoped, so after a page change
    Streamlit would otherwise reset a same-named widget (e.g. the sidebar picker) to its default.
    Widgets seeded this way change the view only through their ``on_change`` callbacks.
    """
    st.session_state[key] = value


def widget(key: str) -> Any:
    return st.session_state.get(key)
