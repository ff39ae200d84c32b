"""Export and session: take the summary away (PDF, PowerPoint, Excel, CSV) and save or restore the session."""

from dataclasses import replace

import streamlit as st

from lupcore import (
    MEDIA_TYPES,
    Decoded,
    SessionFileError,
    build_bundle,
    export,
    export_one_page,
    local_metric_to_dict,
    progress_frame,
    restore_session,
    scenario_frame,
    scenarios_from_view,
    to_session_file,
)
from lupui import present, render, rooms, state
from lupui.forecasts import intervals, progress, scenario_result
from lupui.frame import frame
from lupui.layout import share_link
from lupui.view import current

ctx = frame("Export and session")
ds, area, view = ctx.dataset, ctx.area, ctx.view
now = current(ctx)
st.title("Export and session")
if not present.controls():
    st.info("Presenter mode is for showing, not exporting: leave presenter mode to download the summary, share this "
            "view or save the session.", icon=":material/co_present:")
    st.stop()

st.subheader(f"A summary of {area.name} to take away")
st.caption("Every export reflects what you see now: the locality, weights, benchmark presets, peers, baseline and "
           "scenarios, with sources and the Open Government Licence attribution.")
if now.card is None:
    st.warning(render.plain(now.problem or "No scores can be calculated with these weights, so there is nothing to export yet."))
else:
    engine, card, peers = now.engine, now.card, now.peers
    notes = now.notices
    prog = progress_frame(progress(now, area.code, view.baseline, now.local.observations)) if view.baseline else None
    results = [scenario_result(now, area.code, s) for s in scenarios_from_view(view.scenarios)]
    what_if = scenario_frame(results) if results else None
    said = rooms.attached_room_said()  # "What the room said" when this session runs a workshop room
    if said:
        st.caption("The PDF and PowerPoint include “What the room said” from your workshop room.")

    interval = intervals(now).get(area.code) if card.rank else None

    def make(fmt: str):  # the download button calls this lazily, on a separate thread
        def build() -> bytes:
            bundle = build_bundle(ds, engine, area.code, view, peers, progress=prog, scenarios=what_if,
                                  card=card, notes=notes)
            if fmt == "one-page":
                return export_one_page(bundle, interval.text if interval else None)
            return export(replace(bundle, room_said=said), fmt)
        return build

    labels = {"one-page": ("One-page summary (A4 PDF)", ":material/description:"),
              "pdf": ("Full report (PDF, 2–4 pages)", ":material/picture_as_pdf:"),
              "pptx": ("PowerPoint deck", ":material/slideshow:"),
              "xlsx": ("Excel workbook", ":material/table_view:"),
              "csv": ("Scorecard as CSV", ":material/csv:")}
    slug = "".join(ch if ch.isalnum() else "-" for ch in area.name.lower()).strip("-")
    columns = st.columns(len(labels))
    for col, (fmt, (label, icon)) in zip(columns, labels.items(), strict=True):
        name = (f"{slug}-scorecard.csv" if fmt == "csv" else f"{slug}-levelling-up-on-one-page.pdf" if fmt == "one-page"
                else f"{slug}-levelling-up-summary.{fmt}")
        col.download_button(label, make(fmt), file_name=name, mime=MEDIA_TYPES.get(fmt, "application/pdf"), icon=icon,
                            key=f"w_export_{fmt}", on_click="ignore", width="stretch")

st.subheader("Share this view")
link = share_link(state.link_params())
st.code(link, language=None, wrap_lines=True)
st.caption("Send this link to open exactly this view (on the Scorecard): the locality, weights, presets, peers, "
           "baseline and scenarios. Local metrics travel only in the session file."
           if link.startswith("http") else "Add this to the app's address to open exactly this view.")

st.subheader("Session file")
st.markdown("Save everything (including your local metrics) to a file, and load it again later or on another "
            "computer. Loading replaces the current view; a file that cannot be read changes nothing.")
local = state.local_metrics()
st.download_button("Save the session", to_session_file(view, [local_metric_to_dict(m) for m in local]),
                   file_name=f"{''.join(ch if ch.isalnum() else '-' for ch in area.name.lower())}-session.json", mime="application/json",
                   icon=":material/save:", key="w_save_session", on_click="ignore")
restore = st.file_uploader("Load a session file", type=["json"], key=f"w_session_{state.widget('lupe_session_round', 0)}")
if restore is not None:
    try:
        restored = restore_session(restore.getvalue(), ds)
    except SessionFileError as exc:
        st.error(render.plain(f"{exc} Nothing was changed."), icon=":material/error:")
    else:
        state.restore(Decoded(restored.state, restored.notices))
        state.set_local_metrics(restored.local_metrics)
        state.widget_value("lupe_session_round", state.widget("lupe_session_round", 0) + 1)
        count = len(restored.local_metrics)
        state.flash(f"Session restored{f' with {count} local metric(s)' if count else ''}.")
        st.rerun()
