"""Every text colour the app and its exports put on a fill reaches WCAG AA contrast (4.5:1)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from lupcore.model import Rag
from lupcore.scoring import AA_TEXT, RAG_STYLE, contrast_ratio

ROOT = Path(__file__).resolve().parents[3]


def test_formula_matches_known_pairs() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#fff", "#fff") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near-miss grey
    assert contrast_ratio("#ffffff", "#D55E00") == pytest.approx(3.86, abs=0.01)  # what axe reported before
    with pytest.raises(ValueError):
        contrast_ratio("red", "#ffffff")


@pytest.mark.parametrize("rag", list(Rag))
def test_status_word_on_its_colour_is_readable(rag: Rag) -> None:
    """Status cells, badges, the PDF, slides and the workbook all draw text_colour on colour."""
    style = RAG_STYLE[rag]
    assert contrast_ratio(style.text_colour, style.colour) >= AA_TEXT, style


def test_theme_text_and_links_are_readable() -> None:
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    background = theme.get("backgroundColor", "#ffffff")
    assert contrast_ratio(theme["textColor"], background) >= AA_TEXT
    assert contrast_ratio(theme["primaryColor"], background) >= AA_TEXT  # links and focused labels
