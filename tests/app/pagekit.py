"""Shared AppTest helpers for the page tests: open a page as a cold deep link, read its URL back.

A new ``AppTest`` is a new browser session, so ``open_page(page, area=…)`` is exactly what a shared
link such as ``/Scorecard?area=E08000030`` does on first load.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page: str = "app.py", *, check: bool = True, timeout: int = 60, **params: str) -> AppTest:
    """A new session's first run of ``page`` with the query parameters of a link; no exception if ``check``."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    if page != "app.py":
        at.switch_page(page)  # before the first run: pages/ discovery resolves it by file name
    at.run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at


def url(at: AppTest) -> dict[str, str]:
    """The page's query parameters as plain strings (AppTest keeps repeated keys as lists)."""
    return {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}


def with_local_metric(page: str, csv_text: str, area: str = "E08000030", **meta: object) -> AppTest:
    """A new session on ``page`` for ``area`` already holding one local metric read from ``csv_text``.

    ``meta`` overrides the metric's metadata (source, polarity, mission…), as the Local metrics form would.
    """
    from dataclasses import replace

    from lupcore.data._dataset import load_dataset
    from lupcore.uploads import parse_upload

    known = {r.code: r.name for r in load_dataset().pickable().itertuples(index=False)}
    metric = parse_upload("pride_in_place.csv", csv_text.encode(), known).metrics[0]
    metric = metric.with_meta(replace(metric.meta, **meta))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["area"] = area
    at.session_state["lupe_local_metrics"] = (metric,)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown_lines(at: AppTest, prefix: str = "- ") -> list[str]:
    """Lines starting with ``prefix`` in every Markdown element (a bullet list is one element)."""
    return [line for m in at.markdown for line in m.value.splitlines() if line.startswith(prefix)]
