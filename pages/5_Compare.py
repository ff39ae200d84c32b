"""Compare areas: two to four places side by side on the same metrics and mission RAG, for facilitators."""

import streamlit as st

from lupcore import MAX_COMPARE, anonymised_names, side_by_side
from lupui import present, render, state
from lupui.forecasts import intervals
from lupui.frame import frame
from lupui.view import current

ctx = frame("Compare areas")
ds, area, view = ctx.dataset, ctx.area, ctx.view
now = current(ctx)
engine = now.engine
st.title("Compare areas")

names = dict(zip(engine.panel.codes, engine.panel.names, strict=True)) if engine else {area.code: area.name}
default = [area.code, *(now.peers.codes[:3] if now.peers else ())]
chosen = [c for c in (view.compare or default) if c in names][:MAX_COMPARE]
if area.code not in chosen:
    chosen = [area.code, *chosen][:MAX_COMPARE]

if present.controls():
    c1, c2, c3 = st.columns([3, 1, 1])
    if view.anonymised:  # the picker would name the lettered areas; choose them before anonymising
        c1.caption("Anonymised: switch anonymised mode off to change which areas are compared.")
    else:
        state.widget_value("w_compare", chosen)
        c1.multiselect(f"Areas to compare (2 to {MAX_COMPARE}; the locality first)", list(names),
                       format_func=names.get, max_selections=MAX_COMPARE, key="w_compare",
                       on_change=lambda: state.update(compare=tuple(state.widget("w_compare"))))
    state.widget_value("w_compare_anon", view.anonymised)
    c2.toggle("Anonymised", key="w_compare_anon", help="Show other areas as Area A, Area B…",
              on_change=lambda: state.update(anonymised=bool(state.widget("w_compare_anon"))))
    c3.button("Presenter mode", icon=":material/open_in_full:", key="w_to_presenter",
              on_click=state.update, kwargs={"presenter": True},
              help="Large type, controls hidden: for a projector. Leave it with the button at the top.")

if engine is None:
    st.warning(render.plain(now.problem or "No scores can be calculated with these weights."))
    st.stop()
if len(chosen) < 2:
    st.info("Add at least one more area to compare.", icon=":material/add:")
    st.stop()
labels = {c: names[c] for c in chosen}
if view.anonymised:
    labels.update(anonymised_names(chosen, area.code))
missions = {n: m.title for n, m in ds.missions.items()}
shown_ivs = [iv for iv in intervals(now).values() if iv.nominal]
ranges = {code: iv.text for code, iv in intervals(now).items() if iv.nominal}  # "of 294" below: four columns fit
headline, mission_table, metric_table = side_by_side(engine, chosen, labels, missions, ranges)

render.status_table(headline, presenter=view.presenter, hide_index=True, width="stretch")
if shown_ivs:
    st.caption(f"Ranks are out of {shown_ivs[0].of} areas; the range is the 5th to 95th percentile of 1,000 runs.")
st.subheader("Missions")
render.status_table(mission_table, presenter=view.presenter, hide_index=True, width="stretch",
                    height=35 + 35 * len(mission_table))
st.subheader("Metrics")
render.status_table(metric_table, presenter=view.presenter, hide_index=True, width="stretch",
                    height=min(35 + 35 * len(metric_table), 1400))
st.caption("✔ green: at or better than target · ◆ amber: between minimum and target · ✖ red: worse than the minimum · "
           "– not rated. Benchmarks and weights are the same for every area shown (Weights and methods page).")
