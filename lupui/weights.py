"""The Weights page's controls: each widget's callback is one ``Settings.with_…`` call stored through ``state``.

Callbacks read the settings fresh from ``state`` (never from the run that drew the widget) and the
editors' row indices map back to metric ids kept beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from lupcore import (
    AGGREGATIONS,
    MAX_KILLER_METRICS,
    MINIMUM_PRESETS,
    TARGET_PRESETS,
    Assembly,
    IndicatorMeta,
    Settings,
    format_number,
    format_value,
    settings_caption,
    weights_in_force,
)
from lupui import layout, present, render, state

EDITOR_KEYS = ("w_weights_editor", "w_bench_editor")
_IDS = "w_metric_ids"
# Fixed column widths (px) so every column of the weights editor fits beside the preview without scrolling.
WEIGHT_COLUMNS = {"Mission": 60, "Metric": 200, "Role": 80, "Local control": 70, "Include": 70, "Weight": 70}
# Fixed widths put the editable columns on screen first (the browser test clicks cells by position).
BENCH_COLUMNS = {"Metric": 170, "Minimum preset": 110, "Custom minimum": 80, "Minimum now": 190, "Target preset": 110,
                 "Custom target": 80, "Target now": 190}


def change(settings: Settings, *, reset_editors: bool = False) -> None:
    """Store new settings; a new preset or killer set redraws the editors from scratch."""
    if reset_editors:
        for key in EDITOR_KEYS:
            state.forget_widget(key)
    state.set_settings(settings)


def now() -> Settings:
    return state.get().settings


def on_preset() -> None:
    change(now().with_preset(state.widget("w_preset")), reset_editors=True)


def on_killer() -> None:
    change(now().with_killer(tuple(state.widget("w_killer"))), reset_editors=True)


def on_mission(n: int) -> None:
    change(now().with_mission_weight(n, float(state.widget(f"w_mw_{n}"))))


def on_choice(field: str, widget: str) -> None:
    change(now().with_choice(field, state.widget(widget)))


def _edited_rows(key: str) -> dict[str, dict]:
    """The editor's changed rows by metric id."""
    ids = state.widget(_IDS) or []
    return {ids[int(i)]: row for i, row in (state.widget(key) or {}).get("edited_rows", {}).items()}


def on_weights_editor() -> None:
    rows = _edited_rows("w_weights_editor")
    change(now().with_metric_choices({i: bool(r["Include"]) for i, r in rows.items() if "Include" in r},
                                     {i: float(r["Weight"]) for i, r in rows.items() if r.get("Weight") is not None}))


def on_bench_editor() -> None:
    rows = _edited_rows("w_bench_editor")
    change(now().with_benchmarks({i: (r.get("Minimum preset"), r.get("Target preset")) for i, r in rows.items()},
                                 {i: (r.get("Custom minimum", ...), r.get("Custom target", ...)) for i, r in rows.items()}))


def on_reset() -> None:
    change(Settings(), reset_editors=True)


def preview(now_: Assembly, settings: Settings, elapsed_ms: float) -> None:
    """The score and mission statuses under the current choices, or why there are none."""
    with st.container(border=True):
        st.markdown("**Result with these choices**")
        if now_.card is None and settings.weight_preset == "killer" and not settings.killer:
            st.info(f"Pick up to {MAX_KILLER_METRICS} killer metrics on the right; until then nothing is scored.",
                    icon=":material/arrow_forward:")
        elif now_.card is None:
            st.error(render.plain(now_.problem or "No score can be calculated."), icon=":material/error:")
        else:
            card = now_.card
            st.metric("Levelling Up score", format_number(card.overall, 1) if card.overall is not None else "–")
            st.markdown(render.rag_badge_html(card.overall_rag, card.rank_text), unsafe_allow_html=True)
            shown = [m for m in card.missions if m.applicable]
            # Short names, so the three columns fit the preview's width at 1280 px with the sidebar open.
            scores = pd.DataFrame({"Mission": [f"{m.mission.number}. {m.mission.short_name}" for m in shown],
                                   "Status": [render.rag_text(m.rag) for m in shown],
                                   "Score": [format_number(m.score, 1) for m in shown]})
            present.table(scores, hide_index=True, width="stretch")
            st.caption(f"Scored in {elapsed_ms:.0f} ms (cached results are instant).")
        if present.controls():
            st.button("Reset every choice to the defaults", icon=":material/restart_alt:", key="w_reset", on_click=on_reset)


