"""The one search box for choosing a locality: council names, postcodes, towns, parishes and wards.

Typing reruns only this box (an ``st.fragment`` with a live text input), so the page behind it is not
redrawn on every pause. A full postcode goes straight to its council; anything else lists the
councils it can mean as buttons, each with its share when a match straddles councils. Choosing one
sets the area through ``lupui.state`` and reruns the whole page. What is typed is never rendered as
Markdown: only the matched names from the data (escaped) appear in labels.
"""

from __future__ import annotations

import re

import streamlit as st

from lupcore import MAX_QUERY, Candidate, find
from lupui import cache, state

SHOWN = 8  # candidate buttons under the box; the sidebar is narrow
HELP = ("Type a council, town, ward or parish name, or a postcode (WS1 1TP), a postcode sector (WS1 1) or "
        "district (WS3). Old council names find today's council.")
_MD = re.compile(r"([\\`*_\[\]#|~<>:$])")  # what could start Markdown, a directive or an icon


def _escape(text: str) -> str:
    """Data text as literal Markdown (button labels and messages render Markdown)."""
    return _MD.sub(r"\\\1", text)


def _share(share: float | None) -> str:
    if share is None:
        return ""
    return f", {share:.0%}" if share >= 0.005 else ", under 1%"


def candidate_label(c: Candidate, labels: dict[str, str]) -> str:
    """One line per candidate: the council (with its region), then what matched."""
    council = labels.get(c.code, c.name)
    if c.kind == "council":
        what = f"was {c.match}" if c.match != c.name else ""
    elif c.kind == "place":
        what = c.match
    else:
        what = f"{c.match}{_share(c.share)}"
    if c.kind == "place" and c.share is not None:
        what += _share(c.share)
    return _escape(council) + (f" · {_escape(what)}" if what else "")


def _choose(key: str, code: str) -> None:
    """Button callback: set the area and empty the box (allowed in a callback, before the widget draws)."""
    state.widget_value(key, "")
    state.update(area=code)


def area_search(key: str = "w_area", label: str = "Locality") -> None:
    """The search box and its candidates; sets ``?area=`` when one is chosen."""
    _search(key, label, state.get().area)


@st.fragment
def _search(key: str, label: str, drawn_area: str | None) -> None:
    if state.get().area != drawn_area:  # a candidate was chosen in this fragment: redraw the whole page
        st.rerun()
    labels = cache.picker_options()[1]
    text = state.widget(key) or ""
    found = find(text) if text else []
    said = ""
    if len(found) == 1 and found[0].kind == "postcode" and found[0].code in labels:
        hit = found[0]
        state.widget_value(key, "")
        if hit.code != drawn_area:
            state.flash(f"{_escape(hit.match)} is in {_escape(labels[hit.code])}.")
            state.update(area=hit.code)
            st.rerun()
        found, text, said = [], "", f"{_escape(hit.match)} is in {_escape(labels[hit.code])}."
    st.text_input(label, key=key, type="search", live=True, max_chars=MAX_QUERY,
                  placeholder="Council, town or postcode", help=HELP)
    current = labels.get(drawn_area or "")
    if not text:
        st.caption(said or (f"Showing {_escape(current)}." if current else "No council chosen yet."))
        return
    pickable = [c for c in found if c.code in labels]
    if not pickable:
        st.caption("No council, town or postcode matches that. Try a council name, a town, a ward or a full "
                   "postcode such as WS1 1TP.")
        return
    for i, c in enumerate(pickable[:SHOWN]):
        is_current = c.code == drawn_area
        st.button(candidate_label(c, labels), key=f"{key}_pick_{i}", help=_escape(c.note) if c.note else None,
                  on_click=_choose, args=(key, c.code), icon=":material/check:" if is_current else None,
                  type="primary" if is_current else "secondary", width="stretch")
    if len(pickable) > SHOWN:
        st.caption(f"{len(pickable) - SHOWN} more: type more of the name to narrow the list.")
