"""The Scorecard's tables, built once per view and filter and handed to Streamlit as Arrow tables.

Converting a DataFrame to Arrow is most of a table's cost on every rerun; caching the Arrow table
keeps a rerun of an unchanged view close to the cost of an empty page.
"""

from __future__ import annotations

import pyarrow as pa
import streamlit as st

from lupcore import (
    MetricRow,
    Rag,
    Scorecard,
    capitals_table,
    context_note,
    decisive_decimals,
    format_decisive,
    format_number,
)
from lupui import render
from lupui.view import trend_series


@st.cache_resource(show_spinner=False, max_entries=512)
def capitals_markdown(key: tuple, _card: Scorecard) -> str:
    """The capital scores as the exports write them, as a small Markdown table (scores to one decimal)."""
    frame = capitals_table(_card)
    return render.markdown_table(frame.assign(Score=[format_number(x, 1) if isinstance(x, float) else "–"
                                                     for x in frame["Score"]]))


# Short headers, so the six columns fit beside each other at 1280 px with the sidebar open (the long names
# pushed "Metrics with data" off the grid's right edge); the long name is the header's help.
MISSION_COLUMNS = {
    "Mission": st.column_config.TextColumn("Mission", width=230),
    "Status": st.column_config.TextColumn("Status", width=110),
    "Score": st.column_config.TextColumn("Score", width=60),
    "Score if every metric at minimum": st.column_config.TextColumn(
        "At minimum", width=95, help="The mission's score if every metric were at its minimum"),
    "Score if every metric at target": st.column_config.TextColumn(
        "At target", width=85, help="The mission's score if every metric were at its target"),
    "Metrics with data": st.column_config.TextColumn("Metrics with data"),
}


def headline_ids(card: Scorecard, ids: tuple[str, ...]) -> tuple[str, ...]:
    """The headline metrics among ``ids`` (all of them when none is a headline metric): a projector's spine chart."""
    headline = {m.meta.id for m in card.metrics if m.meta.role.value == "headline"}
    return tuple(i for i in ids if i in headline) or ids


@st.cache_resource(show_spinner=False, max_entries=512)
def missions_table(key: tuple, _card: Scorecard) -> pa.Table:
    """One row per mission: status, score, the scores at minimum and target, coverage."""
    card = _card
    return pa.table({
        "Mission": [m.mission.title for m in card.missions],
        "Status": [m.status_text or render.rag_cell(m.rag) for m in card.missions],
        "Score": [format_number(m.score, 1) for m in card.missions],
        "Score if every metric at minimum": [format_number(m.score_at_minimum, 1) for m in card.missions],
        "Score if every metric at target": [format_number(m.score_at_target, 1) for m in card.missions],
        "Metrics with data": [m.coverage_text or m.coverage for m in card.missions],
    })


def _clarity(m: MetricRow) -> str:
    if m.clear is None:
        return "no interval published" if m.rag != Rag.GREY else ""
    return "clear" if m.clear else "not clear"


def _shown(m: MetricRow, number: float | None) -> str:
    """A value or threshold with the row's decisive decimals: 99.96% against 100.00%, never 100.0% twice."""
    others = (m.minimum, m.target) if m.meta.polarity else ()
    return format_decisive(number, m.meta, decisive_decimals(m.value, others, m.meta.decimals))


def _rows(card: Scorecard, filters: tuple) -> list[MetricRow]:
    missions, capitals, rags, controls, show_context = filters
    rows = [m for m in card.metrics
            if (show_context or m.meta.scorable or m.meta.local)
            and (not missions or m.meta.mission in missions)
            and (not capitals or m.meta.capital in capitals)
            and (not rags or m.rag.value in rags)
            and (not controls or m.meta.local_control.value in controls)]
    return sorted(rows, key=lambda m: (m.meta.mission or 99, m.meta.role.value != "headline"))


@st.cache_resource(show_spinner=False, max_entries=1024)
def metrics_table(key: tuple, filters: tuple, _card: Scorecard) -> tuple[pa.Table, tuple[str, ...]]:
    """Every metric that passes the filters (missions, capitals, RAG values, local control, context)."""
    card, area = _card, _card.area
    rows = _rows(card, filters)
    missions = {m.mission.number: m.mission.title for m in card.missions}
    trends = trend_series(tuple((m.meta.id, area.utla_code if m.from_upper_tier else area.code)
                                for m in rows if not m.meta.local))
    table = pa.table({
        "Mission": [missions.get(m.meta.mission, "Context") for m in rows],
        "Metric": [m.meta.shown_label for m in rows],
        "Value": [_shown(m, m.value) for m in rows],
        "Status": [render.rag_cell(m.rag) for m in rows],
        "Clarity": [_clarity(m) for m in rows],
        "Trend": pa.array([list(trends.get(m.meta.id, ())) for m in rows], type=pa.list_(pa.float64())),
        "Period": [render.period_text(m.period) for m in rows],
        "Minimum": [f"{_shown(m, m.minimum)} ({m.minimum_label})" if m.meta.polarity else "–" for m in rows],
        "Target": [f"{_shown(m, m.target)} ({m.target_label})" if m.meta.polarity else "–" for m in rows],
        "Latest change": [m.direction or "–" for m in rows],
        "Weight": pa.array([m.weight for m in rows], type=pa.float64()),
        "Local control": [m.meta.local_control.value for m in rows],
        "Note": [" · ".join(note for note in (m.note, context_note(m.meta), m.meta.boundary_note) if note)
                 for m in rows],
    })
    return table, tuple(m.meta.id for m in rows)
