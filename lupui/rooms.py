"""Live workshop rooms in the app: the facilitator's page, the projector's reveal and the participant view.

All workshop Streamlit code lives here (pages stay thin). Shared state is the database, never a
process-wide object: a view polls its room's version number (one small query) inside a timed
``st.fragment`` and re-reads results only when it changed (cached per room and version). Input
widgets are outside the timed fragments, so a refresh never resets what someone is typing.
Everything the room typed is shown as plain text (escaped Markdown, table cells), never as HTML.
"""

from __future__ import annotations

import io
import os
import re
from datetime import datetime
from urllib.parse import urlsplit

import altair as alt
import numpy as np
import pandas as pd
import segno
import streamlit as st

from lupcore import Area, Dataset, Settings, ViewState
from lupcore.workshop import service as ws
from lupcore.workshop.adopt import adopt
from lupcore.workshop.codes import normalise_code
from lupcore.workshop.pooling import CONTROL_LEVELS, MISSIONS, POOLING_METHODS, RAG_COLOURS
from lupcore.workshop.reveal import metric_choices, results_payload, room_said, scorecard_for, vocabulary
from lupcore.workshop.room_export import room_csv, room_xlsx
from lupcore.workshop.store import Store, open_store
from lupui import cache, state

REFRESH = "2s"
PUBLIC_URL_ENV = "LUPE_PUBLIC_URL"
RAG_MARK = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "No data", "split": "Split (tie)", None: "–"}
SHORT = {"priorities": "Priorities", "killer": "Killer metrics", "control": "Local control", "rag": "Mission RAG",
         "ideas": "Ideas"}
STATE_LABEL = {"closed": "Closed", "open": "Open", "revealed": "Revealed"}
CODE_CSS = ("<style>.ws-code{font-family:ui-monospace,monospace;font-size:3.2rem;font-weight:700;"
            "letter-spacing:0.35rem;color:#0072B2}</style>")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$:])")


def plain(text: object) -> str:
    """User text made inert for Markdown: every Markdown character backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


# ----- shared, cached reads --------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The process's workshop database (migrated on first use)."""
    return open_store()


@st.cache_resource(show_spinner=False)
def _vocabulary() -> ws.Vocabulary:
    return vocabulary(cache.dataset())


@st.cache_resource(show_spinner=False)
def choices() -> dict[str, str]:
    return metric_choices(cache.dataset())


@st.cache_resource(show_spinner=False, max_entries=256)
def _results(code: str, version: int) -> ws.Results:
    return ws.results(store(), code)


def results(code: str) -> tuple[int, ws.Results]:
    """The room's version and its pooled results, read from the database only when the version moved."""
    version = ws.room_version(store(), code)
    return version, _results(code, version)


@st.cache_resource(show_spinner=False, max_entries=64)
def _scorecard(area_code: str, mission_weights: tuple[tuple[int, float], ...]):  # noqa: ANN202
    state_ = ViewState(settings=Settings(mission_weights=mission_weights))
    return scorecard_for(cache.dataset(), area_code, state_)


@st.cache_resource(show_spinner=False, max_entries=64)
def qr_png(url: str) -> bytes:
    """The join link as a QR code (PNG, error correction M): never the facilitator link."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def base_url() -> str:
    """The app's address for links: ``LUPE_PUBLIC_URL`` if set, else what this browser used."""
    env = os.environ.get(PUBLIC_URL_ENV)
    if env:
        return env.rstrip("/")
    try:
        parts = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001 - AppTest has no browser URL
        parts = urlsplit("")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "http://localhost:8501"


def join_url(code: str) -> str:
    return f"{base_url()}/?join={code}"


def admin_url(code: str, admin: str, area_code: str) -> str:
    return f"{base_url()}/Workshop?area={area_code}&room={code}&admin={admin}"


# ----- the facilitator ---------------------------------------------------------------------------

