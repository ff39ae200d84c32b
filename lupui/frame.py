"""The shared frame every page calls first: page config, state, sidebar, notices, area guard.

Pages live in ``pages/`` (Streamlit's own multipage discovery), so a cold deep link such as
``/Scorecard?area=E08000030`` runs that page directly; calling ``frame()`` at the top of every
page is what gives it the same state set-up and sidebar as the home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from lupcore import Area, DataFileError, Dataset, ViewState
from lupui import cache, place_search, render, state, welcome

ROOT = Path(__file__).resolve().parent.parent
APP_TITLE = "Levelling Up Place Explorer"
FAVICON = ROOT / "static" / "favicon.png"
# (script, label, icon) in menu order; a page appears once its file exists.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("app.py", "Overview", ":material/home:"),
    ("pages/1_Scorecard.py", "Scorecard", ":material/fact_check:"),
    ("pages/2_Weights.py", "Weights and methods", ":material/tune:"),
    ("pages/3_Map.py", "Map", ":material/map:"),
    ("pages/4_Peers.py", "Peers", ":material/groups:"),
    ("pages/5_Compare.py", "Compare areas", ":material/view_column:"),
    ("pages/6_Progress.py", "Progress and 2030", ":material/trending_up:"),
    ("pages/7_What_if.py", "What if", ":material/science:"),
    ("pages/8_Local_metrics.py", "Local metrics", ":material/upload_file:"),
    ("pages/9_Export.py", "Export and session", ":material/download:"),
    ("pages/10_Data_and_methods.py", "Data and methods", ":material/menu_book:"),
    ("pages/11_Workshop.py", "Workshop", ":material/how_to_vote:"),
)
OGL = ("Contains public sector information licensed under the "
       "[Open Government Licence v3.0](https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/). "
       "Source: Office for National Statistics (Explore Local Statistics) and the departments named per indicator. "
       "Boundaries: Source: Office for National Statistics licensed under the Open Government Licence v3.0; "
       "contains OS data © Crown copyright and database right 2025.")


@dataclass(frozen=True)
class Context:
    """What a page needs: the shared data, the view state and the chosen area (if any)."""

    dataset: Dataset
    view: ViewState
    area: Area | None


def frame(title: str, *, needs_area: bool = True, wide: bool = True) -> Context:
    """Set up the page; stops the script with a clear message when data or the area is missing."""
    # The icon is our own file: a ":material/…:" icon makes the browser fetch it from a font CDN. "auto"
    # opens the sidebar on a wide screen and keeps it closed on a phone, where it would cover the page.
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=str(FAVICON),
                       layout="wide" if wide else "centered", initial_sidebar_state="auto")
    try:
        ds = cache.dataset()
    except DataFileError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    view = state.init()
    render.inject_css(view.presenter)
    _sidebar(ds, view)
    if view.presenter:
        st.button("Leave presenter mode", icon=":material/close_fullscreen:", on_click=state.update,
                  kwargs={"presenter": False}, key="w_leave_presenter")
    for notice in state.take_notices():
        st.warning(render.plain(notice), icon=":material/link_off:")
    flash = state.take_flash()
    if flash:
        st.success(render.plain(flash), icon=":material/check_circle:")
    area = ds.area(view.area) if view.area else None
    if needs_area and area is None:
        st.title(title)
        welcome.intro()
        st.info("Choose a council to begin: type its name, a town or a postcode below or in the sidebar.",
                icon=":material/search:")
        area_picker(ds, key="w_area_main")
        st.stop()
    return Context(ds, view, area)


def area_picker(ds: Dataset, key: str = "w_area", label: str = "Locality") -> None:
    """One search box over councils, postcodes and places (``lupui.place_search``); sets ``?area=``."""
    place_search.area_search(key, label)


def _sidebar(ds: Dataset, view: ViewState) -> None:
    with st.sidebar:
        st.markdown(f"### {APP_TITLE}")
        area_picker(ds)
        params = state.link_params()
        for script, label, icon in PAGES:
            if (ROOT / script).exists():
                st.page_link(script, label=label, icon=icon, query_params=params)
        st.divider()
        state.widget_value("w_presenter", view.presenter)
        st.toggle("Presenter mode", key="w_presenter",
                  help="For a projector at 1280 x 720: text at 20 px or larger, charts with larger labels, tables as plain "
                       "large tables. Every page hides the sidebar, filters, pickers, editors, uploaders and buttons "
                       "(choices made before keep applying); Weights shows the weights in force, Export and Local "
                       "metrics say what is left out. Leave it with the button at the top of the page.",
                  on_change=lambda: state.update(presenter=bool(state.widget("w_presenter"))))
        st.caption(OGL)
