"""Make user text safe to show and to export: formula (CSV) injection and HTML in text cells.

Spreadsheet programs run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or carriage return) as a formula, even in a CSV file. OWASP's fix, used here, is to put a
single quote in front of such *text* so the spreadsheet shows it as text. Numbers are never
touched: a negative number is data, while the text ``-1+1`` is a formula.
(: neither Streamlit's table export nor ``DataFrame.to_csv`` does this.)
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "clean_text", "contains_html", "looks_like_formula", "neutralise_cell", "neutralise_frame",
           "strip_control"]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# A tag (<b>, </div>, <!-- , <?xml), a character reference (&#60;) or a script URL.
_HTML = re.compile(r"</?[A-Za-z!?]|&#?[A-Za-z0-9]+;|javascript\s*:", re.IGNORECASE)
# Bidirectional overrides and zero-width characters can make text read differently from what it is.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def neutralise_cell(value: object) -> object:
    """Return ``value`` safe for a spreadsheet cell.

    Parameters
    ----------
    value
        Any cell value. Only ``str`` values are changed.

    Returns
    -------
    object
        Text starting with ``= + - @``, tab or carriage return gets a leading ``'``; anything
        else (numbers, dates, missing values, other text) is returned unchanged.

    Examples
    --------
    >>> neutralise_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_cell(-3.5)
    -3.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _neutralise_series(series: pd.Series) -> pd.Series:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_object_dtype(dtype):
        return series.astype(object).map(neutralise_cell)
    if not pd.api.types.is_string_dtype(dtype):
        return series  # numbers, booleans and dates cannot start a formula
    risky = series.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
    if not risky.any():
        return series
    out = series.copy()
    out[risky] = "'" + series[risky]
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every risky text cell, column name and index label neutralised.

    Numeric, boolean and date columns keep their dtype and values; text columns (``str``,
    ``string`` or ``object``) have each string cell passed through :func:`neutralise_cell`.
    Missing values stay missing. Call this on every frame just before it becomes CSV or XLSX.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        out.isetitem(position, _neutralise_series(out.iloc[:, position]))
    out.columns = pd.Index([neutralise_cell(c) for c in out.columns])
    if pd.api.types.is_object_dtype(out.index) or pd.api.types.is_string_dtype(out.index):
        out.index = pd.Index([neutralise_cell(i) for i in out.index], name=out.index.name)
    return out


def looks_like_formula(text: str) -> bool:
    """True if a spreadsheet would treat ``text`` as a formula (leading spaces ignored).

    A plain number such as ``-12.5`` or ``+3`` is not a formula, nor is a lone ``-`` (a dash a
    spreadsheet shows as text); ``-1+1``, ``=A1`` and ``@SUM(A1)`` are. A leading tab or carriage
    return counts too, as OWASP advises.
    """
    if not isinstance(text, str) or not text:
        return False
    if text.startswith(("\t", "\r")):
        return True
    stripped = text.strip()
    return len(stripped) > 1 and stripped.startswith(("=", "+", "-", "@")) and not _NUMBER.match(stripped)


def contains_html(text: str) -> bool:
    """True if ``text`` holds something a browser could read as markup.

    Looks for tags (``<b>``, ``</p>``, ``<!--``), character references (``&#60;``, ``&lt;``)
    and ``javascript:`` links. A bare ``<`` in ``<5`` or ``a < b`` is not HTML.
    """
    return isinstance(text, str) and bool(_HTML.search(text))


def strip_control(text: str) -> str:
    """Remove control characters, bidirectional overrides and zero-width characters; collapse spaces.

    Tabs and line breaks become single spaces; other control characters (NUL, escape…) are dropped.
    """
    kept = "".join(ch if unicodedata.category(ch) != "Cc" else (" " if ch.isspace() else "") for ch in text)
    return _SPACES.sub(" ", _INVISIBLE.sub("", kept)).strip()


def clean_text(text: str | None, max_len: int = 120, label: str = "This text") -> tuple[str, str | None]:
    """Clean a short piece of user-entered text (a metric name, unit or source).

    Parameters
    ----------
    text
        What the user typed; ``None`` counts as empty.
    max_len
        Longest length allowed after cleaning, in characters.
    label
        How the message names the field, e.g. ``"The name"``.

    Returns
    -------
    tuple[str, str | None]
        The cleaned text (control and invisible characters removed, runs of spaces collapsed,
        ends trimmed) and ``None``, or the cleaned text and a plain-English message saying why it
        cannot be used (too long, HTML, or starts like a spreadsheet formula). Emptiness is not
        judged here: the caller knows whether the field is required.
    """
    cleaned = strip_control(str(text)) if text is not None else ""
    if len(cleaned) > max_len:
        return cleaned, f"{label} is {len(cleaned)} characters long; keep it to {max_len} or fewer."
    if contains_html(cleaned):
        return cleaned, f"{label} contains HTML such as '<b>' or '&#60;'; use plain text only."
    if looks_like_formula(cleaned):
        return cleaned, (f"{label} starts with '{cleaned[0]}', so a spreadsheet would run it as a formula; "
                         "start it with a letter or a number instead.")
    return cleaned, None
