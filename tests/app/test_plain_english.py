"""Plain English for a council officer: no internal references on any page, a home page that says what the
tool does with three example places, and the Data and methods page led by the plain guide with the
provenance tucked into a collapsed technical part."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pagekit import open_page

WALSALL = "E08000030"
PAGES = ["app.py", "pages/1_Scorecard.py", "pages/2_Weights.py", "pages/3_Map.py", "pages/4_Peers.py",
         "pages/5_Compare.py", "pages/6_Progress.py", "pages/7_What_if.py", "pages/8_Local_metrics.py",
         "pages/9_Export.py", "pages/10_Data_and_methods.py"]
# Words case-insensitive; a commit hash is lower-case hex with letters and digits (GSS codes are upper case).
INTERNAL = re.compile(r"(?i:§|\bCOINr\b|winsor|product brief|the brief\b|\bcommit\b|methods\.md|house-style)|"
                      r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b")


def visible_texts(at: AppTest) -> list[str]:
    """Every text the page shows or offers on hover: Markdown, captions, notices, headings, labels and help."""
    out: list[str] = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                 "expander", "metric", "toggle", "selectbox", "multiselect", "slider", "button", "radio",
                 "number_input", "text_input", "checkbox"):
        for element in at.get(kind):
            proto = element.proto
            for field in ("body", "label", "help", "value"):
                text = getattr(proto, field, None)
                if isinstance(text, str) and text:
                    out.append(text)
            out.extend(str(o) for o in getattr(proto, "options", ()))
    return out


@pytest.mark.parametrize("page", PAGES)
def test_no_internal_reference_reaches_a_user(page: str) -> None:
    at = open_page(page, area=WALSALL)
    found = [t[:160] for t in visible_texts(at) if INTERNAL.search(t)]
    assert not found, found


def test_the_detector_catches_what_was_shown_before() -> None:
    for text in ("as the product brief asks", "methodology §9", "data repository at commit 4972c588",
                 "after the COINr outlier rule", "up to five winsorisation steps"):
        assert INTERNAL.search(text), text
    assert not INTERNAL.search("Walsall E08000030: 295,678 people, 2019/20 to 2023/24")


def test_home_page_says_what_the_tool_does_with_three_examples() -> None:
    at = open_page()
    text = " ".join(m.value for m in at.markdown)
    assert "twelve Levelling Up missions" in text and "minimum and a target" in text
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    assert links.get("Walsall") == "area=E08000030", links
    assert links.get("Surrey") == "area=E10000030", links
    assert links.get("Bournemouth, Christchurch and Poole") == "area=E06000058", links


def test_data_and_methods_leads_with_plain_words_and_folds_the_technical_part() -> None:
    at = open_page("pages/10_Data_and_methods.py")
    assert "How the score is made" in at.markdown[1].value or any("How the score is made" in m.value
                                                                   for m in at.markdown[:3])
    technical = [e for e in at.expander if e.label.startswith("Technical details")]
    assert len(technical) == 1 and not technical[0].proto.expanded
    inside = " ".join(m.value for m in technical[0].markdown)
    assert "ONS Explore Local Statistics" in inside and "Choices we made, and why" in inside
