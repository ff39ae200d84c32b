"""What if: change one or more metrics and see the RAG, mission scores, overall score and rank move."""

import numpy as np
import pandas as pd
import streamlit as st

from lupcore import (
    HELD_CONSTANT,
    ScenarioError,
    change_words,
    check_change,
    clean_scenario_name,
    compare_scenarios,
    format_number,
    format_value,
    no_scenario_message,
    ordinal,
    scenarios_from_view,
)
from lupui import render, state
from lupui.foresight import intervals, peer_interval, requirement, scenario_intervals, scenario_result
from lupui.frame import frame
from lupui.scoring import current

MAX_SCENARIOS = 6
MODES = {"value": "Set a new value", "percent": "Change by a percentage", "units": "Change by an amount",
         "target": "Reach the target", "minimum": "Reach the minimum"}
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


def plain(amount: float) -> str:
    """Every digit the user typed, never an exponent: 25425.75, 1234567, 0.5."""
    return np.format_float_positional(float(amount), trim="-")


def change_text(mode: str, amount: float | None) -> str:
    if mode in ("target", "minimum"):
        return mode
    if amount is None:
        raise ScenarioError("Enter an amount.")
    signed = plain(amount) if amount < 0 else f"+{plain(amount)}"
    if mode == "percent":
        return f"{signed}%"
    if mode == "units":
        return signed
    return f"={plain(amount)}" if amount < 0 else plain(amount)


with st.expander("Build a scenario", expanded=not saved):
    draft: list[tuple[str, str]] = list(state.widget("lupe_draft", []))
    c1, c2, c3, c4 = st.columns([3, 2, 1.4, 1])
    pick = c1.selectbox("Metric", list(metrics), format_func=lambda i: metrics[i].meta.shown_label, key="w_wi_metric")
    mode = c2.selectbox("Change", list(MODES), format_func=MODES.get, key="w_wi_mode")
    meta = metrics[pick].meta
    amount = None
    if mode in ("value", "percent", "units"):
        amount = c3.number_input({"value": f"New value ({render.plain(meta.unit)})", "percent": "Percent (+ or −)",
                                  "units": f"Amount ({meta.unit}, + or −)"}[mode], value=None, key="w_wi_amount")
    c3.caption(f"Today: {format_value(metrics[pick].value, meta)}; "
               f"{'higher' if meta.polarity > 0 else 'lower'} is better.")
    if c4.button("Add", key="w_wi_add", icon=":material/add:", help="Add this change to the scenario"):
        try:
            draft = [d for d in draft if d[0] != pick] + [(pick, check_change(change_text(mode, amount)))]
            state.widget_value("lupe_draft", draft)
        except ScenarioError as exc:
            st.error(render.plain(exc))
    if draft:
        st.markdown("\n".join(f"- {render.plain(metrics[i].meta.shown_label)}: **{render.plain(change_words(c, metrics[i].meta))}**"
                               for i, c in draft if i in metrics))
        n1, n2, n3 = st.columns([3, 1, 1])
        name = n1.text_input("Scenario name", value=f"Scenario {chr(65 + len(saved))}", key="w_wi_name", max_chars=40,
                             help="Up to 40 characters; | ~ ; and = are left out because the page link uses them.")
        if n2.button("Save scenario", key="w_wi_save", icon=":material/save:", disabled=len(saved) >= MAX_SCENARIOS):
            clean = clean_scenario_name(name, fallback=f"Scenario {len(saved) + 1}")
            kept = [(s.name, s.changes) for s in saved if s.name != clean]  # the same name replaces that scenario
            state.update(scenarios=tuple([*kept, (clean, tuple(draft))]))
            state.widget_value("lupe_draft", [])
            st.rerun()
        if n3.button("Clear", key="w_wi_clear"):
            state.widget_value("lupe_draft", [])
            st.rerun()

if not saved:
    st.info(no_scenario_message(bool(state.widget("lupe_draft"))))
    st.stop()

names = [s.name for s in saved]
state.widget_value("w_wi_show", state.widget("w_wi_show") if state.widget("w_wi_show") in names else names[-1])
shown = st.radio("Scenario", names, horizontal=True, key="w_wi_show", format_func=render.plain)  # options are Markdown
scenario = saved[names.index(shown)]
result = scenario_result(now, area.code, scenario)
for notice in result.notices:
    st.warning(render.plain(notice))
before_iv = intervals(now).get(area.code)
after_iv, after_peer_iv = scenario_intervals(now, area.code, scenario)

b, a = result.before, result.after
top = st.columns(3)
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
rows = []
for m in card.missions:
    before_m, after_m = b.mission(m.mission.number), a.mission(m.mission.number)
    if before_m is None and after_m is None:
        continue
    rows.append({"Mission": m.mission.title,
                 "Today": f"{render.rag_text(before_m.rag)} · {format_number(before_m.score, 1)}" if before_m else "–",
                 "With the scenario": f"{render.rag_text(after_m.rag)} · {format_number(after_m.score, 1)}" if after_m else "–"})
st.dataframe(pd.DataFrame(rows).style.map(lambda v: render.rag_cell_style(str(v).split(" · ")[0])),
             hide_index=True, width="stretch", height=38 + 35 * len(rows))

st.subheader("The changes")
st.dataframe(pd.DataFrame([{
    "Metric": c.label, "Change": change_words(c.change, metrics[c.indicator_id].meta) if c.indicator_id in metrics
                                else c.change,
    "Today": format_value(c.old_value, metrics[c.indicator_id].meta) if c.indicator_id in metrics else c.old_value,
    "With the scenario": format_value(c.new_value, metrics[c.indicator_id].meta) if c.indicator_id in metrics else c.new_value,
    "Status today": render.rag_text(c.old_rag), "Status then": render.rag_text(c.new_rag), "In plain words": c.text,
} for c in result.metrics]), hide_index=True, width="stretch")
st.caption(render.plain(result.caveat))

if st.button("Delete this scenario", key="w_wi_delete", icon=":material/delete:"):
    state.update(scenarios=tuple((s.name, s.changes) for s in saved if s.name != shown))
    st.rerun()

if len(saved) >= 2:
    st.subheader("Compare two scenarios")
    x, y = st.columns(2)
    first = x.selectbox("Scenario A", names, index=0, key="w_wi_a")
    second = y.selectbox("Scenario B", names, index=1, key="w_wi_b")
    comparison = compare_scenarios(scenario_result(now, area.code, saved[names.index(first)]),
                                   scenario_result(now, area.code, saved[names.index(second)]))
    st.markdown(render.plain(comparison.text))
    st.dataframe(pd.DataFrame([{
        "Mission": ds.missions[n].title,
        first: f"{render.rag_text(ma.rag)} · {format_number(ma.score, 1)}" if ma else "–",
        second: f"{render.rag_text(mb.rag)} · {format_number(mb.score, 1)}" if mb else "–",
    } for n, ma, mb in comparison.missions]).style.map(lambda v: render.rag_cell_style(str(v).split(" · ")[0])),
        hide_index=True, width="stretch")

st.subheader("What would it take?")
w1, w2 = st.columns([3, 2])
goal_metric = w1.selectbox("Metric", list(metrics), format_func=lambda i: metrics[i].meta.shown_label, key="w_wi_need")
places = w2.number_input("Move up this many places (0: turn its mission green)", 0, 100, 0, key="w_wi_places")
need = requirement(now, area.code, goal_metric, int(places))
st.markdown(f"**{render.plain(need.text)}**")

