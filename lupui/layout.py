"""Layout for the screen in use: a phone gets tables with fewer columns.

Streamlit tells the script nothing about the viewport, so a phone is recognised by its browser's
User-Agent ("Mobi", the marker every mainstream phone browser sends). Width-based rules (stacked
Markdown tables, the sidebar closed below 768 px) live in the CSS and need no detection.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

PHONE_MARKER = "Mobi"


def on_phone() -> bool:
    """True for a phone's browser (iPhone, Android phone); tablets and desktops get the full tables."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # noqa: BLE001 - no request (bare script run): treat as a desktop
        return False
    return PHONE_MARKER in agent


def columns_for(full: list[str] | tuple[str, ...], phone: tuple[str, ...]) -> list[str] | None:
    """``column_order`` for ``st.dataframe``: the given few columns on a phone, all of them elsewhere."""
    return [c for c in phone if c in full] if on_phone() else None


def phone_widths(widths: dict[str, int]) -> dict[str, object]:
    """``column_config`` entries fixing a few column widths (pixels) on a phone only, so the columns fit."""
    return {name: st.column_config.Column(width=px) for name, px in widths.items()} if on_phone() else {}


def share_link(params: dict[str, str], page: str = "Scorecard") -> str:
    """The whole address that reopens this view, from the address the browser used ('?…' if it is unknown)."""
    query = urlencode(params)
    try:
        here = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001 - no request (bare script run)
        here = urlsplit("")
    if not (here.scheme and here.netloc):
        return f"?{query}"
    root = here.path.rsplit("/", 1)[0]  # the app may be served under a path prefix
    return urlunsplit((here.scheme, here.netloc, f"{root}/{page}", query, ""))
