"""The What-if page's pieces: the scenario builder and the before-and-after tables.

Changes are kept as text the core parses (``check_change``), so the link, the session file and
the CLI's ``--set`` all mean the same thing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from lupcore import ScenarioError, change_words, check_change, clean_scenario_name, format_number, format_value
from lupui import present, render, state

MAX_SCENARIOS = 6
MODES = {"value": "Set a new value", "percent": "Change by a percentage", "units": "Change by an amount",
         "target": "Reach the target", "minimum": "Reach the minimum"}


def _digits(amount: float) -> str:
    """Every digit the user typed, never an exponent: 25425.75, 1234567, 0.5."""
    return np.format_float_positional(float(amount), trim="-")


def change_text(mode: str, amount: float | None) -> str:
    """The change as the core's text: "target", "+5%", "-2", "=-3" (a negative new value) or "65"."""
    if mode in ("target", "minimum"):
        return mode
    if amount is None:
        raise ScenarioError("Enter an amount.")
    signed = _digits(amount) if amount < 0 else f"+{_digits(amount)}"
    if mode == "percent":
        return f"{signed}%"
    if mode == "units":
        return signed
    return f"={_digits(amount)}" if amount < 0 else _digits(amount)


def scenario_builder(metrics: dict, saved: list) -> None:
    """Pick metrics and changes into a draft (kept in the session), then save it as a named scenario."""
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
    if not draft:
        return
    st.markdown("\n".join(f"- {render.plain(metrics[i].meta.shown_label)}: "
                          f"**{render.plain(change_words(c, metrics[i].meta))}**" for i, c in draft if i in metrics))
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


def _status_and_score(row: object) -> str:
    return f"{render.rag_text(row.rag)} · {format_number(row.score, 1)}" if row else "–"  # type: ignore[attr-defined]


def status_table(frame: pd.DataFrame) -> None:
    """A table whose "status · score" cells are coloured by their status."""
    present.table(frame.style.map(lambda v: render.rag_cell_style(str(v).split(" · ")[0])),
                  hide_index=True, width="stretch", height=38 + 35 * len(frame))


def missions_before_after(card: object, result: object) -> pd.DataFrame:
    """Each mission's status and score today and with the scenario."""
    b, a = result.before, result.after  # type: ignore[attr-defined]
    rows = []
    for m in card.missions:  # type: ignore[attr-defined]
        before_m, after_m = b.mission(m.mission.number), a.mission(m.mission.number)
        if before_m is not None or after_m is not None:
            rows.append({"Mission": m.mission.title, "Today": _status_and_score(before_m),
                         "With the scenario": _status_and_score(after_m)})
    return pd.DataFrame(rows)


def changes_frame(result: object, metrics: dict) -> pd.DataFrame:
    """Each changed metric: the change in words, the value and status today and with the scenario."""
    def shown(value: object, iid: str) -> object:
        return format_value(value, metrics[iid].meta) if iid in metrics else value

    return pd.DataFrame([{
        "Metric": c.label, "Change": change_words(c.change, metrics[c.indicator_id].meta) if c.indicator_id in metrics
                                    else c.change,
        "Today": shown(c.old_value, c.indicator_id), "With the scenario": shown(c.new_value, c.indicator_id),
        "Status today": render.rag_text(c.old_rag), "Status then": render.rag_text(c.new_rag), "In plain words": c.text,
    } for c in result.metrics])  # type: ignore[attr-defined]


def compare_frame(missions: dict, comparison: object, first: str, second: str) -> pd.DataFrame:
    """Two scenarios side by side, mission by mission."""
    return pd.DataFrame([{"Mission": missions[n].title, first: _status_and_score(ma), second: _status_and_score(mb)}
                         for n, ma, mb in comparison.missions])  # type: ignore[attr-defined]
