"""Hostile or broken input never shows a traceback: bad links fall back to the picker, bad data to one message.

Links are untrusted (they are shared by email and typed by hand), and ``data/`` can be damaged by
a half-finished refresh; in both cases the user must see what went wrong and what to do next.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lupcore.data import _dataset as dataset_module, _files as io

ROOT = Path(__file__).resolve().parents[2]
APP = "../../app.py"  # relative to this file (AppTest's rule)
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]


def run_with(area: str | None, page_file: str = "app.py") -> AppTest:
    """A first run of a new session on ``page_file``: an in-process cold deep link."""
    at = AppTest.from_file(APP, default_timeout=60)
    if area is not None:
        at.query_params["area"] = area
    if page_file != "app.py":
        at.switch_page(page_file)  # before the first run: pages/ discovery resolves it by file name
    return at.run()


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning] + [i.value for i in at.info]


@pytest.mark.parametrize(
    ("area", "shown"),
    [
        ("E99999999", "E99999999"),  # well-formed but no such council
        ("<script>alert(1)</script>", "script"),  # not a code at all; must not be rendered as HTML
        ("", None),  # no area: the landing state
    ],
    ids=["unknown-code", "markup", "empty"],
)
def test_bad_area_link_falls_back_to_the_picker(area: str, shown: str | None) -> None:
    at = run_with(area)
    assert not at.exception
    assert not at.error
    texts = notices(at)
    assert any("Choose a council" in t for t in texts), texts
    if shown is not None:
        assert any(shown in w.value for w in at.warning), "the ignored link value should be named"
    boxes = [s for s in at.text_input if s.label == "Locality"]
    assert boxes and all(not s.value for s in boxes)
    assert any(c.value == "No council chosen yet." for c in at.caption)
    assert "area" not in at.query_params, "an invalid area must not stay in the URL"
    assert not any("<script" in m.value for m in at.markdown), "link text rendered into markdown"


@pytest.mark.parametrize("page_file", PAGES)
def test_unknown_area_on_any_page(page_file: str) -> None:
    """Deep links to any page with a bad code get the same fallback, not a page-specific crash."""
    at = run_with("E99999999", page_file)
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.label == "Locality" for s in at.text_input)


# ----- a damaged data/ folder --------------------------------------------------------------

@pytest.fixture
def broken_observations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the loader at a copy of data/ whose observations.parquet is cut in half.

    ``load_dataset``'s folder is a default argument bound at import, so patching ``io.DATA_DIR``
    alone would not redirect it; the default itself is replaced. The cached dataset is cleared
    before (so the broken copy is read) and after (so later tests get the real data back).
    """
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    target = copy / "observations.parquet"
    target.write_bytes(target.read_bytes()[:100_000])
    monkeypatch.setattr(io, "DATA_DIR", copy)
    monkeypatch.setattr(dataset_module.load_dataset, "__defaults__", (copy,))
    st.cache_resource.clear()
    yield copy
    st.cache_resource.clear()


@pytest.mark.parametrize("page_file", ["app.py", *PAGES[1:2]])
def test_corrupt_data_file_gives_one_clear_error(broken_observations: Path, page_file: str) -> None:
    at = run_with("E08000030", page_file)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    assert "observations.parquet" in errors[0] and "make data" in errors[0]
