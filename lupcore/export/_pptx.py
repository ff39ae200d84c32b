"""The workshop deck: a 16:9 PowerPoint with one slide per section, long tables split across slides.

Every slide has a real title (so the outline and screen readers see the structure), RAG cells
carry colour and symbol and word, and numbers are the text the pages show.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.table import _Cell
from pptx.text.text import TextFrame
from pptx.util import Emu, Inches, Pt

from lupcore.export._charts import MISSIONS_LEGEND, missions_chart, missions_frame, spine_chart, to_png
from lupcore.export._report import (
    MISSIONS_DISPLAY,
    NO_DATA,
    ReportBundle,
    about_rows,
    bundle_tables,
    display_table,
    print_table,
    scorecard_display,
)
from lupcore.export._tables import capitals_line
from lupcore.scoring import MISSION_RAG_RULE, RAG_STYLE, rag_from_text

WIDTH, HEIGHT, MARGIN = Emu(12_192_000), Emu(6_858_000), Inches(0.5)  # 13⅓ × 7½ in: PowerPoint's 16:9
BODY_TOP = Inches(1.2)
DARK, GREY, HEADER = RGBColor(0x1F, 0x2A, 0x37), RGBColor(0x59, 0x59, 0x59), RGBColor(0xDD, 0xE3, 0xEA)
ROWS_PER_SLIDE = 11
SPINE_PER_SLIDE = 22


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _text(frame: TextFrame, lines: Sequence[str], size: int, bold_first: bool = False, colour: RGBColor = DARK) -> None:
    """Fill a text frame with one paragraph per line (wrapping on)."""
    frame.word_wrap = True
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size, run.font.color.rgb = Pt(size), colour
        run.font.bold = bold_first and i == 0


def _box(slide: Slide, left: int, top: int, width: int, height: int, lines: Sequence[str], size: int = 14,
         bold_first: bool = False, colour: RGBColor = DARK) -> None:
    _text(slide.shapes.add_textbox(left, top, width, height).text_frame, lines, size, bold_first, colour)


def _slide(deck: Deck, bundle: ReportBundle, title: str, notes: str = "") -> Slide:
    """A 'Title Only' slide with its title moved to fit 16:9, a footer, and optional speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    head = slide.shapes.title
    head.left, head.top, head.width, head.height = MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.8)
    head.text = title
    para = head.text_frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    para.runs[0].font.size, para.runs[0].font.bold, para.runs[0].font.color.rgb = Pt(28), True, DARK
    _box(slide, MARGIN, HEIGHT - Inches(0.45), WIDTH - 2 * MARGIN, Inches(0.3),
         [f"{bundle.area_name} · Levelling Up summary · {bundle.generated_date} · Levelling Up Place Explorer"],
         size=10, colour=GREY)
    if notes:
        slide.notes_slide.notes_text_frame.text = notes
    return slide


def _fill_cell(cell: _Cell, text: str, size: int, header: bool) -> None:
    cell.text = text
    cell.margin_left = cell.margin_right = Inches(0.05)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    rag = None if header else rag_from_text(text)
    colour = DARK
    if header or rag is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = HEADER if header else _rgb(RAG_STYLE[rag].colour)
        colour = DARK if header else _rgb(RAG_STYLE[rag].text_colour)
    for para in cell.text_frame.paragraphs:
        for run in para.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), header or rag is not None, colour


def _table(slide: Slide, frame: pd.DataFrame, widths: Sequence[float], size: int = 12, top: int = BODY_TOP) -> None:
    """A native table (editable in PowerPoint) with a shaded header row and coloured RAG cells."""
    shape = slide.shapes.add_table(len(frame) + 1, len(frame.columns), MARGIN, top,
                                   Inches(sum(widths)), Inches(0.32) * (len(frame) + 1))
    table = shape.table
    for c, width in enumerate(widths):
        table.columns[c].width = Inches(width)
    for c, name in enumerate(frame.columns):
        _fill_cell(table.cell(0, c), str(name), size, header=True)
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        for c, value in enumerate(row):
            _fill_cell(table.cell(r, c), str(value), size, header=False)


def _picture(slide: Slide, png: bytes, top: int = BODY_TOP, max_height: int = Inches(5.7)) -> None:
    """A chart image, as wide as the slide allows without running past ``max_height``."""
    pic = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, width=WIDTH - 2 * MARGIN)
    if pic.height > max_height:
        ratio = max_height / pic.height
        pic.width, pic.height = Emu(int(pic.width * ratio)), Emu(int(max_height))
        pic.left = Emu(int((WIDTH - pic.width) / 2))


