"""Weights and methods: decide what matters locally, how benchmarks are set and how scores are built."""

import time
from dataclasses import replace

import pandas as pd
import streamlit as st

from lupcore.format import format_number, format_value
from lupcore.model import LOCAL_CONTROL_WEIGHT, Role
from lupcore.settings import (
    AGGREGATIONS,
    MAX_KILLER_METRICS,
    MINIMUM_PRESETS,
    NORMALISATIONS,
    TARGET_PRESETS,
    WEIGHT_PRESETS,
    Settings,
)
from lupui import layout, render, state
from lupui.frame import frame
from lupui.scoring import current

ctx = frame("Weights and methods")
area, view = ctx.area, ctx.view
settings = view.settings
st.title("Weights and methods")
st.caption(f"For {area.name}. Every change re-scores all comparable areas at once and is kept in the page link, "
           "so you can share exactly this view.")

started = time.perf_counter()
now = current(ctx)
elapsed_ms = (time.perf_counter() - started) * 1000
panel = now.panel
cover = panel.covers()[panel.position(area.code)]
metas = [m for j, m in enumerate(panel.indicators) if cover[j] and m.scorable]
EDITOR_KEYS = ("w_weights_editor", "w_bench_editor")
# Fixed column widths (px) so every column of the weights editor fits beside the preview without scrolling.
WEIGHT_COLUMNS = {"Mission": 60, "Metric": 200, "Role": 80, "Local control": 70, "Include": 70, "Weight": 70}
# Fixed widths put the editable columns on screen first (the browser test clicks cells by position).
BENCH_COLUMNS = {"Metric": 170, "Minimum preset": 110, "Custom minimum": 80, "Minimum now": 190, "Target preset": 110,
                 "Custom target": 80, "Target now": 190}
ss = st.session_state
ss["w_metric_ids"] = [m.id for m in metas]


def apply(changes: dict, *, reset_editors: bool = False) -> None:
    """Callback body: change the current settings (read fresh, never from this run's copy)."""
    if reset_editors:
        for key in EDITOR_KEYS:
            ss.pop(key, None)
    state.set_settings(replace(state.get().settings, **changes))


def on_preset() -> None:
    apply({"weight_preset": ss["w_preset"], "indicator_weights": ()}, reset_editors=True)


def on_killer() -> None:
    apply({"killer": tuple(ss["w_killer"])}, reset_editors=True)


def on_mission(n: int) -> None:
    weights = dict(state.get().settings.mission_weights)
    value = float(ss[f"w_mw_{n}"])
    if value == 1.0:
        weights.pop(n, None)
    else:
        weights[n] = value
    apply({"mission_weights": tuple(sorted(weights.items()))})


def on_weights_editor() -> None:
    current_settings = state.get().settings
    excluded, weights = set(current_settings.excluded), dict(current_settings.indicator_weights)
    for index, change in ss["w_weights_editor"].get("edited_rows", {}).items():
        iid = ss["w_metric_ids"][int(index)]
        if "Include" in change:
            (excluded.discard if change["Include"] else excluded.add)(iid)
        if change.get("Weight") is not None:
            weights[iid] = float(change["Weight"])
    apply({"excluded": frozenset(excluded), "indicator_weights": tuple(sorted(weights.items()))})


def on_bench_editor() -> None:
    current_settings = state.get().settings
    mins, tgts = dict(current_settings.minimum_overrides), dict(current_settings.target_overrides)
    cmin, ctgt = dict(current_settings.custom_minimum), dict(current_settings.custom_target)
    for index, change in ss["w_bench_editor"].get("edited_rows", {}).items():
        iid = ss["w_metric_ids"][int(index)]
        for column, store, default in (("Minimum preset", mins, current_settings.minimum),
                                       ("Target preset", tgts, current_settings.target)):
            if change.get(column):
                store.pop(iid, None) if change[column] == default else store.__setitem__(iid, change[column])
        for column, store in (("Custom minimum", cmin), ("Custom target", ctgt)):
            if column in change:
                store.pop(iid, None) if change[column] is None else store.__setitem__(iid, float(change[column]))
    apply({"minimum_overrides": tuple(sorted(mins.items())), "target_overrides": tuple(sorted(tgts.items())),
           "custom_minimum": tuple(sorted(cmin.items())), "custom_target": tuple(sorted(ctgt.items()))})