def open_room_form(ds: Dataset, area: Area) -> None:
    """Name the room and fix anonymity; the locality is the area chosen in the sidebar."""
    st.subheader("Open a room")
    with st.form("ws_open"):
        st.text_input("Room name", key="ws_title", max_chars=ws.MAX_TITLE, placeholder="Walsall Place Board, 12 Jan")
        st.markdown(f"Locality: **{plain(area.name)}** (change it in the sidebar before opening)")
        st.radio("Answers are", ["anonymous", "named"], key="ws_named", horizontal=True,
                 format_func={"anonymous": "Anonymous", "named": "Named (people may give their name)"}.__getitem__,
                 help="Fixed once the room is open, so nobody's answer changes status afterwards.")
        if st.form_submit_button("Open the room", type="primary", icon=":material/meeting_room:"):
            try:
                opened = ws.open_room(store(), area_code=area.code, title=state.widget("ws_title") or "",
                                      named=state.widget("ws_named") == "named")
            except ws.WorkshopError as exc:
                st.error(str(exc))
                return
            state.set_facilitator(opened.code, opened.admin_token)
            st.rerun()


def facilitator_room() -> ws.Room | None:
    """The room this session runs, checked against the database (None if gone or the token is wrong)."""
    held = state.facilitator()
    if not held:
        return None
    try:
        return ws.check_admin(store(), *held)
    except ws.WorkshopError as exc:
        state.clear_facilitator()
        st.warning(str(exc))
        return None


def room_header(room: ws.Room, presenter: bool) -> None:
    """Code, QR code and join link for the room; the secret facilitator link apart, never in the QR code."""
    link = join_url(room.code)
    st.markdown(CODE_CSS, unsafe_allow_html=True)
    left, right = st.columns([3, 2] if not presenter else [2, 1])
    with left:
        st.markdown(f"### {plain(room.title)}")
        st.markdown(f"Join at **{plain(link)}** or type the code")
        st.markdown(f"<div class='ws-code' data-testid='ws-code'>{room.code}</div>", unsafe_allow_html=True)  # code: fixed alphabet
        st.caption(f"{'Named' if room.named else 'Anonymous'} answers · room deleted automatically on "
                   f"{room.expires_at:%d %b %Y}")
    right.image(qr_png(link), caption=f"Scan to join {room.code}", width=260 if not presenter else 320)
    if not presenter:
        with st.expander("Secret facilitator link (never show it on the projector)", icon=":material/key:"):
            st.caption("Anyone with this link can run and delete the room. Keep it to reopen the room on another "
                       "device; it is not in the QR code or the join link.")
            st.code(admin_url(room.code, state.facilitator()[1], room.area_code), language=None, wrap_lines=True)


def _on_state(code: str, admin: str, kind: str) -> None:
    chosen = state.widget(f"ws_state_{kind}")
    if chosen:
        ws.set_state(store(), code, admin, kind, chosen)


def _next_round(code: str, admin: str, kind: str) -> None:
    ws.next_round(store(), code, admin, kind)
    state.flash(f"{ws.KINDS[kind]}: round 2 is open; people see the room's median beside their own answer.")


def activity_controls(room: ws.Room, ds: Dataset) -> None:
    """Open, close and reveal each activity in any order; start another round; choose local-control metrics."""
    code, admin = state.facilitator()
    st.subheader("Activities")
    for kind, label in ws.KINDS.items():
        current, rnd = room.activities[kind]
        state.widget_value(f"ws_state_{kind}", current)
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        c1.segmented_control(f"{label} (round {rnd})", list(STATE_LABEL), key=f"ws_state_{kind}",
                             format_func=STATE_LABEL.__getitem__, on_change=_on_state, args=(code, admin, kind))
        if kind in ("priorities", "killer", "control", "rag"):
            c2.button("Start round " + str(rnd + 1), key=f"ws_round_{kind}", on_click=_next_round,
                      args=(code, admin, kind), help="Delphi: reopen with the room's view shown beside each answer.")
    labels = choices()
    state.widget_value("ws_control", [m for m in room.control_metrics if m in labels])
    st.multiselect("Metrics the local-control activity asks about", list(labels), key="ws_control",
                   format_func=labels.__getitem__, max_selections=ws.MAX_CONTROL_METRICS,
                   help="Leave empty to ask each person about their own killer metrics.",
                   on_change=lambda: ws.set_control_metrics(store(), code, admin, state.widget("ws_control") or [],
                                                            _vocabulary()))


