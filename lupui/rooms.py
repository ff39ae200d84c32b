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
from urllib.parse import urlsplit

import segno
import streamlit as st

from lupcore import Area, Dataset, Settings, ViewState
from lupcore.workshop import participation as wp, results as wr, service as ws
from lupcore.workshop.adopt import adopt
from lupcore.workshop.pooling import POOLING_METHODS
from lupcore.workshop.reveal import metric_choices, results_payload, room_said, scorecard_for, vocabulary
from lupcore.workshop.room_export import room_csv, room_xlsx
from lupcore.workshop.store import Store, open_store
from lupui import cache, render, state

REFRESH = "2s"
PUBLIC_URL_ENV = "LUPE_PUBLIC_URL"
RAG_MARK = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "No data", "split": "Split (tie)", None: "–"}
SHORT = {"priorities": "Priorities", "killer": "Killer metrics", "control": "Local control", "rag": "Mission RAG",
         "ideas": "Ideas"}
STATE_LABEL = {"closed": "Closed", "open": "Open", "revealed": "Revealed"}
CODE_CSS = ("<style>.ws-code{font-family:ui-monospace,monospace;font-size:3.2rem !important;font-weight:700;"
            "letter-spacing:0.35rem;color:#0072B2}</style>")
plain = render.plain  # everything the room typed is shown as plain text (one helper for the whole app)


# ----- shared, cached reads --------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def store() -> Store:
    """The process's workshop database (migrated on first use)."""
    return open_store()


@st.cache_resource(show_spinner=False)
def room_vocabulary() -> ws.Vocabulary:
    return vocabulary(cache.dataset())


@st.cache_resource(show_spinner=False)
def choices() -> dict[str, str]:
    return metric_choices(cache.dataset())


@st.cache_resource(show_spinner=False, max_entries=256)
def _results(code: str, version: int) -> wr.Results:
    return wr.results(store(), code)


def results(code: str) -> tuple[int, wr.Results]:
    """The room's version and its pooled results, read from the database only when the version moved."""
    version = ws.room_version(store(), code)
    return version, _results(code, version)


@st.cache_resource(show_spinner=False, max_entries=64)
def scorecard(area_code: str, mission_weights: tuple[tuple[int, float], ...]):  # noqa: ANN202
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
                                                            room_vocabulary()))


def who_label(res: wr.Results, pseudonym: str) -> str:
    """The name a person gave in a named room (plain text), else their pseudonym."""
    if res.room.named:
        number = int(pseudonym[1:])
        name = next((r.name for r in res.rows if r.participant == number and r.name), None)
        if name:
            return f"{name} ({pseudonym})"
    return pseudonym


def moderation(room: ws.Room) -> None:
    """Approve proposed local metrics before anyone sees them (the text is shown as plain text)."""
    code, admin = state.facilitator()
    _, res = results(code)
    if not res.ideas:
        return
    st.subheader("Ideas waiting for approval")
    for who, text, ok in res.ideas:
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.text(f"{who_label(res, who)}: {text}")
        number = int(who[1:])
        c2.button("Hide" if ok else "Approve", key=f"ws_idea_{number}",
                  on_click=lambda n=number, a=not ok: wp.approve_idea(store(), code, admin, n, a))


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
    equal = scorecard(room.area_code, ())
    theirs = scorecard(room.area_code, adoption.mission_weights)
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
    doc = results_payload(res, scorecard(room.area_code, ()), choices())
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
    doc = results_payload(res, scorecard(res.room.area_code, ()), choices())
    return room_said(doc, {n: m.short_name for n, m in ds.missions.items()})