def benchmark_columns(side: str, presets: dict[str, str]) -> dict[str, object]:
    """The preset, custom value and resulting value columns of one side ("Minimum" or "Target") of the editor."""
    preset, custom, result = f"{side} preset", f"Custom {side.lower()}", f"{side} now"
    return {
        preset: st.column_config.SelectboxColumn(options=list(presets), required=True, format_func=presets.get,
                                                 width=BENCH_COLUMNS[preset]),
        custom: st.column_config.NumberColumn(help="Used when the preset is 'Custom value'", width=BENCH_COLUMNS[custom]),
        result: st.column_config.TextColumn(width=BENCH_COLUMNS[result]),
    }


def on_reset() -> None:
    for key in EDITOR_KEYS:
        ss.pop(key, None)
    state.set_settings(Settings())


preview, controls = st.columns([1.2, 2], gap="large")
with preview:
    with st.container(border=True):
        st.markdown("**Result with these choices**")
        if now.card is None and settings.weight_preset == "killer" and not settings.killer:
            st.info(f"Pick up to {MAX_KILLER_METRICS} killer metrics on the right; until then nothing is scored.",
                    icon=":material/arrow_forward:")
        elif now.card is None:
            st.error(now.problem or "No score can be calculated.", icon=":material/error:")
        else:
            card = now.card
            st.metric("Levelling Up score", format_number(card.overall, 1) if card.overall is not None else "–")
            st.markdown(render.rag_badge_html(card.overall_rag, card.rank_text), unsafe_allow_html=True)
            scores = pd.DataFrame({"Mission": [m.mission.title for m in card.missions if m.applicable],
                                   "Status": [render.rag_text(m.rag) for m in card.missions if m.applicable],
                                   "Score": [format_number(m.score, 1) for m in card.missions if m.applicable]})
            st.dataframe(scores.style.map(render.rag_cell_style, subset=["Status"]), hide_index=True, width="stretch")
            st.caption(f"Scored in {elapsed_ms:.0f} ms (cached results are instant).")
        st.button("Reset every choice to the defaults", icon=":material/restart_alt:", key="w_reset", on_click=on_reset)