@st.fragment(run_every=REFRESH)
def live_panel(code: str, presenter: bool) -> None:
    """Counts always; results of revealed activities. Reads the version; the results only when it moved."""
    try:
        version, res = results(code)
    except ws.UnknownRoomError:
        st.warning("This room no longer exists.")
        return
    cols = st.columns(len(ws.KINDS) + 1)
    cols[0].metric("People joined", res.participants)
    for col, kind in zip(cols[1:], ws.KINDS, strict=True):
        s, rnd = res.room.activities[kind]
        col.metric(SHORT[kind], res.counts[kind], help=f"Answers to {ws.KINDS[kind].lower()}, round {rnd}")
        col.caption(f"answers · {STATE_LABEL[s].lower()}{', round ' + str(rnd) if rnd > 1 else ''}")
    st.caption(f"Live: updated {datetime.now():%H:%M:%S} (room version {version}). Results appear only when "
               "an activity is revealed, so the last to answer are not swayed.")
    revealed = {k for k, (s, _) in res.room.activities.items() if s == "revealed"}
    if revealed:
        reveal(res, revealed, presenter)


def reveal(res: ws.Results, kinds: set[str], presenter: bool) -> None:
    """The presenter-friendly reveal of each revealed activity."""
    ds = cache.dataset()
    card = _scorecard(res.room.area_code, ())
    doc = results_payload(res, card, choices())
    names = {n: m.short_name for n, m in ds.missions.items()}
    if "priorities" in kinds:
        _reveal_priorities(res, doc, names)
    if "killer" in kinds:
        st.subheader("Killer metrics: the room's votes")
        rows = [{"Metric": k["label"], "Votes": k["votes"], "Status in the data": RAG_MARK.get(k["status"], "–")}
                for k in doc["killer"]]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch") if rows else st.info("No votes yet.")
    if "control" in kinds:
        st.subheader("How much do local partners control each metric?")
        labels = choices()
        rows = [{"Metric": labels.get(m, m), **{ws.CONTROL_LABELS[lv]: c.get(lv, 0) for lv in CONTROL_LEVELS}}
                for m, c in sorted(res.control.items())]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch") if rows else st.info("No answers yet.")
    if "rag" in kinds:
        st.subheader("Missions: the room beside the data")
        rows = [{"Mission": f"{m}. {names[m]}", "Red": doc["rag"][str(m)]["red"], "Amber": doc["rag"][str(m)]["amber"],
                 "Green": doc["rag"][str(m)]["green"], "The room says": RAG_MARK[doc["rag"][str(m)]["room"]],
                 "The data says": RAG_MARK.get(doc["rag"][str(m)]["data"], "–")} for m in MISSIONS]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=35 * 13 + 3)
        reasons = [{"Mission": f"{m}. {names[m]}", "Reason": why} for m, whys in sorted(res.rag_reasons.items())
                   for why in whys]
        if reasons and not presenter:
            with st.expander(f"Reasons given ({len(reasons)})"):
                st.dataframe(pd.DataFrame(reasons), hide_index=True, width="stretch")  # cells: plain text
    if "ideas" in kinds:
        st.subheader("Proposed local metrics")
        approved = [{"From": _who(res, who), "Idea": text} for who, text, ok in res.ideas if ok]
        if approved:
            st.dataframe(pd.DataFrame(approved), hide_index=True, width="stretch")
        else:
            st.info("No ideas approved yet.")


def _who(res: ws.Results, pseudonym: str) -> str:
    """The name a person gave in a named room (plain text), else their pseudonym."""
    if res.room.named:
        number = int(pseudonym[1:])
        name = next((r.name for r in res.rows if r.participant == number and r.name), None)
        if name:
            return f"{name} ({pseudonym})"
    return pseudonym


