"""Scorecard: every metric against its minimum and target, RAG per metric and mission, score and rank."""

import streamlit as st

from lupcore import (
    CAPITAL_NOTE,
    CAPITALS,
    GLOSSARY,
    MISSION_RAG_RULE,
    Engine,
    Rag,
    Scorecard,
    settings_caption,
    weights_in_force,
)
from lupui import chart_text, headline, layout, present, render, state, tables, vega
from lupui.frame import frame
from lupui.view import current, spine_spec, spine_words

ctx = frame("Scorecard")
ds, area, view = ctx.dataset, ctx.area, ctx.view
now = current(ctx)
st.title(f"Scorecard: {area.name}")
s = view.settings
st.caption(f"{settings_caption(s)} · Weights: {weights_in_force(s, ds.missions)}")
if now.problem:
    st.warning(render.plain(now.problem), icon=":material/warning:")
if now.card is None:
    st.page_link("pages/2_Weights.py", label="Change the weights", icon=":material/tune:", query_params=state.link_params())
    st.stop()
card = now.card

summary = headline.score_rank_summary(now, area.code, presenter=view.presenter)

st.subheader("Missions", help=f"Minimum: {GLOSSARY['minimum']}\n\nTarget: {GLOSSARY['target']}")
key = (*now.view_key(), area.code)
missions = tables.missions_table(key, card)
present.table(missions, columns=("Mission", "Status", "Score"), hide_index=True, width="stretch",
              height=38 + 35 * missions.num_rows,
              column_order=layout.columns_for(missions.column_names, ("Mission", "Status", "Score")),
              column_config={**tables.MISSION_COLUMNS, **layout.phone_widths({"Mission": 200, "Status": 100, "Score": 50})})
st.caption(f":material/rule: {MISSION_RAG_RULE}")
capitals, _ = st.columns([1.2, 1])
with capitals:
    st.markdown("**Capitals**", help=GLOSSARY["capitals"])
    st.markdown(tables.capitals_markdown(key, card))
    st.caption(CAPITAL_NOTE)

left, mid, right = st.columns(3)
with left:
    render.bullets(summary.strengths, "**Strengths**", empty="No metric is at or better than its target.")
with mid:
    render.bullets(summary.concerns, "**Concerns**", empty="No metric is below its minimum.")
with right:
    st.markdown("**Red-reds** (worse than the minimum and getting worse)", help=GLOSSARY["red_reds"])
    render.bullets(summary.red_reds, empty="None.")


NO_FILTERS = ((), (), (), (), False)


def _filters(card: Scorecard) -> tuple:
    """The four filters and the context toggle; their values live in the widgets, not in the shareable link."""
    f1, f2, f3, f4 = st.columns(4)
    mission_names = {m.mission.number: m.mission.title for m in card.missions}
    pick_missions = f1.multiselect("Mission", list(mission_names), format_func=mission_names.get, key="w_sc_mission")
    measured = {m.meta.capital for m in card.metrics}
    pick_capitals = f2.multiselect("Capital", [c for c in CAPITALS if c in measured], format_func=str.capitalize,
                                   key="w_sc_capital")
    rag_order = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREY]
    pick_rag = f3.multiselect("Status", rag_order, format_func=render.rag_text, key="w_sc_rag")
    pick_control = f4.multiselect("Local control", ["high", "medium", "low"], format_func=str.capitalize, key="w_sc_ctl")
    show_context = st.toggle("Include context metrics (not scored)", value=False, key="w_sc_context")
    return (tuple(pick_missions), tuple(pick_capitals), tuple(r.value for r in pick_rag), tuple(pick_control),
            show_context)


@st.fragment
def every_metric(key: tuple, card: Scorecard, engine: Engine, presenter: bool) -> None:
    """The filterable metric table and spine chart: a filter change reruns only this part of the page."""
    st.subheader("Every metric")
    filters = _filters(card) if present.controls() else NO_FILTERS  # a projector shows no controls, as promised
    table, ids = tables.metrics_table(key, filters, card)
    present.table(
        table, columns=("Metric", "Value", "Status", "Minimum", "Target"),
        hide_index=True, width="stretch", height=min(38 + 35 * table.num_rows, 720),
        column_order=layout.columns_for(table.column_names, ("Metric", "Value", "Status")),
        column_config={
            "Trend": st.column_config.LineChartColumn("Trend", width="small", help="Published values, oldest to newest"),
            "Weight": st.column_config.NumberColumn("Weight", format="%.2f", help="Weight within its mission (0 = not scored)"),
            "Minimum": st.column_config.TextColumn("Minimum", help=GLOSSARY["minimum"]),
            "Target": st.column_config.TextColumn("Target", help=GLOSSARY["target"]),
            "Clarity": st.column_config.TextColumn("Clarity", help=GLOSSARY["clarity"]),
            **layout.phone_widths({"Metric": 170, "Value": 85, "Status": 100}),
        },
    )
    st.caption("Status: ✔ Green = at or better than target; ◆ Amber = between minimum and target; ✖ Red = worse than the minimum; "
               "– Not rated = no value or no judgement. " + GLOSSARY["clarity"])

    if ids:
        st.subheader("Where the area sits among comparable areas")
        shown = tables.headline_ids(card, ids) if presenter else ids  # 17 large labels, not 44 small ones
        spine = spine_spec(*key, shown, engine)
        if spine:
            sentence, rows = spine_words(*key, ids, engine, card.area.name)
            present.chart(spine, width="stretch", alt=chart_text.spine_alt(card.area.name, len(shown)))
            st.caption(vega.SPINE_LEGEND + (" Headline metrics only; the table above lists every metric." if presenter else ""))
            chart_text.describe(sentence, rows)
    else:
        st.info("No metric matches the filters.")


every_metric(key, card, now.engine, view.presenter)
