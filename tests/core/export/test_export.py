"""Each export read back with its own library, its numbers checked against the scorecard.

PDF with pypdf, PowerPoint with python-pptx, Excel with openpyxl, CSV with pandas. One Walsall
bundle from the real data serves the module; variants are built from it with ``dataclasses.replace``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont

from lupcore.data._dataset import Dataset
from lupcore.data._panel import build_panel
from lupcore.export import (
    FORMATS,
    MEDIA_TYPES,
    NO_DATA,
    SHEET_ORDER,
    ReportBundle,
    _pdf as export_pdf,
    build_bundle,
    export,
    export_csv,
    export_pptx,
    export_xlsx,
    file_name,
    number_format,
    scorecard_display,
)
from lupcore.format import format_number
from lupcore.model import Rag
from lupcore.peers import peer_group
from lupcore.scoring import RAG_STYLE, build_engine, rag_text
from lupcore.session import ViewState

CODE = "E08000030"
NOW = datetime(2026, 3, 5, 14, 2, tzinfo=UTC)
OGL_SENTENCE = "Contains public sector information licensed under the Open Government Licence v3.0."
EVIL = ("=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1:A9)")


@pytest.fixture(scope="module")
def bundle(dataset: Dataset) -> ReportBundle:
    view = ViewState(area=CODE)
    peers = peer_group(dataset, CODE, "ons-global", k=15)
    engine = build_engine(build_panel(dataset, "ltla"), view.settings, peers.codes)
    return build_bundle(dataset, engine, CODE, view, peers=peers, now=NOW)


@pytest.fixture(scope="module")
def crafted(bundle: ReportBundle) -> ReportBundle:
    """Two metric labels a spreadsheet would run as formulas, and one that is reportlab markup."""
    card = bundle.card
    metrics = list(card.metrics)
    for i, label in enumerate((*EVIL, "<b>Bold</b> & <i>co</i>")):
        metrics[i] = replace(metrics[i], meta=replace(metrics[i].meta, label=label))
    return replace(bundle, card=replace(card, metrics=tuple(metrics)))


@pytest.fixture(scope="module")
def pdf_text(bundle: ReportBundle) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(export_pdf.export_pdf(bundle)))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


# ----- PDF ---------------------------------------------------------------------------------------

def test_pdf_pages_headline_and_licence(bundle: ReportBundle, pdf_text: tuple[int, str]) -> None:
    pages, text = pdf_text
    flat = _flat(text)
    assert 2 <= pages <= 4
    assert "Walsall" in text
    assert format_number(bundle.card.overall, 1) in text
    assert bundle.card.rank_text in flat
    assert OGL_SENTENCE in flat
    assert "contains OS data © Crown copyright and database right 2025" in flat
    assert f"Page {pages} of {pages}" in text


def test_pdf_mission_table_rows_carry_rag_word(bundle: ReportBundle, pdf_text: tuple[int, str]) -> None:
    flat = _flat(pdf_text[1])
    for m in bundle.card.missions:
        score = NO_DATA if m.score is None else format_number(m.score, 1)
        assert f"{m.mission.title} {rag_text(m.rag)} {score}" in flat
    physical = dict(bundle.card.capitals)["physical"]
    assert f"Capitals: Physical {format_number(physical, 1)} (" in flat and "Financial: no scored metric" in flat


def test_pdf_scorecard_and_method(bundle: ReportBundle, pdf_text: tuple[int, str]) -> None:
    flat = _flat(pdf_text[1])
    for row in scorecard_display({"Scorecard": _scorecard(bundle)}).itertuples(index=False):
        assert f"{row.Value} {row.Period} {row.Minimum} {row.Target} {row.Status}" in flat, row.Metric
    assert "Method settings used" in flat and "Upper quartile" in flat
    assert "Office for National Statistics" in flat


def _scorecard(bundle: ReportBundle) -> pd.DataFrame:
    from lupcore.export import bundle_tables

    return bundle_tables(bundle)["Scorecard"]


def test_pdf_glyphs_are_all_in_the_font(pdf_text: tuple[int, str]) -> None:
    """With DejaVu Sans every character printed has a glyph: no missing-glyph boxes.

    The font is a dependency of the PDF (``.ci/run`` installs it), so its absence fails, never skips.
    """
    regular, _, symbols = export_pdf.pdf_fonts(export_pdf.FONT_DIR)
    if not symbols:
        pytest.fail(f"DejaVu Sans not found in {export_pdf.FONT_DIR}: apt-get install fonts-dejavu-core", pytrace=False)
    face = TTFont("check", str(export_pdf.FONT_DIR / "DejaVuSans.ttf")).face
    missing = {ch for ch in pdf_text[1] if not ch.isspace() and ord(ch) not in face.charToGlyph}
    assert missing == set()
    assert "✔ Green" in pdf_text[1] and "✖ Red" in pdf_text[1]


def test_pdf_without_dejavu_falls_back_to_words(crafted: ReportBundle, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    """No font file: Helvetica, symbols dropped, words kept; user text is printed, never read as markup."""
    monkeypatch.setattr(export_pdf, "FONT_DIR", tmp_path)  # an empty folder: no font files
    reader = PdfReader(io.BytesIO(export_pdf.export_pdf(crafted)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert 2 <= len(reader.pages) <= 4
    assert not set(text) & {"✔", "◆", "✖", "▲", "▼", "−"}
    assert "Red" in text and "Not rated" in text
    assert all(ord(ch) < 256 or ch in "–—‘’“”•…€" for ch in text)  # WinAnsi only
    assert "<b>Bold</b> & <i>co</i>" in _flat(text)


def test_pdf_long_optional_tables_still_fit(bundle: ReportBundle) -> None:
    rows = 40
    progress = pd.DataFrame({"Metric": [f"Metric {i}" for i in range(rows)], "Baseline": [float(i) for i in range(rows)],
                             "Latest": [i + 0.5 for i in range(rows)], "Change": ["+0.5"] * rows})
    scenarios = pd.DataFrame({"Scenario": ["A"] * rows, "Metric": [f"Metric {i}" for i in range(rows)],
                              "Overall score": [50.0] * rows, "Rank": ["100th of 294"] * rows})
    long = replace(bundle, progress=progress, scenarios=scenarios)
    reader = PdfReader(io.BytesIO(export_pdf.export_pdf(long)))
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert 2 <= len(reader.pages) <= 4
    assert "Progress since the baseline" in text and "What-if scenarios" in text
    assert "more rows in the Excel export" in text


# ----- PowerPoint --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def deck(bundle: ReportBundle) -> Presentation:
    return Presentation(io.BytesIO(export_pptx(bundle)))


def _titles(deck: Presentation) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else "" for s in deck.slides]


def _tables(slide: object) -> list[object]:
    return [shape.table for shape in slide.shapes if shape.has_table]


def test_pptx_is_16_9_with_a_slide_per_section(deck: Presentation) -> None:
    assert (deck.slide_width, deck.slide_height) == (Emu(12192000), Emu(6858000))  # 13.333 × 7.5 in
    titles = _titles(deck)
    for section in ("Missions: red, amber, green", "Mission scores against their minimum and target",
                    "Strengths, concerns and red-reds", "Peers: ONS similar areas (global model)",
                    "Method settings used", "Sources and licence"):
        assert section in titles
    assert any(t.startswith("Every metric (1 of ") for t in titles)
    assert any(t.startswith("Where Walsall sits among comparable areas") for t in titles)
    assert not any(t.startswith(("Progress", "What-if")) for t in titles)  # none set in this session


def test_pptx_title_slide_headline(bundle: ReportBundle, deck: Presentation) -> None:
    text = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert deck.slides[0].shapes.title.text == "Walsall"
    assert "Walsall" in text and bundle.card.rank_text in text and bundle.overall_text in text


def test_pptx_missions_table_matches_scorecard(bundle: ReportBundle, deck: Presentation) -> None:
    slide = deck.slides[_titles(deck).index("Missions: red, amber, green")]
    (table,) = _tables(slide)
    assert [table.cell(0, c).text for c in range(6)][:3] == ["Mission", "Status", "Score"]
    for r, m in enumerate(bundle.card.missions, start=1):
        assert table.cell(r, 0).text == m.mission.title
        assert table.cell(r, 1).text == rag_text(m.rag)
        assert table.cell(r, 2).text == (NO_DATA if m.score is None else format_number(m.score, 1))
        fill = table.cell(r, 1).fill.fore_color.rgb
        assert str(fill) == RAG_STYLE[m.rag].colour.lstrip("#").upper()


def test_pptx_scorecard_slides_hold_every_scored_metric(bundle: ReportBundle, deck: Presentation) -> None:
    rows = []
    for slide, title in zip(deck.slides, _titles(deck), strict=True):
        if title.startswith("Every metric"):
            (table,) = _tables(slide)
            rows += [[table.cell(r, c).text for c in range(len(table.columns))] for r in range(1, len(table.rows))]
    scored = [m for m in bundle.card.metrics if m.meta.scorable]
    assert len(rows) == len(scored)
    by_metric = {r[1]: r for r in rows}
    for m in scored:
        assert by_metric[m.meta.label][6] == rag_text(m.rag)


def test_pptx_chart_slides_have_pictures(deck: Presentation) -> None:
    for slide, title in zip(deck.slides, _titles(deck), strict=True):
        if title.startswith(("Where Walsall", "Mission scores")):
            assert any(shape.shape_type == 13 for shape in slide.shapes)  # MSO_SHAPE_TYPE.PICTURE


def test_pptx_optional_sections_appear_when_set(bundle: ReportBundle) -> None:
    scenarios = pd.DataFrame({"Scenario": ["Jobs push"], "Overall score": [48.25]})
    deck = Presentation(io.BytesIO(export_pptx(replace(bundle, scenarios=scenarios))))
    slide = deck.slides[_titles(deck).index("What-if scenarios")]
    (table,) = _tables(slide)
    assert table.cell(1, 1).text == "48.2"


# ----- Excel -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workbook(bundle: ReportBundle) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_xlsx(bundle)))


def _records(ws: object) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_xlsx_sheets_header_and_panes(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["About", *SHEET_ORDER]
    ws = workbook["Scorecard"]
    assert [c.value for c in ws[1]][:4] == ["Area code", "Area name", "Mission", "Metric"]
    assert ws["A1"].font.bold and ws.freeze_panes == "E2"  # area and metric stay in view
    assert ws.column_dimensions["D"].width > 10


def test_xlsx_scorecard_values_are_numbers_equal_to_metric_rows(bundle: ReportBundle,
                                                                workbook: openpyxl.Workbook) -> None:
    ws = workbook["Scorecard"]
    records = {r["Indicator id"]: r for r in _records(ws)}
    assert len(records) == len(bundle.card.metrics)
    for m in bundle.card.metrics:
        value = records[m.meta.id]["Value"]
        if m.value is None:
            assert value == NO_DATA
        else:
            # stored as published (the metric's decimals), not with floating-point noise
            assert isinstance(value, float | int) and value == round(m.value, m.meta.decimals)
        assert (records[m.meta.id]["Area code"], records[m.meta.id]["Area name"]) == ("E08000030", "Walsall")
    header = [c.value for c in ws[1]]
    pay_row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("Indicator id")].value == "gross_weekly_pay")
    assert pay_row[header.index("Value")].number_format == number_format(bundle.card.metric("gross_weekly_pay").meta)


def test_xlsx_missions_and_rag_colours(bundle: ReportBundle, workbook: openpyxl.Workbook) -> None:
    ws = workbook["Missions"]
    for row, m in zip(ws.iter_rows(min_row=2), bundle.card.missions, strict=True):
        row = row[2:]  # after the area code and name
        assert row[0].value == m.mission.title and row[1].value == rag_text(m.rag)
        assert row[1].fill.fgColor.rgb.endswith(RAG_STYLE[m.rag].colour.lstrip("#").upper())
        assert row[2].value == (NO_DATA if m.score is None else round(m.score, 1))


def test_xlsx_about_sheet_and_empty_sections(workbook: openpyxl.Workbook) -> None:
    about = {r["Field"]: r["Value"] for r in _records(workbook["About"])}
    assert OGL_SENTENCE in about["Licence and attribution"]
    assert about["Generated"] == "5 March 2026 at 14:02 UTC"
    assert workbook["Scenarios"]["A1"].value == "Note"  # explained, not a blank sheet


def test_xlsx_neutralises_formula_text(crafted: ReportBundle) -> None:
    """Would-be formulas are typed text with Excel's quote prefix: never stored or run as a formula."""
    data = export_xlsx(crafted)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in xml or "<f " in xml for xml in sheets)
    ws = openpyxl.load_workbook(io.BytesIO(data))["Scorecard"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for evil in EVIL:
        assert cells[evil].data_type == "s" and cells[evil].quotePrefix
    assert not cells["Claimant count"].quotePrefix  # ordinary text is left alone


def test_xlsx_own_signed_text_reads_cleanly(bundle: ReportBundle) -> None:
    progress = pd.DataFrame({"Metric": ["Employment rate"], "Change (as shown)": ["+2.9 pp"]})
    ws = openpyxl.load_workbook(io.BytesIO(export_xlsx(replace(bundle, progress=progress))))["Progress"]
    assert ws["D2"].value == "+2.9 pp" and ws["D2"].quotePrefix and ws["D2"].data_type == "s"


# ----- CSV ---------------------------------------------------------------------------------------

def test_csv_rows_and_values_match_the_scorecard(bundle: ReportBundle) -> None:
    data = export_csv(bundle)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads £ and ✔ as UTF-8
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", na_values=[NO_DATA], keep_default_na=False)
    assert len(frame) == len(bundle.card.metrics)
    assert set(frame["Area code"]) == {"E08000030"} and set(frame["Area name"]) == {"Walsall"}
    values = frame.set_index("Indicator id")["Value"]
    for m in bundle.card.metrics:
        assert (pd.isna(values[m.meta.id]) if m.value is None else values[m.meta.id] == round(m.value, m.meta.decimals))
    assert set(frame["Status"]) <= {rag_text(r) for r in Rag}


def test_csv_neutralises_formula_text(crafted: ReportBundle) -> None:
    text = export_csv(crafted).decode("utf-8-sig")
    for evil in EVIL:
        assert re.search(r"(^|,|\")'" + re.escape(evil.replace('"', '""')), text), evil
    frame = pd.read_csv(io.StringIO(text))
    assert not frame["Metric"].str.startswith(("=", "+", "-", "@")).any()


# ----- the dispatcher ----------------------------------------------------------------------------

def test_dispatcher_and_file_names(bundle: ReportBundle) -> None:
    assert set(FORMATS) == set(MEDIA_TYPES) == {"pdf", "pptx", "xlsx", "csv"}
    assert export(bundle, "csv") == export_csv(bundle)
    assert file_name(bundle, "pdf") == "walsall-levelling-up-summary-2026-03-05.pdf"
    assert file_name(bundle, "csv") == "walsall-scorecard-2026-03-05.csv"
    with pytest.raises(ValueError, match="Unknown export format"):
        export(bundle, "docx")


def test_csv_has_no_float_noise_and_unrounds_only_where_it_helps(bundle: ReportBundle) -> None:
    """'696.4000000000001' and '16.560654248069053' were in the file; now each number has its published decimals."""
    text = export_csv(bundle).decode("utf-8-sig")
    assert not re.search(r"\d\.\d{7,}", text), re.search(r"\d\.\d{7,}", text)
    assert "Value (unrounded)" in text.splitlines()[0]