def in_force(now_: Assembly, settings: Settings, metas: list[IndicatorMeta], missions: Mapping[int, Any]) -> None:
    """The weights, benchmarks and method in force as readable tables: presenter mode's view, with no editors."""
    st.subheader("Weights in force")
    st.markdown(render.plain(f"{weights_in_force(settings, missions)}. {settings_caption(settings)}. "
                             f"Combined by {AGGREGATIONS[settings.aggregation].lower()}."))
    chosen = dict(settings.mission_weights)
    measured = sorted({m.mission for m in metas if m.mission})
    present.table(pd.DataFrame({"Mission": [missions[n].title for n in measured],
                                "Weight": [format_number(chosen.get(n, 1.0), 2) for n in measured]}), hide_index=True)
    weights_now = now_.engine.scores.weights if now_.engine else None
    st.markdown("**Metric weights** within each mission")
    present.table(pd.DataFrame({
        "Mission": [missions[m.mission].short_name if m.mission in missions else "–" for m in metas],
        "Metric": [m.shown_label for m in metas],
        "Weight": ["left out" if m.id in settings.excluded or weights_now is None
                   else format_number(float(weights_now[now_.panel.column(m.id)]), 2) for m in metas],
        "Minimum": [MINIMUM_PRESETS.get(settings.minimum_for(m.id), "custom") for m in metas],
        "Target": [TARGET_PRESETS.get(settings.target_for(m.id), "custom") for m in metas],
    }), hide_index=True)


def weights_editor(now_: Assembly, settings: Settings, metas: list[IndicatorMeta]) -> None:
    """Include or leave out each metric and set its weight within its mission."""
    state.widget_value(_IDS, [m.id for m in metas])
    weights_now = now_.engine.scores.weights if now_.engine else None
    overrides = dict(settings.indicator_weights)
    table = pd.DataFrame({
        "Mission": [m.mission for m in metas],
        "Metric": [m.shown_label for m in metas],
        "Role": [m.role.value for m in metas],
        "Local control": [m.local_control.value for m in metas],
        "Include": [m.id not in settings.excluded for m in metas],
        "Weight": [float(weights_now[now_.panel.column(m.id)]) if weights_now is not None and m.id not in settings.excluded
                   else float(overrides.get(m.id, 1.0)) for m in metas],
    })
    column = st.column_config
    st.data_editor(
        table, key="w_weights_editor", hide_index=True, width="stretch", height=min(38 + 35 * len(table), 560),
        column_order=layout.columns_for(list(table.columns), ("Mission", "Metric", "Include", "Weight")),
        disabled=["Mission", "Metric", "Role", "Local control"], on_change=on_weights_editor,
        column_config={"Mission": column.NumberColumn(width=WEIGHT_COLUMNS["Mission"]),
                       "Metric": column.TextColumn(width=WEIGHT_COLUMNS["Metric"]),
                       "Role": column.TextColumn(width=WEIGHT_COLUMNS["Role"]),
                       "Local control": column.TextColumn("Control", width=WEIGHT_COLUMNS["Local control"]),
                       "Weight": column.NumberColumn(min_value=0.0, max_value=10.0, step=0.25, format="%.2f",
                                                     width=WEIGHT_COLUMNS["Weight"]),
                       "Include": column.CheckboxColumn(help="Leave the metric out of every score",
                                                        width=WEIGHT_COLUMNS["Include"])},
    )


def _benchmark_columns(side: str, presets: dict[str, str]) -> dict[str, object]:
    """The preset, custom value and resulting value columns of one side ("Minimum" or "Target") of the editor."""
    preset, custom, result = f"{side} preset", f"Custom {side.lower()}", f"{side} now"
    return {
        preset: st.column_config.SelectboxColumn(options=list(presets), required=True, format_func=presets.get,
                                                 width=BENCH_COLUMNS[preset]),
        custom: st.column_config.NumberColumn(help="Used when the preset is 'Custom value'", width=BENCH_COLUMNS[custom]),
        result: st.column_config.TextColumn(width=BENCH_COLUMNS[result]),
    }


def benchmark_editor(now_: Assembly, settings: Settings, metas: list[IndicatorMeta]) -> None:
    """Per-metric minimum and target presets or custom values, with the value each gives now."""
    bench, panel = (now_.engine.benchmarks if now_.engine else None), now_.panel

    def shown(values: object, labels: object, meta: IndicatorMeta) -> str:
        j = panel.column(meta.id)
        return f"{format_value(values[j], meta)} ({labels[j]})"  # type: ignore[index]

    rows = pd.DataFrame({
        "Metric": [m.label for m in metas],
        "Minimum preset": [settings.minimum_for(m.id) for m in metas],
        "Custom minimum": pd.Series([dict(settings.custom_minimum).get(m.id) for m in metas], dtype="float64"),
        "Minimum now": [shown(bench.minimum, bench.minimum_label, m) if bench else "–" for m in metas],
        "Target preset": [settings.target_for(m.id) for m in metas],
        "Custom target": pd.Series([dict(settings.custom_target).get(m.id) for m in metas], dtype="float64"),
        "Target now": [shown(bench.target, bench.target_label, m) if bench else "–" for m in metas],
    })
    st.data_editor(
        rows, key="w_bench_editor", hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 560),
        disabled=["Metric", "Minimum now", "Target now"], on_change=on_bench_editor,
        column_config={"Metric": st.column_config.TextColumn(width=BENCH_COLUMNS["Metric"]),
                       **_benchmark_columns("Minimum", MINIMUM_PRESETS), **_benchmark_columns("Target", TARGET_PRESETS)},
    )
