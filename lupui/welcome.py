"""What the tool is for, in two sentences, with three example places one click away.

Shown on the home page before a place is chosen; the area search itself stays in ``frame``.
"""

from __future__ import annotations

import streamlit as st

INTRO = ("See how any UK council, county or combined authority stands on the twelve Levelling Up missions: "
         "every measure against a minimum and a target, red, amber or green, with its official source. "
         "Then weigh what matters locally, compare with similar places, test what-ifs and take away a "
         "one-page summary.")
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("E08000030", "Walsall"),
    ("E10000030", "Surrey"),
    ("E06000058", "Bournemouth, Christchurch and Poole"),
)


def intro() -> None:
    """The two-sentence purpose and the example places (each a link that opens its scorecard)."""
    st.markdown(INTRO)
    st.markdown("**Try an example**")
    for col, (code, name) in zip(st.columns(len(EXAMPLES)), EXAMPLES, strict=True):
        with col:
            st.page_link("pages/1_Scorecard.py", label=name, icon=":material/arrow_forward:",
                         query_params={"area": code})
