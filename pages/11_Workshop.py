"""Workshop: open a live room, let people join from their phones, reveal what the room thinks and adopt it."""

import streamlit as st

from lupui import present, room_reveal, rooms, state
from lupui.frame import frame

state.take_facilitator_link()  # before frame(): the secret link moves into the session, off the address bar
ctx = frame("Workshop")
ds, area, view = ctx.dataset, ctx.area, ctx.view
room = rooms.facilitator_room()
if room is None:
    st.title("Workshop")
    st.markdown("Run a live session: people join from their phones with a code, split 100 points across the "
                "missions, pick killer metrics, rate local control and the missions, and propose local metrics. "
                "You reveal the results on the projector and can adopt them as the scorecard's weights.")
    if present.controls():
        rooms.open_room_form(ds, area)
    else:
        st.info("Leave presenter mode to open a room; once it is open, presenter mode shows its code and results.",
                icon=":material/co_present:")
    st.page_link("app.py", label="Taking part? Join a room with its code", icon=":material/login:",
                 query_params={"join": ""})
    st.stop()

rooms.room_header(room, view.presenter)
if present.controls():
    rooms.activity_controls(room, ds)
room_reveal.live_panel(room.code, view.presenter)
if present.controls():
    rooms.moderation(room)
    rooms.adopt_panel(ds, room)
    rooms.downloads_and_delete(ds, room)