def _chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    return [frame.iloc[i:i + size] for i in range(0, len(frame), size)] or [frame]


def _title_slide(deck: Deck, bundle: ReportBundle) -> None:
    """The 'Title Slide' layout (a real title for the outline), its placeholders moved to fit 16:9."""
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    for shape, top, height in ((title, Inches(0.7), Inches(1.0)), (subtitle, Inches(1.7), Inches(0.9))):
        shape.left, shape.top, shape.width, shape.height = MARGIN, top, WIDTH - 2 * MARGIN, height
    title.text, subtitle.text = bundle.area_name, f"Levelling Up summary · {dict(about_rows(bundle))['Area']}"
    for shape, size in ((title, 40), (subtitle, 18)):
        para = shape.text_frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        para.runs[0].font.size, para.runs[0].font.color.rgb = Pt(size), DARK if size == 40 else GREY
        para.runs[0].font.bold = size == 40
    _box(slide, MARGIN, Inches(3.0), WIDTH - 2 * MARGIN, Inches(2.4),
         [f"Levelling Up score: {bundle.overall_text}", f"Rank: {bundle.card.rank_text}", bundle.summary.headline],
         size=20, bold_first=True)
    _box(slide, MARGIN, Inches(6.1), WIDTH - 2 * MARGIN, Inches(1.0),
         [f"Generated {bundle.generated_text}. {bundle.data_note}", bundle.attribution], size=10, colour=GREY)


def _missions_slides(deck: Deck, bundle: ReportBundle, tables: dict[str, pd.DataFrame]) -> None:
    gaps = [f"{m}: {g}" for m, g in zip(tables["Missions"]["Mission"], tables["Missions"]["Gaps in local measures"],
                                        strict=True) if g]
    notes = (MISSION_RAG_RULE + f"\n\nCapitals: {capitals_line(tables['Capitals'])}"
             + ("\n\nGaps in local measures:\n" + "\n".join(gaps) if gaps else ""))
    slide = _slide(deck, bundle, "Missions: red, amber, green", notes=notes)
    _table(slide, display_table(tables["Missions"], MISSIONS_DISPLAY), (4.2, 1.8, 1.2, 1.5, 1.5, 2.1), size=13)
    frame = missions_frame(bundle.card)
    if frame["score"].notna().any():  # no scored mission: nothing honest to draw
        slide = _slide(deck, bundle, "Mission scores against their minimum and target", notes=MISSIONS_LEGEND)
        _picture(slide, to_png(missions_chart(frame), width=900, font_size=15), max_height=Inches(5.2))
        _box(slide, MARGIN, Inches(6.5), WIDTH - 2 * MARGIN, Inches(0.4), [MISSIONS_LEGEND], size=11, colour=GREY)


def _scorecard_slides(deck: Deck, bundle: ReportBundle, tables: dict[str, pd.DataFrame]) -> None:
    parts = _chunks(scorecard_display(tables), ROWS_PER_SLIDE)
    for i, part in enumerate(parts, start=1):
        slide = _slide(deck, bundle, f"Every metric ({i} of {len(parts)})")
        _table(slide, part, (2.2, 3.2, 1.15, 1.2, 1.15, 1.15, 1.2, 1.45), size=11)


def _summary_slide(deck: Deck, bundle: ReportBundle) -> None:
    slide = _slide(deck, bundle, "Strengths, concerns and red-reds", notes=bundle.summary.headline)
    s = bundle.summary
    columns = (("Strengths", s.strengths or ("No metric is at or better than its target.",)),
               ("Concerns", s.concerns or ("No metric is below its minimum.",)),
               ("Red-reds: worse than the minimum and getting worse", s.red_reds or ("None.",)))
    width = (WIDTH - 2 * MARGIN - Inches(0.4)) / 3
    for k, (head, lines) in enumerate(columns):
        left = MARGIN + int(k * (width + Inches(0.2)))
        _box(slide, left, BODY_TOP, int(width), Inches(5.6), [head, *(f"• {line}" for line in lines)], size=13,
             bold_first=True)


