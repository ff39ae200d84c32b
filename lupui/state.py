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

from lupcore import Decoded, Settings, ViewState, available_variables, decode_query, encode_query
from lupui import cache

_STATE = "lupe_view"
_NOTICES = "lupe_notices"
_LOCAL = "lupe_local_metrics"
_FLASH = "lupe_flash"


def init() -> ViewState:
    """Read the URL on the first run of a session; afterwards the session state is the truth."""
    if _STATE not in st.session_state:
        ds = cache.dataset()
        params = {k: st.query_params.get(k) for k in st.query_params.keys()}
        decoded: Decoded = decode_query(params, known_area=ds.is_pickable, known_metric=ds.knows_metric,
                                        known_variable=set(available_variables(ds)).__contains__)
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


def widget(key: str, default: Any = None) -> Any:
    """A widget's (or a page's own scratch) value: in callbacks it is newer than the view state."""
    return st.session_state.get(key, default)


def forget_widget(key: str) -> None:
    """Drop a widget's state so it is drawn afresh from the view state (e.g. an editor after a preset change)."""
    st.session_state.pop(key, None)


# ----- workshop rooms: the participant's identity lives in the link, the facilitator's token in the session --

_WORKSHOP = "lupe_workshop"


def join_link() -> tuple[str | None, str | None]:
    """``(code, participant token)`` from ``/?join=CODE&p=TOKEN`` (either may be missing)."""
    return st.query_params.get("join"), st.query_params.get("p")


def set_join_link(code: str, token: str | None = None) -> None:
    """Put the room and the participant's token in the link, so a reloaded phone comes back to its answers."""
    st.query_params.from_dict({"join": code, **({"p": token} if token else {})})


def take_facilitator_link() -> None:
    """Move ``?room=CODE&admin=TOKEN`` from the URL into the session (kept off a projected address bar)."""
    room, admin = st.query_params.get("room"), st.query_params.get("admin")
    if room and admin:
        set_facilitator(room, admin)
    for key in ("room", "admin"):
        if key in st.query_params:
            del st.query_params[key]


def facilitator() -> tuple[str, str] | None:
    """``(code, admin token)`` of the room this session runs, if any."""
    return st.session_state.get(_WORKSHOP, {}).get("facilitator")


def set_facilitator(code: str, admin: str) -> None:
    st.session_state.setdefault(_WORKSHOP, {})["facilitator"] = (code, admin)


def clear_facilitator() -> None:
    st.session_state.setdefault(_WORKSHOP, {}).pop("facilitator", None)


def client_key() -> str:
    """A random id for this browser session: the key failed joins are counted against (never an IP)."""
    import secrets

    box = st.session_state.setdefault(_WORKSHOP, {})
    return box.setdefault("client", secrets.token_hex(8))


def workshop_memo(key: str, default: Any = None) -> Any:
    """A small per-session workshop value (e.g. the room version a view last drew)."""
    return st.session_state.get(_WORKSHOP, {}).get(key, default)


def set_workshop_memo(key: str, value: Any) -> None:
    st.session_state.setdefault(_WORKSHOP, {})[key] = value