with controls:
    st.subheader("Weights")
    state.widget_value("w_preset", settings.weight_preset)
    st.radio("Starting point", list(WEIGHT_PRESETS), format_func=WEIGHT_PRESETS.get, key="w_preset", on_change=on_preset)
    if settings.weight_preset == "killer":
        labels = {m.id: m.label for m in metas if m.role == Role.HEADLINE}
        state.widget_value("w_killer", [k for k in settings.killer if k in labels])
        st.multiselect(f"Killer metrics (up to {MAX_KILLER_METRICS}): the few measures that best show this place's "
                       "challenges; every other metric gets weight 0", list(labels), format_func=labels.get,
                       max_selections=MAX_KILLER_METRICS, key="w_killer", on_change=on_killer)
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
                       on_change=on_mission, args=(n,))

    st.markdown("**Metric weights** within each mission (untick to leave a metric out)")
    weights_now = now.engine.scores.weights if now.engine else None
    overrides = dict(settings.indicator_weights)
    table = pd.DataFrame({
        "Mission": [m.mission for m in metas],
        "Metric": [m.shown_label for m in metas],
        "Role": [m.role.value for m in metas],
        "Local control": [m.local_control.value for m in metas],
        "Include": [m.id not in settings.excluded for m in metas],
        "Weight": [float(weights_now[panel.column(m.id)]) if weights_now is not None and m.id not in settings.excluded
                   else float(overrides.get(m.id, 1.0)) for m in metas],
    })
    st.data_editor(
        table, key="w_weights_editor", hide_index=True, width="stretch", height=min(38 + 35 * len(table), 560),
        column_order=layout.columns_for(list(table.columns), ("Mission", "Metric", "Include", "Weight")),
        disabled=["Mission", "Metric", "Role", "Local control"], on_change=on_weights_editor,
        column_config={"Mission": st.column_config.NumberColumn(width=WEIGHT_COLUMNS["Mission"]),
                       "Metric": st.column_config.TextColumn(width=WEIGHT_COLUMNS["Metric"]),
                       "Role": st.column_config.TextColumn(width=WEIGHT_COLUMNS["Role"]),
                       "Local control": st.column_config.TextColumn("Control", width=WEIGHT_COLUMNS["Local control"]),
                       "Weight": st.column_config.NumberColumn(min_value=0.0, max_value=10.0, step=0.25, format="%.2f",
                                                               width=WEIGHT_COLUMNS["Weight"]),
                       "Include": st.column_config.CheckboxColumn(help="Leave the metric out of every score",
                                                                  width=WEIGHT_COLUMNS["Include"])},
    )

    st.subheader("Benchmarks")
    b1, b2 = st.columns(2)
    state.widget_value("w_min", settings.minimum)
    state.widget_value("w_tgt", settings.target)
    b1.selectbox("Minimum (below it, a Levelling Up focus is needed)", list(MINIMUM_PRESETS),
                 format_func=MINIMUM_PRESETS.get, key="w_min", on_change=lambda: apply({"minimum": ss["w_min"]}))
    b2.selectbox("Target / best performer", list(TARGET_PRESETS), format_func=TARGET_PRESETS.get, key="w_tgt",
                 on_change=lambda: apply({"target": ss["w_tgt"]}))
    st.caption("National value: England, Great Britain or UK as the metric covers (the median where none is published). "
               "Quartiles, top 10% and best are taken over comparable areas (same tier, the nations the metric covers, "
               "latest period, City of London and Isles of Scilly left out); for lower-is-better metrics the 'upper' "
               "end is the low end. Peer presets use the peer group chosen on the Peers page. Override any metric below.")
    bench = now.engine.benchmarks if now.engine else None
    rows = pd.DataFrame({
        "Metric": [m.label for m in metas],
        "Minimum preset": [settings.minimum_for(m.id) for m in metas],
        "Custom minimum": pd.Series([dict(settings.custom_minimum).get(m.id) for m in metas], dtype="float64"),
        "Minimum now": [f"{format_value(bench.minimum[panel.column(m.id)], m)} ({bench.minimum_label[panel.column(m.id)]})"
                        if bench else "–" for m in metas],
        "Target preset": [settings.target_for(m.id) for m in metas],
        "Custom target": pd.Series([dict(settings.custom_target).get(m.id) for m in metas], dtype="float64"),
        "Target now": [f"{format_value(bench.target[panel.column(m.id)], m)} ({bench.target_label[panel.column(m.id)]})"
                       if bench else "–" for m in metas],
    })
    st.data_editor(
        rows, key="w_bench_editor", hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 560),
        disabled=["Metric", "Minimum now", "Target now"], on_change=on_bench_editor,
        column_config={"Metric": st.column_config.TextColumn(width=BENCH_COLUMNS["Metric"]),
                       **benchmark_columns("Minimum", MINIMUM_PRESETS), **benchmark_columns("Target", TARGET_PRESETS)},
    )

    st.subheader("Scoring method")
    m1, m2 = st.columns(2)
    state.widget_value("w_norm", settings.normalisation)
    state.widget_value("w_agg", settings.aggregation)
    state.widget_value("w_evidence", settings.evidence_based)
    m1.radio("Normalisation", list(NORMALISATIONS), format_func=NORMALISATIONS.get, key="w_norm",
             on_change=lambda: apply({"normalisation": ss["w_norm"]}))
    m2.radio("Aggregation", list(AGGREGATIONS), format_func=AGGREGATIONS.get, key="w_agg",
             help="The geometric mean rewards balanced profiles: a weak metric is harder to offset.",
             on_change=lambda: apply({"aggregation": ss["w_agg"]}))
    st.toggle("Evidence-based red: a metric is red only when it is clearly worse than the minimum (its 95% confidence "
              "interval, or by more than the typical spread between areas where there is no interval)",
              key="w_evidence", on_change=lambda: apply({"evidence_based": bool(ss["w_evidence"])}))
