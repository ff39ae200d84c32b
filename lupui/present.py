"""Presenter mode in one place: what a projector shows instead of controls, grids and small charts.

Pages ask ``controls()`` before drawing a filter, picker, editor, uploader or button, so in presenter
mode the page does not draw them at all (the stylesheet in ``render.PRESENTER_CSS`` only sets the
type). A choice made before presenting is kept (``pick``); tables become large plain tables
(``table``) and charts get projector-sized labels (``chart``). Tabs become sections one below the
other (``sections``), because a tab strip is a row of buttons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st
from pandas.io.formats.style import Styler

from lupui import render, state, vega

T = TypeVar("T")


def presenting() -> bool:
    """True while the view is in presenter mode (``?present=1``)."""
    return state.get().presenter


def controls() -> bool:
    """Whether the page may draw its controls: never in presenter mode, as the toggle's help promises."""
    return not presenting()


def remembered(key: str, default: T | None = None) -> T | None:
    """The value ``pick`` kept for ``key`` (the last one drawn outside presenter mode)."""
    return state.widget(f"lupe_kept_{key}", default)


def pick(key: str, draw: Callable[[], T], default: T, *, widget: str | None = None) -> T:
    """A control's value: drawn (and remembered) normally; in presenter mode the remembered value, with no control.

    Streamlit forgets a widget's value when a run does not draw it, so the choice is kept under a key of
    our own: the map's layer or the Progress page's metric stays as the presenter chose it before presenting,
    and after presenting the ``widget`` (its key) is drawn with that choice again.
    """
    if presenting():
        return remembered(key, default)  # type: ignore[return-value]
    if widget is not None and state.widget(widget) is None and remembered(key) is not None:
        state.widget_value(widget, remembered(key))
    value = draw()
    state.widget_value(f"lupe_kept_{key}", value)
    return value


def table(frame: pd.DataFrame | pa.Table | Styler, *, columns: Iterable[str] | None = None,
          **dataframe_args: Any) -> None:
    """A data grid normally; in presenter mode a plain table at projector size (only ``columns`` if given)."""
    if isinstance(frame, Styler) and not presenting():
        st.dataframe(frame, **dataframe_args)
        return
    render.status_table(frame, presenter=presenting(), presenter_columns=columns, **dataframe_args)


def chart(spec: vega.VegaChart | alt.TopLevelMixin, **chart_args: Any) -> None:
    """A Vega-Lite or Altair chart, with labels, titles and legends at projector size in presenter mode."""
    if isinstance(spec, vega.VegaChart):
        shown = vega.for_projector(spec, presenting())
        st.vega_lite_chart(shown.data, shown.spec, **chart_args)
    else:
        st.altair_chart(vega.altair_for_projector(spec, presenting()), **chart_args)


def sections(labels: list[str]) -> list[AbstractContextManager]:
    """``st.tabs`` normally; in presenter mode one section per tab, each under its own heading."""
    if not presenting():
        return list(st.tabs(labels))
    boxes = []
    for label in labels:
        box = st.container()
        box.subheader(render.plain(label))
        boxes.append(box)
    return boxes


def hidden(what: str) -> None:
    """Say what presenter mode leaves out on this page (a caption, so the room knows it exists)."""
    st.caption(f":material/co_present: Presenter mode: {what}. Leave presenter mode to use them.")