def _peers_slide(deck: Deck, bundle: ReportBundle, tables: dict[str, pd.DataFrame]) -> None:
    if bundle.peers is None:
        slide = _slide(deck, bundle, "Peers")
        _box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(1), ["No peer group was formed for this area."])
        return
    slide = _slide(deck, bundle, f"Peers: {bundle.peers.label}")
    names = [f"{i}. {name}" for i, (_, name) in enumerate(bundle.peer_names, start=1)]
    half = (len(names) + 1) // 2
    _box(slide, MARGIN, BODY_TOP, Inches(3.3), Inches(5.5), names[:half], size=14)
    _box(slide, MARGIN + Inches(3.4), BODY_TOP, Inches(3.3), Inches(5.5), names[half:], size=14)
    comparison = tables["Peer comparison"]
    if len(comparison):
        sides = comparison["Compared with peer median"].value_counts()
        lines = [f"Against the peer median on {len(comparison)} scored metrics:",
                 f"better on {sides.get('better', 0)}, worse on {sides.get('worse', 0)}, "
                 f"the same on {sides.get('the same', 0)}, no data on {sides.get(NO_DATA, 0)}.",
                 "Each metric's position among the area and its peers is in the Excel export."]
        _box(slide, MARGIN + Inches(7.0), BODY_TOP, Inches(5.3), Inches(3), lines, size=16, bold_first=True)


def _optional_slides(deck: Deck, bundle: ReportBundle, tables: dict[str, pd.DataFrame]) -> None:
    for name, title in (("Progress", "Progress since the baseline"), ("Scenarios", "What-if scenarios")):
        frame = tables[name]
        if frame.empty:
            continue
        shown = print_table(frame)
        parts = _chunks(shown, ROWS_PER_SLIDE)
        width = 12.3 / len(shown.columns)
        for i, part in enumerate(parts, start=1):
            slide = _slide(deck, bundle, title + (f" ({i} of {len(parts)})" if len(parts) > 1 else ""))
            _table(slide, part, [width] * len(shown.columns), size=11 if len(shown.columns) < 8 else 9)


def _spine_slides(deck: Deck, bundle: ReportBundle) -> None:
    spine = bundle.spine
    parts = [spine.iloc[i:i + SPINE_PER_SLIDE] for i in range(0, len(spine), SPINE_PER_SLIDE)]
    for i, part in enumerate(parts, start=1):
        slide = _slide(deck, bundle, f"Where {bundle.area_name} sits among comparable areas"
                       + (f" ({i} of {len(parts)})" if len(parts) > 1 else ""),
                       notes="Grey bar: every comparable area from worst (left) to best (right); darker grey: the "
                             "middle half; white tick: median; black tick: minimum; blue tick: target; marker: this "
                             "area (▲ green, ◆ amber, ▼ red).")
        _picture(slide, to_png(spine_chart(part), width=820, font_size=14), max_height=Inches(5.8))


def _method_slides(deck: Deck, bundle: ReportBundle, tables: dict[str, pd.DataFrame]) -> None:
    settings = tables["Settings"][tables["Settings"]["Setting"].ne("Mission status rule")]
    slide = _slide(deck, bundle, "Method settings used", notes=MISSION_RAG_RULE)
    _table(slide, settings, (4.0, 8.3), size=10)
    slide = _slide(deck, bundle, "Sources and licence")
    sources = tables["Sources"]
    lines = [f"{m}: {s} ({p})" for m, s, p in zip(sources["Metric"], sources["Source"], sources["Period used"],
                                                   strict=True)]
    half = (len(lines) + 1) // 2
    column = (WIDTH - 2 * MARGIN - Inches(0.3)) / 2
    _box(slide, MARGIN, BODY_TOP, int(column), Inches(4.9), lines[:half], size=8)
    _box(slide, MARGIN + int(column) + Inches(0.3), BODY_TOP, int(column), Inches(4.9), lines[half:], size=8)
    _box(slide, MARGIN, Inches(6.2), WIDTH - 2 * MARGIN, Inches(0.8),
         [bundle.attribution, f"Links and caveats for every source are in the Excel export. {bundle.data_note}"],
         size=10, colour=GREY)


def export_pptx(bundle: ReportBundle) -> bytes:
    """The deck as bytes: title, missions, every metric, summary, peers, progress and what-ifs (if set),
    spine charts, method and sources."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = bundle.title
    deck.core_properties.author = "Levelling Up Place Explorer"
    tables = bundle_tables(bundle)
    _title_slide(deck, bundle)
    _missions_slides(deck, bundle, tables)
    _scorecard_slides(deck, bundle, tables)
    _summary_slide(deck, bundle)
    if bundle.room_said:  # a workshop room is attached: its view, in plain text (never markup)
        _box(_slide(deck, bundle, "What the room said"), MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(5.6),
             [f"• {line}" for line in bundle.room_said], size=14)
    _peers_slide(deck, bundle, tables)
    _optional_slides(deck, bundle, tables)
    _spine_slides(deck, bundle)
    _method_slides(deck, bundle, tables)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
