"""Progress and 2030: change since a baseline, gaps closing or widening, and each metric projected to 2030."""

from dataclasses import asdict

import altair as alt
import pandas as pd
import streamlit as st

from lupcore import display_label, format_value, load_history, parse_period
from lupui import chart_text, present, render, state
from lupui.forecasts import progress, projection
from lupui.frame import frame
from lupui.view import current

ctx = frame("Progress and 2030")
ds, area, view = ctx.dataset, ctx.area, ctx.view
now = current(ctx)
st.title(f"Progress and 2030: {area.name}")
if now.engine is None:
    st.warning(render.plain(now.problem or "No scores with these weights."))
    st.stop()
extra = now.local.observations
prog = progress(now, area.code, view.baseline, extra)

st.caption("Each metric is compared with its baseline: by default the latest period ending in 2019 (before the "
           "pandemic and the White Paper), else the earliest period published on current boundaries. Change is "
           "judged with polarity and tested where the source gives confidence intervals; series breaks and gaps "
           "are named, never bridged.")
if prog.red_reds:
    st.error("**Red now and worse since the baseline**: " + render.plain("; ".join(prog.red_reds) + "."),
             icon=":material/priority_high:")

st.subheader("Missions since the baseline")
render.bullets(m.text for m in prog.missions)

st.subheader("Every metric")
rows = [m for m in prog.metrics if m.meta.scorable or m.meta.local]
table = pd.DataFrame({
    "Mission": [str(m.meta.mission) if m.meta.mission else "–" for m in rows],  # one type: text
    "Metric": [m.meta.shown_label for m in rows],
    "Baseline": [f"{format_value(m.baseline.value, m.meta)} ({m.baseline.label})" if m.baseline.value is not None
                 else m.baseline.label for m in rows],
    "Latest": [f"{format_value(m.latest_value, m.meta)} ({display_label(m.latest_period)})" if m.latest_period
               else "no data" for m in rows],
    "Change since baseline": [m.text for m in rows],
    "Direction": [m.direction for m in rows],
    "Gap to national": [m.national_gap.status if m.national_gap else "–" for m in rows],
    "Gap to target": [m.target_gap.status if m.target_gap else "–" for m in rows],
    "Recent trend": [m.trend for m in rows],
    "Status now": [render.rag_cell(m.rag) for m in rows],
    "Worse since baseline": ["yes" if m.red_red else "" for m in rows],
    "Notes": [" ".join(m.notes) for m in rows],
})
render.status_table(table, presenter=view.presenter, hide_index=True, width="stretch",
                    presenter_columns=("Metric", "Change since baseline", "Status now"),
                    height=min(38 + 35 * len(table), 640))
st.caption("Gap to national or target: 'closing' or 'widening' since the baseline. Recent trend: the Fingertips "
           "marker on the last five points (significant at 99.8% and stable when any one point is dropped).")

st.subheader("One metric in detail: baseline and projection to 2030")
choices = {m.meta.id: m.meta.label for m in rows}
shown_before = state.widget("w_prog_metric") or present.remembered("prog_metric")  # also after presenting
state.widget_value("w_prog_metric", shown_before if shown_before in choices else next(iter(choices)))
chosen = present.pick("prog_metric", lambda: st.selectbox("Metric", list(choices), format_func=choices.get, key="w_prog_metric"),
                      next(iter(choices)))
chosen = chosen if chosen in choices else next(iter(choices))
metric = prog.metric(chosen)
meta = metric.meta
history = load_history(ds, meta, area.code, extra)
periods = list(history.points["period"]) if not history.empty else []


def set_baseline() -> None:
    pick = state.widget("w_prog_baseline")
    others = tuple(b for b in state.get().baseline if b[0] != chosen)
    state.update(baseline=others if pick == "default" else tuple(sorted((*others, (chosen, pick)))))


left, right = st.columns([1, 2])
with left:
    options = ["default", *periods]
    current_base = dict(view.baseline).get(chosen, "default")
    state.widget_value("w_prog_baseline", current_base if current_base in options else "default")
    if present.controls():
        st.selectbox("Baseline period", options, key="w_prog_baseline", on_change=set_baseline,
                     format_func=lambda p: "Default (latest period ending in 2019)" if p == "default" else display_label(p))
    st.markdown(f"**{render.plain(metric.text)}**")
    if metric.baseline.note:
        st.caption(render.plain(metric.baseline.note))
    render.bullets(gap.text for gap in (metric.national_gap, metric.target_gap) if gap is not None)
    relaxed = present.pick("prog_relaxed", lambda: st.toggle("Relaxed mode", key="w_prog_relaxed",
                           help="Project from as few as 3 points spanning 2 years: indicative only."), False)
proj = projection(now, area.code, chosen, relaxed, dict(view.baseline).get(chosen), extra)
with right:
    if history.empty:
        st.info(render.plain(f"No published history for {meta.label} here."))
    else:
        points = history.points.assign(when=[parse_period(p).midpoint for p in history.points["period"]],
                                       label=[display_label(p) for p in history.points["period"]])
        base = alt.Chart(points).encode(x=alt.X("when:Q", title=None, axis=alt.Axis(format="d")))
        layers = [base.mark_line(color="#0072B2").encode(y=alt.Y("value:Q", title=meta.unit, scale=alt.Scale(zero=False))),
                  base.mark_point(filled=True, color="#0072B2", size=60).encode(
                      y="value:Q", tooltip=[alt.Tooltip("label:N", title="Period"), alt.Tooltip("value:Q", format=",.2f")])]
        if proj.fan:
            fan = pd.DataFrame([asdict(f) for f in proj.fan])
            fb = alt.Chart(fan).encode(x="t:Q")
            layers = [fb.mark_area(opacity=0.18, color="#E69F00").encode(y="lo95:Q", y2="hi95:Q"),
                      fb.mark_area(opacity=0.3, color="#E69F00").encode(y="lo80:Q", y2="hi80:Q"),
                      fb.mark_line(strokeDash=[5, 4], color="#D55E00").encode(y="point:Q"), *layers]
        for outlook in proj.targets:
            rule = pd.DataFrame({"value": [outlook.value], "label": [outlook.label]})
            layers.append(alt.Chart(rule).mark_rule(color="#009E73", strokeDash=[2, 2]).encode(
                y="value:Q", tooltip=["label:N", alt.Tooltip("value:Q", format=",.2f")]))
        present.chart(alt.layer(*layers).properties(height=340), width="stretch", alt=chart_text.trend_alt(meta, area.name))
        st.caption("Blue: published values. Orange: fitted trend (dashed) with 80% and 95% prediction ranges to "
                   f"{proj.horizon_label or 2030}. Green dashed line: target.")
        chart_text.trend(meta, area.name, points, proj)
    render.bullets((outlook.text for outlook in proj.targets), f"**Projection.** {render.plain(proj.text)}")
    for note in (*proj.notes, *history.notes):
        st.caption(render.plain(note))
