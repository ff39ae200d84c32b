"""Status cells read the same with or without colour or an emoji font: shape + word, coloured per status.

Debian's Chromium and many locked-down council desktops have no colour-emoji font, so an emoji status
showed as an empty box with no colour. Every status cell is now exactly '✖ Red'-style text and the
table's style sheet colours that cell with the status's own colour (black text, AA contrast).
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from lupcore.scoring import RAG_STYLE, rag_from_text
from tests.app.pagekit import open_page

WALSALL = "E08000030"
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2B55\u26AA\u26AB]")


def cell_backgrounds(element) -> dict[tuple[int, int], str]:
    """(row, column) -> background colour, read from the Styler CSS the page sent."""
    styles = element.proto.arrow_data.styler.styles
    out: dict[tuple[int, int], str] = {}
    for selectors, body in re.findall(r"([^{]+)\{([^}]*)\}", styles):
        colour = re.search(r"background-color:\s*(#[0-9A-Fa-f]{6})", body)
        if colour:
            for row, col in re.findall(r"_row(\d+)_col(\d+)", selectors):
                out[(int(row), int(col))] = colour.group(1).upper()
    return out


def status_tables(at: AppTest, column: str) -> list:
    return [d for d in at.dataframe if column in d.value.columns]


@pytest.mark.parametrize(("page", "column"), [("pages/1_Scorecard.py", "Status"),
                                              ("pages/6_Progress.py", "Status now")])
def test_every_status_cell_is_shape_word_and_its_colour(page: str, column: str) -> None:
    at = open_page(page, area=WALSALL)
    tables = status_tables(at, column)
    assert tables, f"no table with a {column!r} column on {page}"
    for element in tables:
        frame = element.value
        col = list(frame.columns).index(column)
        colours = cell_backgrounds(element)
        for row, text in enumerate(frame[column]):
            assert not EMOJI.search(text), f"emoji in a status cell: {text!r}"
            rag = rag_from_text(text)
            assert rag is not None, f"not a status: {text!r}"
            assert colours.get((row, col)) == RAG_STYLE[rag].colour.upper(), (row, text, colours.get((row, col)))


def test_scorecard_caption_states_changed_weights() -> None:
    """It said 'Weights: Equal' after Mission 4 was set to 3 (the score had moved from 46.5 to 55.7)."""
    at = open_page("pages/1_Scorecard.py", area=WALSALL, mw="4:3")
    caption = at.caption[0].value
    assert "Weights: Equal, changed: Mission 4: Digital connectivity ×3" in caption, caption
    plain = open_page("pages/1_Scorecard.py", area=WALSALL).caption[0].value
    assert plain.endswith("Weights: Equal"), plain


def test_a_cached_arrow_table_is_converted_once_and_its_lists_stay_lists() -> None:
    """The Scorecard's cached tables are styled on every rerun; their pandas form is made once per table."""
    import gc

    import pyarrow as pa

    from lupui import render

    table = pa.table({"Metric": ["Pay", "Jobs"], "Status": ["✖ Red", "– Not rated"],
                      "Trend": pa.array([[1.0, 2.5], []], type=pa.list_(pa.float64()))})
    frame = render.as_frame(table)
    assert render.as_frame(table) is frame  # the second rerun reuses it
    assert frame["Trend"].tolist() == [[1.0, 2.5], []] and isinstance(frame["Trend"][0], list)
    assert render.as_frame(pa.table({"Metric": ["Pay"]})) is not frame
    key = id(table)
    del table
    gc.collect()
    assert key not in render._FRAMES  # forgotten with its table, so a reused id cannot find a stale frame


def test_a_stacked_phone_table_names_each_cell_by_its_column() -> None:
    """On a phone the header row is hidden and rows stack, so '£696' alone would not say it is the target."""
    import pandas as pd

    from lupui import render

    frame = pd.DataFrame({"Metric": ["Median weekly pay"], "Value": ["£588"], "Target": ["£696"], "Note": [""]})
    phone = render.markdown_table(frame, labelled=True)
    assert phone.splitlines()[-1] == "| Median weekly pay | Value: £588 | Target: £696 |  |"
    assert render.markdown_table(frame, labelled=False).splitlines()[-1] == "| Median weekly pay | £588 | £696 |  |"
    assert render.markdown_table(frame).splitlines()[-1] == "| Median weekly pay | £588 | £696 |  |"  # no browser: desktop