def _reveal_priorities(res: ws.Results, doc: dict, names: dict[int, str]) -> None:
    p = doc["priorities"]
    st.subheader(f"Mission priorities: {p['responses']} people")
    if not p["responses"]:
        st.info("No answers yet.")
        return
    w, pv = p["kendall_w"], p["kendall_p"]
    c1, c2 = st.columns(2)
    c1.metric("Agreement (Kendall's W)", "–" if w is None else f"{w:.2f}",
              help="0 = no agreement on the order of the missions, 1 = everyone ranks them the same.")
    c2.metric("p-value", "–" if pv is None else ("< 0.001" if pv < 0.001 else f"{pv:.3f}"),
              help="Chi-squared test of W: a small p means the agreement is unlikely to be chance.")
    contested = ", ".join(f"{m}. {names[m]}" for m in p["contested"][:3]) or "none"
    st.markdown(f"**Most contested** (widest spread of points): {plain(contested)}")
    short = {"mean": "Mean", "median": "Median", "trimmed_mean": "Trimmed mean"}
    table = pd.DataFrame({"Mission": [f"{m}. {names[m]}" for m in MISSIONS],
                          **{short[meth]: [p[meth][str(m)] for m in MISSIONS] for meth in POOLING_METHODS},
                          "Spread (IQR)": [p["iqr"][str(m)] for m in MISSIONS]})
    config = {short[meth]: st.column_config.NumberColumn(format="%.1f", help=POOLING_METHODS[meth]) for meth in short}
    config["Spread (IQR)"] = st.column_config.NumberColumn(format="%.1f", help="Interquartile range of the points")
    st.dataframe(table, hide_index=True, width="stretch", height=35 * 13 + 3, column_config=config)
    dots = pd.DataFrame([(f"{m}. {names[m]}", float(v)) for row in res.points for m, v in zip(MISSIONS, row, strict=True)],
                        columns=["Mission", "Points"])
    order = [f"{m}. {names[m]}" for m in MISSIONS]
    means = pd.DataFrame({"Mission": order, "Mean": [p["mean"][str(m)] for m in MISSIONS]})
    chart = (alt.Chart(dots).mark_circle(size=70, opacity=0.55, color="#0072B2")
             .encode(x=alt.X("Points:Q", scale=alt.Scale(domain=[0, 100]), title="Points"), y=alt.Y("Mission:N", sort=order, title=None),
                     yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-1, 1])))
             .transform_calculate(jitter="sqrt(-2*log(random()))*cos(2*PI*random())/3"))
    ticks = alt.Chart(means).mark_tick(color="#D55E00", thickness=3, size=22).encode(x=alt.X("Mean:Q", title="Points"), y=alt.Y("Mission:N", sort=order))
    st.altair_chart((chart + ticks).properties(height=36 * 12), width="stretch")
    st.caption("Each dot is one person's points; the orange tick is the room's mean.")
    conv = p["convergence"]
    if conv:
        st.markdown("**Round 2: did the room converge?**")
        k1, k2 = st.columns(2)
        fmt = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
        k1.metric("Kendall's W", fmt(conv["w_after"]), delta=None if None in (conv["w_after"], conv["w_before"])
                  else f"{conv['w_after'] - conv['w_before']:+.2f} since round 1")
        k2.metric("Mean IQR (points)", fmt(conv["mean_iqr_after"]), delta_color="inverse",
                  delta=None if None in (conv["mean_iqr_after"], conv["mean_iqr_before"])
                  else f"{conv['mean_iqr_after'] - conv['mean_iqr_before']:+.1f} since round 1")


def moderation(room: ws.Room) -> None:
    """Approve proposed local metrics before anyone sees them (the text is shown as plain text)."""
    code, admin = state.facilitator()
    _, res = results(code)
    if not res.ideas:
        return
    st.subheader("Ideas waiting for approval")
    for who, text, ok in res.ideas:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.text(f"{_who(res, who)}: {text}")
        number = int(who[1:])
        c2.button("Hide" if ok else "Approve", key=f"ws_idea_{number}",
                  on_click=lambda n=number, a=not ok: ws.approve_idea(store(), code, admin, n, a))


