"""The Scorecard's headline: score with its status, rank with its range, and the summary in one sentence."""

from __future__ import annotations

import streamlit as st

from lupcore import GLOSSARY, Assembly, Summary, format_number, summarise
from lupui import render
from lupui.forecasts import intervals


def score_rank_summary(now: Assembly, area_code: str, *, presenter: bool = False) -> Summary:
    """Draw the three headline figures; returns the summary for the strengths and concerns below."""
    card = now.card
    # Wide enough for the rank range on one line ("232nd (196th–286th)") and the score's label uncut at 1280 px.
    top = st.columns([1, 2, 1.6] if presenter else [1, 1.75, 1.25])
    top[0].metric("Levelling Up score (0–100)", format_number(card.overall, 1) if card.overall is not None else "–",
                  help=GLOSSARY["score"])
    top[0].markdown(render.rag_badge_html(card.overall_rag), unsafe_allow_html=True)
    interval = intervals(now).get(area_code) if card.rank else None
    top[1].metric("Rank (5th–95th percentile range)", interval.text if interval else "–",
                  help=GLOSSARY["rank_range"])
    top[1].caption(card.rank_text)
    summary = summarise(card)
    top[2].markdown(f"**In short.** {render.plain(summary.headline)}")
    return summary
