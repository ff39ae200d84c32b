"""Unit tests for lupcore.sanitise: formula (CSV) injection in exports, HTML and control characters in user text."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from lupcore.sanitise import (
    FORMULA_PREFIXES,
    clean_text,
    contains_html,
    looks_like_formula,
    neutralise_cell,
    neutralise_frame,
    strip_control,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
    ("+44 20 7946 0000", "'+44 20 7946 0000"),
    ("-1+1", "'-1+1"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Walsall", "Walsall"),
    ("", ""),
    (" =1", " =1"),  # OWASP: only the first character matters to the spreadsheet
    (-1.5, -1.5),
    (-3, -3),
    (None, None),
])
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


def test_neutralise_cell_leaves_numbers_of_every_kind() -> None:
    for number in (np.float64(-2.5), np.int64(-7), True, pd.Timestamp("2024-01-01")):
        assert neutralise_cell(number) is number


def test_neutralise_frame_changes_text_only() -> None:
    frame = pd.DataFrame(
        {"name": ["=cmd|' /C calc'!A0", "Walsall", None], "value": [-1.0, 2.0, np.nan], "count": [-1, 0, 1],
         "label": pd.Categorical(["+x", "y", "+x"]),
         "note": pd.array(["@a", pd.NA, "b"], dtype="string"), "=total": [1, 2, 3]},
        index=pd.Index(["-a", "b", "c"], name="area"))
    out = neutralise_frame(frame)
    assert out["name"].tolist()[:2] == ["'=cmd|' /C calc'!A0", "Walsall"] and pd.isna(out["name"].iloc[2])
    assert out["label"].tolist() == ["'+x", "y", "'+x"]
    assert out["note"].iloc[0] == "'@a" and out["note"].isna().iloc[1]
    assert list(out.columns) == ["name", "value", "count", "label", "note", "'=total"]
    assert out.index.tolist() == ["'-a", "b", "c"] and out.index.name == "area"
    assert out["value"].dtype == np.float64 and out["count"].dtype == np.int64 and out["note"].dtype == "string"
    assert out["value"].tolist()[:2] == [-1.0, 2.0]
    assert frame["name"].iloc[0].startswith("=")  # the input is not changed


def test_neutralised_csv_has_no_cell_a_spreadsheet_would_run() -> None:
    frame = pd.DataFrame({"a": ["=1+1", "+2", "-3-3", "@x", "\tq", "safe"], "b": [-1, -2, -3, -4, -5, -6]})
    text = neutralise_frame(frame).to_csv(index=False)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
    assert [cell for cell in cells if cell.startswith("-")] == ["-1", "-2", "-3", "-4", "-5", "-6"]  # numbers only


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    out = neutralise_cell(text)
    assert not str(out).startswith(FORMULA_PREFIXES)
    assert str(out).endswith(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("=A1", True), ("+A1", True), ("-1+1", True), ("@SUM(A1)", True), ("  =A1", True), ("\tA1", True),
    ("\rA1", True), ("-12.5", False), ("+3", False), ("1e-5", False), ("-", False), ("Walsall", False), ("", False),
    ("a=b", False),
])
def test_looks_like_formula(text: str, expected: bool) -> None:
    assert looks_like_formula(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("<b>bold</b>", True), ("<script>alert(1)</script>", True), ("</p>", True), ("<!-- x -->", True),
    ("<img src=x onerror=alert(1)>", True), ("&#60;script&#62;", True), ("&lt;b&gt;", True), ("JavaScript:alert(1)", True),
    ("<5", False), ("a < b > c", False), ("R&D spend", False), ("Fish & chips; peas", False), ("", False),
])
def test_contains_html(text: str, expected: bool) -> None:
    assert contains_html(text) is expected


def test_strip_control_removes_hidden_characters() -> None:
    assert strip_control(" Town\x00 centre\u202e\u200b  foot\nfall \ufeff") == "Town centre foot fall"


@pytest.mark.parametrize(("text", "cleaned", "problem"), [
    ("  Town   centre\tfootfall ", "Town centre footfall", None),
    (None, "", None),
    ("x" * 13, "x" * 13, "The name is 13 characters long; keep it to 12 or fewer."),
    ("<b>Footfall</b>", "<b>Footfall</b>", "The name contains HTML such as '<b>' or '&#60;'; use plain text only."),
    ("=1+1", "=1+1", "The name starts with '=', so a spreadsheet would run it as a formula; start it with a letter "
                     "or a number instead."),
    ("-5 is fine", "-5 is fine", "The name starts with '-', so a spreadsheet would run it as a formula; start it with "
                                 "a letter or a number instead."),
    ("-5", "-5", None),
])
def test_clean_text(text: str | None, cleaned: str, problem: str | None) -> None:
    assert clean_text(text, max_len=12 if problem and "long" in problem else 120, label="The name") == (cleaned, problem)
