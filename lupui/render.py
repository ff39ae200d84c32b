"""Presentation helpers: RAG labels and colours, metric tables and the shared CSS.

RAG is never colour alone: every status carries a shape and a word. Colours are the
Okabe–Ito colour-blind-safe palette.
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Iterable

import pandas as pd
import pyarrow as pa
import pydeck as pdk
import streamlit as st
from pandas.io.formats.style import Styler

from lupcore import RAG_STYLE, Rag, display_label, rag_text
from lupui import layout


def rag_cell(rag: Rag) -> str:
    """'✖ Red': shape and word, no emoji (an emoji font is missing on many council desktops).

    Tables get their colour from ``status_styled``, so a status reads the same with or without colour.
    """
    return rag_text(rag)


def rag_badge_html(rag: Rag, extra: str = "") -> str:
    """An inline badge; only our own fixed words go into this HTML, never user text."""
    style = RAG_STYLE[rag]
    tail = f" · {extra}" if extra else ""
    return (f'<span class="rag-badge" style="background:{style.colour};color:{style.text_colour}">'
            f"{style.symbol}\u00a0{style.word}{tail}</span>")  # the shape stays with its word; the rest may wrap


def rag_cell_style(value: str) -> str:
    """pandas Styler function: colour a cell that starts with a status ('✖ Red', '✖ Red · 45.2')."""
    if isinstance(value, str):
        for style in RAG_STYLE.values():
            if value.startswith(f"{style.symbol} {style.word}"):
                return f"background-color: {style.colour}; color: {style.text_colour}; font-weight: 600; white-space: nowrap"
    return ""


def status_table(table: pd.DataFrame | pa.Table | Styler, *, presenter: bool = False,
                 presenter_columns: Iterable[str] | None = None, **dataframe_args: object) -> None:
    """Draw a table whose status cells are coloured; on a projector as large HTML text, else a data grid.

    A data grid draws on a canvas at a fixed small size that no stylesheet reaches, so presenter mode
    shows a plain table (styled by ``PRESENTER_CSS``) with only ``presenter_columns``, its number phrases
    unbreakable (``whole_numbers``). The index is shown only when ``hide_index=False`` is passed.
    """
    if presenter:
        if isinstance(table, Styler):
            hidden = [c for c in table.data.columns if presenter_columns is not None and c not in presenter_columns]
            styled = table.hide(hidden, axis="columns") if hidden else table
        else:
            frame = as_frame(table)
            if presenter_columns is not None:
                frame = frame[[c for c in presenter_columns if c in frame.columns]]
            styled = status_styled(frame).format(_cell_text)  # a table's cells are Markdown: user text stays plain
        st.table(styled.hide(axis="index") if dataframe_args.get("hide_index", True) else styled)
    else:
        st.dataframe(status_styled(table) if not isinstance(table, Styler) else table,  # type: ignore[arg-type]
                     **dataframe_args)


# Break opportunities inside a number phrase: the space after a number before its unit or ordinal bracket
# ("3,876 per", "10.5 minutes", "232nd (196th", "10th of"), after "per" or "of" before a number, and after a dash
# between numbers. A long unit word ("population") may start a new line, so a table still fits its width.
_JOIN_AFTER_NUMBER = re.compile(r"(?<=\d) (?=[a-z%£]{1,8}\b|\()|(?<=\d[snrt][tdh]) (?=\(|of\b)|(?<=[snrt][tdh]\)) (?=of \d)|(?:(?<=\bof)|(?<=\bper)) (?=[\d£])")
_JOIN_DASH = re.compile(r"(?<=[\dhdt])([–-])(?=[\d£])|(?<=[(\s])([+−-])(?=[\d£])")  # a range's dash; a sign


def _cell_text(value: object) -> str:
    """A plain table's cell (Markdown): text as literal characters with its numbers whole, a number to at most
    two decimals, missing as a dash."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return whole_numbers(plain(value)) if isinstance(value, str) else str(value)


def whole_numbers(text: str) -> str:
    """``text`` with each number phrase unbreakable ('3,876 per 100,000 population', '232nd (196th–286th)'):
    no-break spaces inside it and a word joiner after a dash between numbers; the words around it still wrap."""
    return _JOIN_DASH.sub(lambda m: m.group(0) + "\u2060", _JOIN_AFTER_NUMBER.sub("\u00a0", text))


def status_styled(table: pd.DataFrame | pa.Table) -> Styler:
    """Any table with status cells, each coloured with its shape and word (the one helper every table uses)."""
    return as_frame(table).style.map(rag_cell_style)


_FRAMES: dict[int, pd.DataFrame] = {}  # by id() of a live Arrow table (tables are not hashable)