def adopt_panel(ds: Dataset, room: ws.Room) -> None:
    """One action: the room's weights, killer metrics and local control into the scorecard (and the link)."""
    code, _ = state.facilitator()
    _, res = results(code)
    st.subheader("Adopt the room's view")
    if not (res.priorities.responses or res.killer or res.control):
        st.info("Nothing to adopt yet: the room has not answered the priorities, killer metrics or local control.")
        return
    state.widget_value("ws_method", state.workshop_memo("method", "mean"))
    st.radio("Pool the weights by", list(POOLING_METHODS), key="ws_method", format_func=POOLING_METHODS.__getitem__,
             horizontal=True, on_change=lambda: state.set_workshop_memo("method", state.widget("ws_method")))
    method = state.widget("ws_method") or "mean"
    adoption = adopt(state.get().settings, res, method)
    equal = _scorecard(room.area_code, ())
    theirs = _scorecard(room.area_code, adoption.mission_weights)
    if equal is not None and theirs is not None and adoption.mission_weights:
        area_name = ds.area(room.area_code).name
        c1, c2 = st.columns(2)
        fmt = lambda c: f"{c.overall:.1f}" if c.overall is not None else "no score"  # noqa: E731
        c1.metric(f"{area_name}: equal mission weights", fmt(equal), help=equal.rank_text)
        c1.caption(equal.rank_text)
        c2.metric(f"{area_name}: the room's weights", fmt(theirs), help=theirs.rank_text)
        c2.caption(theirs.rank_text)
    if st.button("Adopt the room's view", type="primary", icon=":material/how_to_vote:"):
        state.update(settings=adoption.settings, area=room.area_code)
        state.flash("The scorecard now uses the room's mission weights"
                    + (f", its {len(adoption.killer)} killer metrics" if adoption.killer else "")
                    + (f" and its local-control ratings for {len(adoption.control)} metrics" if adoption.control else "")
                    + ". Every page, export and shared link carries them.")
        st.rerun()


def downloads_and_delete(ds: Dataset, room: ws.Room) -> None:
    code, admin = state.facilitator()
    _, res = results(code)
    doc = results_payload(res, _scorecard(room.area_code, ()), choices())
    names = {n: m.short_name for n, m in ds.missions.items()}
    st.subheader("Take it away")
    c1, c2 = st.columns(2)
    c1.download_button("Room results (Excel)", room_xlsx(res, doc, names), file_name=f"workshop-{code}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", on_click="ignore")
    c2.download_button("Answers (CSV, pseudonymised)", room_csv(res), file_name=f"workshop-{code}-answers.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")
    with st.expander("Delete this room", icon=":material/delete:"):
        st.caption("Deletes the room with every participant and answer, now. Rooms are deleted automatically "
                   f"after {ws.EXPIRY_DAYS} days. Adopted weights stay in your link.")
        sure = st.checkbox("Yes, delete the room and all its answers", key="ws_delete_sure")
        if st.button("Delete the room", disabled=not sure, type="primary"):
            ws.delete_room(store(), code, admin)
            state.clear_facilitator()
            state.flash("The room and all its answers were deleted.")
            st.rerun()


def attached_room_said() -> tuple[str, ...]:
    """Lines for "What the room said" in the PDF/PowerPoint when this session runs a room (else none)."""
    held = state.facilitator()
    if not held:
        return ()
    try:
        ws.check_admin(store(), *held)
        _, res = results(held[0])
    except ws.WorkshopError:
        return ()
    ds = cache.dataset()
    doc = results_payload(res, _scorecard(res.room.area_code, ()), choices())
    return room_said(doc, {n: m.short_name for n, m in ds.missions.items()})


# ----- the participant -----------------------------------------------------------------------------

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
            me, mine = ws.whoami(store(), code, token)
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
                token, _ = ws.join(store(), room.code, name=state.widget("ws_name"), role=state.widget("ws_role"),
                                   client_key=state.client_key())
            except ws.WorkshopError as exc:
                st.error(str(exc))
                return
            state.set_join_link(room.code, token)
            st.rerun()


def _send(room: ws.Room, token: str, kind: str, payload: dict) -> None:
    try:
        ws.answer(store(), room.code, token, kind, payload, _vocabulary())
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
    start = (mine or (ws.previous_answer(store(), room.code, token, "priorities") if rnd > 1 else None) or {})
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
        _, own = ws.whoami(store(), room.code, token)
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
