"""Weights and methods: decide what matters locally, how benchmarks are set and how scores are built."""

import time

import streamlit as st

from lupcore import (
    AGGREGATIONS,
    LOCAL_CONTROL_WEIGHT,
    MAX_KILLER_METRICS,
    MINIMUM_PRESETS,
    NORMALISATIONS,
    TARGET_PRESETS,
    WEIGHT_PRESETS,
    Role,
)
from lupui import present, state, weights
from lupui.frame import frame
from lupui.view import current

ctx = frame("Weights and methods")
area, view = ctx.area, ctx.view
settings = view.settings
st.title("Weights and methods")
st.caption(f"For {area.name}. Every change re-scores all comparable areas at once and is kept in the page link, "
           "so you can share exactly this view.")

started = time.perf_counter()
now = current(ctx)
elapsed_ms = (time.perf_counter() - started) * 1000
cover = now.panel.covers()[now.panel.position(area.code)]
metas = [m for j, m in enumerate(now.panel.indicators) if cover[j] and m.scorable]

preview, controls = st.columns([1.2, 2], gap="large")
with preview:
    weights.preview(now, settings, elapsed_ms)

with controls:
    if not present.controls():  # a projector shows the choices in force, not the editors
        weights.in_force(now, settings, metas, ctx.dataset.missions)
        st.stop()
    st.subheader("Weights")
    state.widget_value("w_preset", settings.weight_preset)
    st.radio("Starting point", list(WEIGHT_PRESETS), format_func=WEIGHT_PRESETS.get, key="w_preset",
             on_change=weights.on_preset)
    if settings.weight_preset == "killer":
        labels = {m.id: m.label for m in metas if m.role == Role.HEADLINE}
        state.widget_value("w_killer", [k for k in settings.killer if k in labels])
        st.multiselect(f"Killer metrics (up to {MAX_KILLER_METRICS}): the few measures that best show this place's "
                       "challenges; every other metric gets weight 0", list(labels), format_func=labels.get,
                       max_selections=MAX_KILLER_METRICS, key="w_killer", on_change=weights.on_killer)
    if settings.weight_preset == "local_control":
        st.caption("Weights by how much the council controls a metric: "
                   + ", ".join(f"{k.value} {v:g}" for k, v in LOCAL_CONTROL_WEIGHT.items()) + ".")

    st.markdown("**Mission weights** (how much each mission counts in the overall score)")
    current_mw = dict(settings.mission_weights)
    measured = sorted({m.mission for m in metas})
    for start in range(0, len(measured), 3):  # row by row: on a phone the columns stack, still in mission order
        for col, n in zip(st.columns(3), measured[start:start + 3], strict=False):
            state.widget_value(f"w_mw_{n}", float(current_mw.get(n, 1.0)))
            col.slider(ctx.dataset.missions[n].title, 0.0, 3.0, step=0.25, key=f"w_mw_{n}",
                       on_change=weights.on_mission, args=(n,))

    st.markdown("**Metric weights** within each mission (untick to leave a metric out)")
    weights.weights_editor(now, settings, metas)

    st.subheader("Benchmarks")
    b1, b2 = st.columns(2)
    state.widget_value("w_min", settings.minimum)
    state.widget_value("w_tgt", settings.target)
    b1.selectbox("Minimum (below it, a Levelling Up focus is needed)", list(MINIMUM_PRESETS),
                 format_func=MINIMUM_PRESETS.get, key="w_min", on_change=weights.on_choice, args=("minimum", "w_min"))
    b2.selectbox("Target / best performer", list(TARGET_PRESETS), format_func=TARGET_PRESETS.get, key="w_tgt",
                 on_change=weights.on_choice, args=("target", "w_tgt"))
    st.caption("National value: England, Great Britain or UK as the metric covers (the median where none is published). "
               "Quartiles, top 10% and best are taken over comparable areas (same tier, the nations the metric covers, "
               "latest period, City of London and Isles of Scilly left out); for lower-is-better metrics the 'upper' "
               "end is the low end. Peer presets use the peer group chosen on the Peers page. Override any metric below.")
    weights.benchmark_editor(now, settings, metas)

    st.subheader("Scoring method")
    m1, m2 = st.columns(2)
    state.widget_value("w_norm", settings.normalisation)
    state.widget_value("w_agg", settings.aggregation)
    state.widget_value("w_evidence", settings.evidence_based)
    m1.radio("Normalisation", list(NORMALISATIONS), format_func=NORMALISATIONS.get, key="w_norm",
             on_change=weights.on_choice, args=("normalisation", "w_norm"))
    m2.radio("Aggregation", list(AGGREGATIONS), format_func=AGGREGATIONS.get, key="w_agg",
             help="The geometric mean rewards balanced profiles: a weak metric is harder to offset.",
             on_change=weights.on_choice, args=("aggregation", "w_agg"))
    st.toggle("Evidence-based red: a metric is red only when it is clearly worse than the minimum (its 95% confidence "
              "interval, or by more than the typical spread between areas where there is no interval)",
              key="w_evidence", on_change=weights.on_choice, args=("evidence_based", "w_evidence"))