def as_frame(table: pd.DataFrame | pa.Table) -> pd.DataFrame:
    """A cached Arrow table (the same object on every rerun) as pandas, converted once and kept while it lives.

    List cells (a trend's values) become Python lists: Streamlit turns every cell of a styled table into
    text on each rerun, and NumPy prints an array twenty times slower than Python prints a list.
    Shared between sessions, so read-only (a Styler copies what it changes).
    """
    if not isinstance(table, pa.Table):
        return table
    frame = _FRAMES.get(id(table))
    if frame is None:
        frame = table.to_pandas()
        for name in (f.name for f in table.schema if pa.types.is_list(f.type)):
            frame[name] = table.column(name).to_pylist()
        _FRAMES[id(table)] = frame
        weakref.finalize(table, _FRAMES.pop, id(table), None)  # forgotten with the table, before its id is reused
    return frame


BASE_CSS = """
<style>
.rag-badge {display:inline-block; padding:0.1rem 0.55rem; border-radius:0.8rem; font-weight:600;
            font-size:0.95em; max-width:100%}
.lupe-muted {color:#555; font-size:0.9em}
/* A metric's value is a number (a score, a rank with its range): one line, the page's columns are set wide
   enough for it; words (an authority's name) wrap inside a container keyed "lupe-words". Its label wraps
   instead of ending in "…" ("Levelling Up score (0–1…" in a narrow column). */
[data-testid="stMetricValue"] p, [data-testid="stMetricValue"] div {white-space: nowrap; overflow: visible;
                                                                  text-overflow: clip; overflow-wrap: normal}
.st-key-lupe-words [data-testid="stMetricValue"] p, .st-key-lupe-words [data-testid="stMetricValue"] div {
  white-space: normal; overflow-wrap: break-word}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] div, [data-testid="stMetricLabel"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important}
.lupe-gap {border-left:4px solid #BBBBBB; padding:0.2rem 0.8rem; color:#333; background:#f6f6f6}
/* Long widget labels wrap instead of being cut off ("Evidence-based red…", "Include context metrics…"). */
[data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"], [data-testid="stWidgetLabel"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important}
/* Keyboard focus always shows a 3 px ring in the theme blue (4.9:1 on white; WCAG 2.4.7 and 1.4.11): the page menu's
   links showed only a faint grey background, and text and select boxes only recoloured their thin border. */
a:focus-visible, summary:focus-visible, [role="tab"]:focus-visible {outline: 3px solid #0072B2 !important;
  outline-offset: 2px}
/* Text, number and select boxes: their own focus border is thin and 43% transparent. */
:is([data-testid="stTextInputRootElement"], [data-testid="stNumberInputContainer"], [data-testid="stTextAreaRootElement"],
    [data-baseweb="select"], [data-baseweb="input"], [data-baseweb="textarea"]):focus-within {
  outline: 3px solid #0072B2; outline-offset: 1px}
:is([data-testid="stSelectbox"], [data-testid="stMultiSelect"]) div:has(> input:focus) {
  outline: 3px solid #0072B2; outline-offset: 1px}
/* A button's label wraps instead of ending in "…" ("One-page sum…" in five columns at 1280 px). */
button [data-testid="stMarkdownContainer"], button [data-testid="stMarkdownContainer"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important}
@media (max-width: 640px) {
  .rag-badge {white-space: normal}
  [data-testid="stMetricValue"] p, [data-testid="stMetricValue"] div {white-space: normal; overflow-wrap: break-word}
  /* Phone: a Markdown table's rows stack (metric in bold, then its cells) instead of running off the screen. */
  [data-testid="stMarkdownContainer"] table thead {display:none}
  [data-testid="stMarkdownContainer"] table, [data-testid="stMarkdownContainer"] table tbody,
  [data-testid="stMarkdownContainer"] table tr, [data-testid="stMarkdownContainer"] table td {display:block; width:100%}
  [data-testid="stMarkdownContainer"] table tr {border-top:1px solid #ccc; padding:0.35rem 0}
  [data-testid="stMarkdownContainer"] table td {border:none; padding:0 0.25rem}
  [data-testid="stMarkdownContainer"] table td:first-child {font-weight:600}
  [data-testid="stMarkdownContainer"] table td:empty {display:none}
}
</style>
"""

PRESENTER_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display:none}
html, body, [data-testid="stAppViewContainer"] {font-size: 22px}
/* A floor for every piece of text on the page (Streamlit sets some at 0.75-0.875rem): 20 px or the size it
   inherits. Chart text (SVG) is sized by the chart itself (lupui.vega's projector config). A size larger than
   its parent's needs !important to survive it (headings, metric values below; the workshop's room code). */
[data-testid="stMain"] :not(svg):not(svg *) {font-size: max(20px, 1em)}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {font-size: 1.15rem !important}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p, [data-testid="stMetricValue"] div {
  font-size: 2.0rem !important; line-height: 1.15}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {font-size: 1rem !important; color: #333 !important;
  opacity: 1 !important}
[data-testid="stTable"] table, [data-testid="stTable"] th, [data-testid="stTable"] td,
[data-testid="stMarkdownContainer"] table th, [data-testid="stMarkdownContainer"] table td {font-size: 1rem !important}
/* The large table wraps its words instead of scrolling: a scrolling box is out of reach of the keyboard. Number
   phrases are unbreakable (render.whole_numbers) and status cells nowrap (rag_cell_style), so only words wrap. */
