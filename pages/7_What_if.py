"""What if: change one or more metrics and see the RAG, mission scores, overall score and rank move."""

import streamlit as st

from lupcore import (
    HELD_CONSTANT,
    compare_scenarios,
    format_number,
    no_scenario_message,
    ordinal,
    scenarios_from_view,
)
from lupui import present, render, state, whatif
from lupui.forecasts import intervals, peer_interval, requirement, scenario_intervals, scenario_result
from lupui.frame import frame
from lupui.view import current

ctx = frame("What if")
ds, area, view = ctx.dataset, ctx.area, ctx.view
now = current(ctx)
st.title(f"What if: {area.name}")
st.caption(f"Change one or more metrics and compare with today. {HELD_CONSTANT} Benchmarks stay as they are today.")
if now.engine is None:
    st.warning(render.plain(now.problem or "No scores with these weights."))
    st.stop()
card = now.card
metrics = {m.meta.id: m for m in card.metrics if m.meta.scorable and m.value is not None}
saved = list(scenarios_from_view(view.scenarios))


if present.controls():
    with st.expander("Build a scenario", expanded=not saved):
        whatif.scenario_builder(metrics, saved)

if not saved:
    st.info(no_scenario_message(bool(state.widget("lupe_draft"))))
    st.stop()

names = [s.name for s in saved]
state.widget_value("w_wi_show", state.widget("w_wi_show") if state.widget("w_wi_show") in names else names[-1])
shown = present.pick("wi_show", lambda: st.radio("Scenario", names, horizontal=True, key="w_wi_show",
                                                 format_func=render.plain), names[-1])  # options are Markdown
shown = shown if shown in names else names[-1]
scenario = saved[names.index(shown)]
result = scenario_result(now, area.code, scenario)
for notice in result.notices:
    st.warning(render.plain(notice))
before_iv = intervals(now).get(area.code)
after_iv, after_peer_iv = scenario_intervals(now, area.code, scenario)

b, a = result.before, result.after
top = st.columns([0.8, 1.7, 1.5])  # the rank range on one line
top[0].metric("Levelling Up score", format_number(a.overall, 1),
              delta=None if a.overall is None or b.overall is None else round(a.overall - b.overall, 1))
top[1].metric(f"Rank of {a.rank_of}", after_iv.text if after_iv else (ordinal(a.rank) if a.rank else "–"),
              help="5th–95th percentile range over 1,000 runs with noisy weights, methods and data.")
top[1].caption(f"Today: {before_iv.text if before_iv else ordinal(b.rank) if b.rank else '–'}")
if a.peer_rank:
    before_peer_iv = peer_interval(now, area.code, b.peer_rank, b.peer_of)
    top[2].metric(f"Rank in the peer group ({a.peer_of} with {area.name})", after_peer_iv.text if after_peer_iv else ordinal(a.peer_rank),
                  help="Among the locality and its peers; the range comes from the same 1,000 runs.")
    top[2].caption(f"Today: {before_peer_iv.text if before_peer_iv else ordinal(b.peer_rank) if b.peer_rank else '–'}")

st.subheader("Missions: today and with the scenario")
whatif.status_table(whatif.missions_before_after(card, result))

st.subheader("The changes")
present.table(whatif.changes_frame(result, metrics), hide_index=True, width="stretch")
st.caption(render.plain(result.caveat))

if present.controls() and st.button("Delete this scenario", key="w_wi_delete", icon=":material/delete:"):
    state.update(scenarios=tuple((s.name, s.changes) for s in saved if s.name != shown))
    st.rerun()

if len(saved) >= 2:
    st.subheader("Compare two scenarios")
    x, y = st.columns(2) if present.controls() else (st, st)
    first = present.pick("wi_a", lambda: x.selectbox("Scenario A", names, index=0, key="w_wi_a"), names[0])
    second = present.pick("wi_b", lambda: y.selectbox("Scenario B", names, index=1, key="w_wi_b"), names[1])
    first, second = (first, second) if {first, second} <= set(names) else (names[0], names[1])
    comparison = compare_scenarios(scenario_result(now, area.code, saved[names.index(first)]),
                                   scenario_result(now, area.code, saved[names.index(second)]))
    st.markdown(render.plain(comparison.text))
    whatif.status_table(whatif.compare_frame(ds.missions, comparison, first, second))

st.subheader("What would it take?")
w1, w2 = st.columns([3, 2]) if present.controls() else (st, st)
goal_metric = present.pick("wi_need", lambda: w1.selectbox("Metric", list(metrics), format_func=lambda i: metrics[i].meta.shown_label,
                                                           key="w_wi_need"), next(iter(metrics)))
places = present.pick("wi_places", lambda: w2.number_input("Move up this many places (0: turn its mission green)", 0, 100, 0,
                                                           key="w_wi_places"), 0)
need = requirement(now, area.code, goal_metric, int(places))
st.markdown(f"**{render.plain(need.text)}**")

