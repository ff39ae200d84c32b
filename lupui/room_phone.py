"""A workshop participant's phone: join by code or link, then answer the open activities (works at 390 px).

The participant's token lives in the link (``?join=CODE&p=TOKEN``) and the database, so a phone that
sleeps or loses Wi-Fi comes back to its own answers. A timed fragment watches only the room's activity
states; the answer widgets are outside it, so a refresh never resets what someone is typing.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import streamlit as st

from lupcore.workshop import participation as wp, service as ws
from lupcore.workshop.codes import normalise_code
from lupcore.workshop.pooling import CONTROL_LEVELS, MISSIONS, RAG_COLOURS
from lupui import cache, state
from lupui.rooms import choices, plain, results, room_vocabulary, store


def participant_page() -> None:
    """``/?join=CODE[&p=TOKEN]``: join, then answer each open activity; works at 390 px wide."""
    st.set_page_config(page_title="Workshop", page_icon=":material/how_to_vote:", layout="centered",
                       initial_sidebar_state="collapsed")
    st.markdown("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl']{display:none}</style>",
                unsafe_allow_html=True)
    raw, token = state.join_link()
    code = normalise_code(raw or "")
    room = None
    if code:
        try:
            room = ws.get_room(store(), code)
        except ws.UnknownRoomError:
            room = None
    if room is None:
        _code_entry(raw)
        return
    st.markdown(f"#### {plain(room.title)}")
    me = None
    if token:
        try:
            me, mine = wp.whoami(store(), code, token)
        except ws.NotParticipantError as exc:
            st.error(str(exc))
    if me is None:
        _join_form(room)
        return
    st.caption(f"You are {me.pseudonym}{' (' + plain(me.name) + ')' if me.name else ''}. This page's link is "
               "your key: reopen it to come back to your answers.")
    flash = state.take_flash()
    if flash:
        st.success(flash, icon=":material/check_circle:")
    _participant_watch(code, tuple(sorted(room.activities.items())))
    open_kinds = [k for k in ws.KINDS if room.activities[k][0] == "open"]
    done = [ws.KINDS[k] for k in ws.KINDS if k in mine and k not in open_kinds]
    for label in done:
        st.caption(f"{label} is closed: your answer is kept.")
    if not open_kinds:
        st.info("Waiting for the facilitator to open an activity. This page updates by itself.",
                icon=":material/hourglass_top:")
    for kind in open_kinds:
        with st.container(border=True):
            {"priorities": _priorities, "killer": _killer, "control": _control, "rag": _rag, "ideas": _ideas}[kind](
                room, token, mine.get(kind))


@st.fragment(run_every="3s")
def _participant_watch(code: str, drawn: tuple) -> None:
    """Rerun the page only when an activity opened, closed or moved round (never on others' answers)."""
    version = ws.room_version(store(), code) if code else 0
    if state.workshop_memo("seen_version") == version:
        return
    state.set_workshop_memo("seen_version", version)
    try:
        now = tuple(sorted(ws.get_room(store(), code).activities.items()))
    except ws.UnknownRoomError:
        now = ()
    if now != drawn:
        st.rerun(scope="app")


def _code_entry(raw: str | None) -> None:
    st.markdown("#### Join a workshop")
    if raw:
        st.error("There is no open room with that code. Check the code on the screen.")
    with st.form("ws_code"):
        st.text_input("Six-character code", key="ws_code_text", max_chars=8, placeholder="e.g. K7MQ2D")
        if st.form_submit_button("Join", type="primary"):
            typed = normalise_code(state.widget("ws_code_text") or "")
            try:
                if typed:
                    ws.get_room(store(), typed)
                    state.set_join_link(typed)
                    st.rerun()
            except ws.UnknownRoomError:
                pass
            from lupcore.workshop.codes import LIMITER

            LIMITER.record_failure(state.client_key())
            st.error("There is no open room with that code. Check the code on the screen."
                     if not LIMITER.blocked(state.client_key()) else "Too many wrong codes; wait a minute.")


def _join_form(room: ws.Room) -> None:
    with st.form("ws_join"):
        if room.named:
            st.text_input("Your name (optional)", key="ws_name", max_chars=ws.MAX_NAME)
        else:
            st.caption("This room is anonymous: nobody sees who answered what.")
        st.selectbox("Your role (optional)", list(ws.ROLES), key="ws_role", index=None, format_func=ws.ROLES.__getitem__,
                     placeholder="Choose…")
        if st.form_submit_button("Join the room", type="primary"):
            try:
                token, _ = wp.join(store(), room.code, name=state.widget("ws_name"), role=state.widget("ws_role"),
                                   client_key=state.client_key())
            except ws.WorkshopError as exc:
                st.error(str(exc))
                return
            state.set_join_link(room.code, token)
            st.rerun()


def _send(room: ws.Room, token: str, kind: str, payload: dict) -> None:
    try:
        wp.answer(store(), room.code, token, kind, payload, room_vocabulary())
    except ws.WorkshopError as exc:
        st.error(str(exc))
        return
    state.flash(f"{ws.KINDS[kind]}: saved at {datetime.now():%H:%M:%S}. You can change it while it is open.")
    st.rerun()


def _seed(key: str, value: object) -> None:
    if state.widget(key) is None:
        state.widget_value(key, value)


def _priorities(room: ws.Room, token: str, mine: dict | None) -> None:
    ds = cache.dataset()
    rnd = room.activities["priorities"][1]
    st.markdown("**Mission priorities: share 100 points**")
    start = (mine or (wp.previous_answer(store(), room.code, token, "priorities") if rnd > 1 else None) or {})
    points = start.get("points", {})
    median = {}
    if rnd > 1:
        _, res = results(room.code)
        if res.previous_priorities is not None:
            median = res.previous_priorities.weights("median")
        st.caption("Round " + str(rnd) + ": the room's median from the last round is shown beside each mission.")
    for m in MISSIONS:
        _seed(f"ws_pts_{m}", int(points.get(str(m), 0)))
    total = sum(int(state.widget(f"ws_pts_{m}") or 0) for m in MISSIONS)
    left = 100 - total
    st.markdown(f"**Points left: {left}**" if left >= 0 else f"**{-left} points too many**")
    for m in MISSIONS:
        extra = f" · room median {median[m]:.0f}" if median and not np.isnan(median.get(m, np.nan)) else ""
        st.number_input(f"{m}. {ds.missions[m].short_name}{extra}", min_value=0, max_value=100, step=5,
                        key=f"ws_pts_{m}")
    if st.button("Send my points", type="primary", disabled=left != 0, key="ws_send_priorities"):
        _send(room, token, "priorities",
              {"points": {str(m): int(state.widget(f"ws_pts_{m}") or 0) for m in MISSIONS}})


def _killer(room: ws.Room, token: str, mine: dict | None) -> None:
    labels = choices()
    _seed("ws_killer", [i for i in (mine or {}).get("metrics", []) if i in labels])
    with st.form("ws_killer_form"):
        st.markdown("**Killer metrics: up to three that best show this place's challenge**")
        st.multiselect("Metrics", list(labels), key="ws_killer", max_selections=ws.MAX_KILLER,
                       format_func=labels.__getitem__, placeholder="Type to search…")
        if st.form_submit_button("Send my picks", type="primary"):
            _send(room, token, "killer", {"metrics": state.widget("ws_killer") or []})


def _control(room: ws.Room, token: str, mine: dict | None) -> None:
    labels = choices()
    asked = list(room.control_metrics)
    if not asked:
        _, own = wp.whoami(store(), room.code, token)
        asked = list(own.get("killer", {}).get("metrics", []))
    st.markdown("**Local control: how much do local partners control each metric?**")
    if not asked:
        st.info("Pick your killer metrics first; you will then rate how much local partners control them.")
        return
    levels = (mine or {}).get("levels", {})
    with st.form("ws_control_form"):
        for metric in asked:
            _seed(f"ws_ctl_{metric}", levels.get(metric))
            st.radio(labels.get(metric, metric), list(CONTROL_LEVELS), key=f"ws_ctl_{metric}", horizontal=True,
                     format_func=ws.CONTROL_LABELS.__getitem__, index=None)
        if st.form_submit_button("Send my ratings", type="primary"):
            given = {m: state.widget(f"ws_ctl_{m}") for m in asked if state.widget(f"ws_ctl_{m}")}
            _send(room, token, "control", {"levels": given})


def _rag(room: ws.Room, token: str, mine: dict | None) -> None:
    ds = cache.dataset()
    ratings, reasons = (mine or {}).get("ratings", {}), (mine or {}).get("reasons", {})
    with st.form("ws_rag_form"):
        st.markdown("**Mission RAG: from what you know, how is each mission going here?**")
        for m in MISSIONS:
            _seed(f"ws_rag_{m}", ratings.get(str(m)))
            _seed(f"ws_why_{m}", reasons.get(str(m), ""))
            st.radio(f"{m}. {ds.missions[m].short_name}", list(RAG_COLOURS), key=f"ws_rag_{m}", horizontal=True,
                     format_func={"red": "Red", "amber": "Amber", "green": "Green"}.__getitem__, index=None)
            st.text_input("Why? (optional)", key=f"ws_why_{m}", max_chars=ws.MAX_REASON, label_visibility="collapsed",
                          placeholder="Why? (optional)")
        if st.form_submit_button("Send my ratings", type="primary"):
            given = {str(m): state.widget(f"ws_rag_{m}") for m in MISSIONS if state.widget(f"ws_rag_{m}")}
            why = {str(m): state.widget(f"ws_why_{m}") for m in MISSIONS
                   if str(m) in given and (state.widget(f"ws_why_{m}") or "").strip()}
            _send(room, token, "rag", {"ratings": given, "reasons": why})


def _ideas(room: ws.Room, token: str, mine: dict | None) -> None:
    _seed("ws_idea", (mine or {}).get("text", ""))
    with st.form("ws_idea_form"):
        st.markdown("**Propose a local metric** (the facilitator approves ideas before they are shown)")
        st.text_area("Your idea", key="ws_idea", max_chars=ws.MAX_IDEA, height=90)
        if st.form_submit_button("Send my idea", type="primary"):
            _send(room, token, "ideas", {"text": state.widget("ws_idea") or ""})
