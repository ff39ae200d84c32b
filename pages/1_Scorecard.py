"""Scorecard: every metric against its minimum and target, RAG per metric and mission, score and rank."""

import pandas as pd
import streamlit as st

from lupcore.format import format_number, format_value
from lupcore.model import CAPITALS, Rag
from lupcore.rag import MISSION_RAG_RULE
from lupcore.scorecard import summarise
from lupcore.settings import MINIMUM_PRESETS, NORMALISATIONS, TARGET_PRESETS, WEIGHT_PRESETS
from lupui import charts, data, render, state
from lupui.foresight import intervals
from lupui.frame import frame
from lupui.scoring import current, spine_spec, trend_series

ctx = frame("Scorecard")
ds, area, view = ctx.dataset, ctx.area, ctx.view
now = current(ctx)
st.title(f"Scorecard: {area.name}")
s = view.settings
st.caption(f"Minimum: {MINIMUM_PRESETS[s.minimum]} · Target: {TARGET_PRESETS[s.target]} · "
           f"Scores: {NORMALISATIONS[s.normalisation]} · Weights: {WEIGHT_PRESETS[s.weight_preset].split(':')[0]}"
           + (" · Red needs statistical evidence" if s.evidence_based else ""))
if now.problem:
    st.warning(now.problem, icon=":material/warning:")
if now.card is None:
    st.page_link("pages/2_Weights.py", label="Change the weights", icon=":material/tune:", query_params=state.link_params())
    st.stop()
card = now.card

top = st.columns([1, 1.5, 2])
top[0].metric("Levelling Up score (0–100)", format_number(card.overall, 1) if card.overall is not None else "–")
top[0].markdown(render.rag_badge_html(card.overall_rag), unsafe_allow_html=True)
interval = intervals(now).get(area.code) if card.rank else None
top[1].metric("Rank (5th–95th percentile range)", interval.text if interval else "–",
              help="The range comes from 1,000 runs with mission weights varied by ±25%, the normalisation method "
                   "varied and values drawn within their confidence intervals (methods §3.8).")
top[1].caption(card.rank_text)
summary = summarise(card)
top[2].markdown(f"**In short.** {summary.headline}")

st.subheader("Missions")
missions = pd.DataFrame({
    "Mission": [m.mission.title for m in card.missions],
    "Status": [render.rag_cell(m.rag) for m in card.missions],
    "Score": [format_number(m.score, 1) for m in card.missions],
    "Score if every metric at minimum": [format_number(m.score_at_minimum, 1) for m in card.missions],
    "Score if every metric at target": [format_number(m.score_at_target, 1) for m in card.missions],
    "Metrics with data": [m.coverage if m.applicable else "no local measure" for m in card.missions],
})
st.dataframe(missions, hide_index=True, width="stretch", height=38 + 35 * len(missions))
st.caption(f":material/rule: {MISSION_RAG_RULE}")

left, mid, right = st.columns(3)
with left:
    st.markdown("**Strengths**")
    for line in summary.strengths or ("No metric is at or better than its target.",):
        st.markdown(f"- {line}")
with mid:
    st.markdown("**Concerns**")
    for line in summary.concerns or ("No metric is below its minimum.",):
        st.markdown(f"- {line}")
with right:
    st.markdown("**Red-reds** (below minimum and getting worse)")
    for line in summary.red_reds or ("None.",):
        st.markdown(f"- {line}")

st.subheader("Every metric")
f1, f2, f3, f4 = st.columns(4)
mission_names = {m.mission.number: m.mission.title for m in card.missions}
pick_missions = f1.multiselect("Mission", list(mission_names), format_func=mission_names.get, key="w_sc_mission")
pick_capitals = f2.multiselect("Capital", list(CAPITALS), format_func=str.capitalize, key="w_sc_capital")
rag_order = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY]
pick_rag = f3.multiselect("Status", rag_order, format_func=render.rag_text, key="w_sc_rag")
pick_control = f4.multiselect("Local control", ["high", "medium", "low"], format_func=str.capitalize, key="w_sc_ctl")
show_context = st.toggle("Include context metrics (not scored)", value=False, key="w_sc_context")

rows = [m for m in card.metrics
        if (show_context or m.meta.scorable or m.meta.local)
        and (not pick_missions or m.meta.mission in pick_missions)
        and (not pick_capitals or m.meta.capital in pick_capitals)
        and (not pick_rag or m.rag in pick_rag)
        and (not pick_control or m.meta.local_control.value in pick_control)]
rows.sort(key=lambda m: (m.meta.mission or 99, m.meta.role.value != "headline"))


def clarity(m) -> str:
    if m.clear is None:
        return "no CI" if m.rag != Rag.GREY else ""
    return "clear" if m.clear else "not clear"


trends = trend_series(tuple((m.meta.id, area.utla_code if m.from_upper_tier else area.code)
                             for m in rows if not m.meta.local))


table = pd.DataFrame({
    "Mission": [mission_names.get(m.meta.mission, "Context") for m in rows],
    "Metric": [m.meta.label + (" (local)" if m.meta.local else "") for m in rows],
    "Value": [format_value(m.value, m.meta) for m in rows],
    "Period": [render.period_text(m.period) for m in rows],
    "Minimum": [f"{format_value(m.minimum, m.meta)} ({m.minimum_label})" if m.meta.polarity else "–" for m in rows],
    "Target": [f"{format_value(m.target, m.meta)} ({m.target_label})" if m.meta.polarity else "–" for m in rows],
    "Status": [render.rag_cell(m.rag) for m in rows],
    "Clarity": [clarity(m) for m in rows],
    "Trend": [list(trends.get(m.meta.id, ())) for m in rows],
    "Latest change": [m.direction or "–" for m in rows],
    "Weight": [m.weight for m in rows],
    "Local control": [m.meta.local_control.value for m in rows],
    "Note": [("County value" if m.from_upper_tier else "") + (" · " + m.meta.boundary_note if m.meta.boundary_note else "")
             for m in rows],
})
st.dataframe(
    table,
    hide_index=True, width="stretch", height=min(38 + 35 * len(table), 720),
    column_config={
        "Trend": st.column_config.LineChartColumn("Trend", width="small", help="Published values, oldest to newest"),
        "Weight": st.column_config.NumberColumn("Weight", format="%.2f", help="Weight within its mission (0 = not scored)"),
    },
)
st.caption("Status: ✔ Green = at or better than target; ◆ Amber = between minimum and target; ✖ Red = below minimum; "
           "– Not rated = no value or no judgement. Clarity: whether the 95% confidence interval lies wholly on one side "
           "of the threshold that decided the status (only where the source publishes intervals).")

if rows:
    st.subheader("Where the area sits among comparable areas")
    spec = spine_spec(now.panel.tier, now.local_key, data.settings_key(s), now.engine.peer_codes, area.code,
                      tuple(m.meta.id for m in rows), now.engine)
    if spec:
        st.vega_lite_chart(spec, width="stretch")
        st.caption(charts.SPINE_LEGEND)
else:
    st.info("No metric matches the filters.")