[data-testid="stTable"] > div {overflow: visible !important}
[data-testid="stTable"] th, [data-testid="stTable"] td {overflow-wrap: break-word; white-space: normal}
[data-testid="stTable"] td [data-testid="stMarkdownContainer"],
[data-testid="stTable"] td [data-testid="stMarkdownContainer"] p {white-space: inherit !important}
[data-testid="stTooltipIcon"], [data-testid="stElementToolbar"] {display:none}
[data-testid="stMetricLabel"] p {font-size: 1.0rem !important}
[data-testid="stMain"] code {font-size: 0.95em !important}
/* The map's zoom buttons: the wheel and a drag still zoom and pan. */
[data-testid="stDeckGlJsonChart"] button, [data-testid="stDeckGlJsonChart"] .maplibregl-ctrl {display:none !important}
h1 {font-size: 2.6rem !important} h2 {font-size: 2.0rem !important} h3 {font-size: 1.6rem !important}
.block-container, [data-testid="stMainBlockContainer"] {padding: 1rem 1.5rem !important; max-width: 100% !important}
</style>
"""


def inject_css(presenter: bool) -> None:
    """Our fixed stylesheet (no user content), plus large type when presenting on a projector."""
    st.markdown(BASE_CSS + (PRESENTER_CSS if presenter else ""), unsafe_allow_html=True)


# Emphasis, code, links, images, directives, HTML, LaTeX; "_" inside a word (an id such as gross_weekly_pay) is inert.
_ACTIVE = re.compile(r"([\\`*\[\]<>$~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
# Streamlit's Markdown links bare URLs and e-mail addresses after escapes are resolved, so a backslash cannot stop
# them: a zero-width space breaks "https://", "www." and "name@host" instead (the text looks the same).
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=\b[Ww]{3})(?=\.)|(?<=@)(?=[-\w])")
_LINE_START = re.compile(r"^(\s*\d{0,9})(#(?=#{0,5}(\s|$))|>|(?<![0-9])[-+](?=\s|$)|(?<=[0-9])[.)](?=\s|$))")  # a heading, quote or list


def plain(text: object) -> str:
    """``text`` as literal characters inside Markdown: every sign that would make markup is escaped.

    The one way user text (a local metric's name, unit or source, a comparator set's name, a scenario
    name) and every sentence built from it reaches ``st.markdown``, a caption, an alert, a radio
    option or a widget label: ``![n](https://…)`` shows as those characters, never as an image or a
    link; ``:red[x]``, ``**x**`` and ``$x$`` show as typed. Line breaks become spaces. Ordinary
    punctuation is left alone, so most sentences come back unchanged.
    """
    one_line = " ".join(str(text).split())
    escaped = _AUTOLINK.sub("\u200b", _ACTIVE.sub(r"\\\1", one_line))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def period_text(label: str) -> str:
    """Readable period (2023/24, 2022-2024, 1 Jan 2026) for a published label."""
    return display_label(label) if label else "–"


def bullets(lines: Iterable[str], heading: str = "", empty: str = "") -> None:
    """A heading and a bullet list as one element: a Streamlit element per line costs a message each."""
    items = [f"- {plain(line)}" for line in lines] or ([f"- {plain(empty)}"] if empty else [])
    if heading or items:
        st.markdown("\n".join(([heading, ""] if heading else []) + items))


def markdown_table(frame: pd.DataFrame | tuple[list[str], list[list[object]]], *, labelled: bool | None = None) -> str:
    """A small table as Markdown: far cheaper per rerun than an interactive dataframe.

    Every cell is plain text (``plain``), so a cell can neither break the table nor add markup. On a
    phone the rows stack and the header row is hidden (``BASE_CSS``), so each cell after the first
    names its column ("Target: £696"), for the eye and for a screen reader; ``labelled`` overrides.
    """
    def cell(value: object) -> str:
        return plain(value).replace("|", "\\|")

    columns, body = (list(frame.columns), list(frame.itertuples(index=False))) if isinstance(frame, pd.DataFrame) else frame
    names = [cell(c) for c in columns]
    label = labelled if labelled is not None else layout.on_phone()

    def shown(i: int, value: object) -> str:
        text = cell(value)
        return f"{names[i]}: {text}" if label and i and text.strip() else text

    header = "| " + " | ".join(names) + " |"
    rule = "|" + "|".join(" --- " for _ in columns) + "|"
    rows = ["| " + " | ".join(shown(i, v) for i, v in enumerate(row)) + " |" for row in body]
    return "\n".join([header, rule, *rows])


class CompactDeck(pdk.Deck):
    """A pydeck Deck whose JSON has no indentation: the map's per-rerun message shrinks by about 40%."""

    def to_json(self) -> str:
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False)
