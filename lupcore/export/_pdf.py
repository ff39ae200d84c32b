"""The printable summary: an A4 PDF of two to four pages for a committee paper or a workshop pack.

Page 1 carries the headline, the mission RAG table and strengths and concerns; then every scored
metric, peers, progress and what-ifs, the charts, and last the method, sources and licence. RAG is
colour plus symbol and word (fonts and building blocks: ``export_pdfkit``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import BalancedColumns

from lupcore.export._charts import missions_chart, missions_frame, spine_chart, to_png
from lupcore.export._pdfkit import (
    BAND,
    FONT_DIR,
    MARGIN,
    WIDTH,
    FitImage,
    NumberedCanvas,
    PdfWriter,
    data_table,
    image,
    pdf_fonts,
)
from lupcore.export._report import (
    MISSIONS_DISPLAY,
    NO_DATA,
    OGL_URL,
    ReportBundle,
    about_rows,
    bundle_tables,
    display_table,
    print_table,
    scorecard_display,
)
from lupcore.export._tables import capitals_line
from lupcore.format import format_number
from lupcore.scoring import MISSION_RAG_RULE, RAG_STYLE

__all__ = ["FONT_DIR", "MAX_PAGES", "export_pdf", "pdf_fonts"]

MAX_PAGES = 4


def _headline(writer: PdfWriter, bundle: ReportBundle) -> list[Flowable]:
    """Name, place and date, then a band: score with its RAG (colour and word), rank, the one-line summary."""
    f, card = bundle.facts, bundle.card
    where = " · ".join(str(v) for v in (f.get("kind"), f.get("region") or f.get("nation"), f["code"]) if v)
    rag = RAG_STYLE[card.overall_rag]
    on_rag = ParagraphStyle("on_rag", parent=writer.body, textColor=colors.HexColor(rag.text_colour))
    big = ParagraphStyle("big", parent=on_rag, fontName=writer.bold, fontSize=16, leading=19)
    label = ParagraphStyle("label", parent=writer.small, fontSize=6.5)
    cells = [[[writer.p("LEVELLING UP SCORE (0–100)", ParagraphStyle("l2", parent=label, textColor=on_rag.textColor)),
               writer.p(format_number(card.overall, 1) if card.overall is not None else NO_DATA, big),
               writer.p(f"{rag.symbol} {rag.word}", ParagraphStyle("w", parent=on_rag, fontName=writer.bold))],
              [writer.p("RANK", label), writer.p(card.rank_text, ParagraphStyle("r", parent=writer.body,
                                                                               fontName=writer.bold))],
              [writer.p("IN SHORT", label), writer.p(bundle.summary.headline)]]]
    band = Table(cells, colWidths=[38 * mm, 50 * mm, WIDTH - 88 * mm])
    band.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, 0), colors.HexColor(rag.colour)),
                              ("BACKGROUND", (1, 0), (-1, 0), BAND),
                              ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 5),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 5), ("LEFTPADDING", (0, 0), (-1, -1), 6)]))
    return [writer.p(bundle.area_name, writer.h1),
            writer.p(f"Levelling Up summary · {where} · generated {bundle.generated_date}", writer.small),
            Spacer(1, 6), band]


def _missions(writer: PdfWriter, tables: dict[str, pd.DataFrame]) -> list[Flowable]:
    """The mission RAG table, the rule behind it, and plainly where local measures are missing or stale."""
    missions = tables["Missions"]
    frame = display_table(missions, MISSIONS_DISPLAY)
    gaps = [writer.p("", writer.small, markup=f"<b>{writer.text(m)}:</b> {writer.text(g)}")
            for m, g in zip(missions["Mission"], missions["Gaps in local measures"], strict=True) if g]
    return [writer.p("Missions", writer.h2), data_table(writer, frame, (66, 24, 16, 22, 22, 30)),
            Spacer(1, 2), writer.p(MISSION_RAG_RULE, writer.small),
            Spacer(1, 3), writer.p("", writer.small, markup=f"<b>Capitals:</b> {writer.text(capitals_line(tables['Capitals']))}"),
            *([Spacer(1, 3), writer.p("Gaps in local measures", writer.head), *gaps] if gaps else [])]


def _bullets(writer: PdfWriter, title: str, lines: Sequence[str]) -> list[Flowable]:
    return [writer.p(title, writer.h2)] + [Paragraph(writer.text(line), writer.bullet, bulletText="•") for line in lines]


def _summary(writer: PdfWriter, bundle: ReportBundle) -> list[Flowable]:
    s = bundle.summary
    return (_bullets(writer, "Strengths", s.strengths or ("No metric is at or better than its target.",))
            + _bullets(writer, "Concerns", s.concerns or ("No metric is below its minimum.",))
            + _bullets(writer, "Red-reds: worse than the minimum and getting worse", s.red_reds or ("None.",)))


def _scorecard(writer: PdfWriter, tables: dict[str, pd.DataFrame]) -> list[Flowable]:
    """Every scored metric under a spanning heading per mission (a column of repeats would cost width)."""
    frame = scorecard_display(tables)
    body, groups = [], []
    for mission, part in frame.groupby("Mission", sort=False):
        groups.append(len(body) + 1)
        body.append({"Metric": f"Mission {mission}"})
        body += part.drop(columns="Mission").to_dict("records")
    table = pd.DataFrame(body, columns=[c for c in frame.columns if c != "Mission"]).fillna("")
    note = ("Context metrics (not scored) and each benchmark's basis are in the Excel and CSV exports. "
            "✔ Green: at or better than target; ◆ Amber: between minimum and target; ✖ Red: worse than the minimum; "
            "– Not rated: no value or no judgement.")
    return [writer.p("Every scored metric", writer.h2), data_table(writer, table, (52, 27, 17, 24, 24, 14, 22), groups),
            Spacer(1, 2), writer.p(note, writer.small)]


def _peers(writer: PdfWriter, bundle: ReportBundle, tables: dict[str, pd.DataFrame]) -> list[Flowable]:
    out: list[Flowable] = [writer.p("Peers", writer.h2)]
    if bundle.peers is None:
        return out + [writer.p("No peer group was formed for this area.")]
    names = ", ".join(name for _, name in bundle.peer_names)
    out.append(writer.p("", markup=f"<b>{writer.text(bundle.peers.label)}:</b> {writer.text(names)}."))
    comparison = tables["Peer comparison"]
    if len(comparison):
        sides = comparison["Compared with peer median"].value_counts()
        out.append(writer.p(f"Against the peer median on {len(comparison)} scored metrics, {bundle.area_name} is "
                            f"better on {sides.get('better', 0)}, worse on {sides.get('worse', 0)} and the same on "
                            f"{sides.get('the same', 0)}; each metric's position is in the Excel export."))
    return out


@dataclass(frozen=True)
class _Fit:
    """How hard to squeeze: tried in order until the summary fits ``MAX_PAGES``."""

    optional_rows: int
    missions_chart: bool
    spine_min_mm: float


FITS = (_Fit(15, True, 120), _Fit(10, False, 110), _Fit(6, False, 90))


def _optional(writer: PdfWriter, tables: dict[str, pd.DataFrame], fit: _Fit) -> list[Flowable]:
    """Progress and what-if tables when the session has them (first rows only; the workbook has all)."""
    out: list[Flowable] = []
    for name, title in (("Progress", "Progress since the baseline"), ("Scenarios", "What-if scenarios")):
        frame = tables[name]
        if frame.empty:
            continue
        shown = print_table(frame.head(fit.optional_rows))
        out += [writer.p(title, writer.h2), data_table(writer, shown, [WIDTH / mm / len(shown.columns)] * len(shown.columns))]
        if len(frame) > fit.optional_rows:
            out.append(writer.p(f"…and {len(frame) - fit.optional_rows} more rows in the Excel export.", writer.small))
    return out


def _chart_pngs(bundle: ReportBundle) -> dict[str, bytes]:
    """Both charts rendered once per export (vl-convert at scale 2), reused by every layout attempt."""
    pngs = {}
    frame = missions_frame(bundle.card)
    if frame["score"].notna().any():  # no scored mission: nothing honest to draw
        pngs["missions"] = to_png(missions_chart(frame), width=560, font_size=13)
    if len(bundle.spine):
        # Tighter rows and larger type than on screen: the image is scaled down to fit the page.
        chart = spine_chart(bundle.spine).properties(height=max(120, 17 * len(bundle.spine)))
        pngs["spine"] = to_png(chart, width=440, font_size=15)
    return pngs


def _charts(writer: PdfWriter, bundle: ReportBundle, pngs: dict[str, bytes], fit: _Fit) -> list[Flowable]:
    out: list[Flowable] = []
    if "missions" in pngs and fit.missions_chart:
        out += [writer.p("Mission scores against their minimum and target", writer.h2),
                image(pngs["missions"], WIDTH, 50 * mm)]
    if "spine" in pngs:
        # No keep-with-next here: it would measure the image against a whole page, not the space left.
        out += [CondPageBreak((fit.spine_min_mm + 20) * mm),
                writer.p(f"Where {bundle.area_name} sits among comparable areas", writer.h2_free),
                FitImage(pngs["spine"], max_height=200 * mm, min_height=fit.spine_min_mm * mm, reserve=12 * mm),
                writer.p(SPINE_NOTE, writer.small)]
    return out


SPINE_NOTE = ("Grey bar: every comparable area from worst (left) to best (right); darker grey: the middle half; "
              "white tick: median; black tick: minimum; blue tick: target; marker: this area "
              "(▲ green, ◆ amber, ▼ red).")


def _method(writer: PdfWriter, bundle: ReportBundle, tables: dict[str, pd.DataFrame]) -> list[Flowable]:
    settings = tables["Settings"]
    out: list[Flowable] = [writer.p("Method settings used", writer.h2), data_table(writer, settings, (52, WIDTH / mm - 52))]
    out += [writer.p(note, writer.small) for note in bundle.notes]
    src = tables["Sources"]
    shown = {m.meta.id for m in bundle.card.metrics if m.meta.scorable or m.meta.local}  # as "Every scored metric"
    src = src[src["Indicator id"].isin(shown)]
    items = [writer.p("", writer.tiny, markup=f"<b>{writer.text(m)}</b> ({writer.text(p)}): "
                      + (writer.link(s, link.split(" ")[0]) if link.startswith("https://") else writer.text(s)))
             for m, s, link, p in zip(src["Metric"], src["Source"], src["Link"], src["Period used"], strict=True)]
    about = dict(about_rows(bundle))
    licence = writer.text(bundle.attribution) + " " + writer.link("Open Government Licence v3.0", OGL_URL) + "."
    return out + [writer.p("Sources", writer.h2), BalancedColumns(items, nCols=2, spaceBefore=0, innerPadding=8),
                  writer.p("Licence and attribution", writer.h2), writer.p("", writer.small, markup=licence),
                  writer.p(f"Data: {about['Data']} Caveats for every source, and the sources of context metrics, "
                           "are in the Excel export.", writer.small),
                  writer.p(f"Generated {bundle.generated_text}. Reopen this view in the app by adding to its address: "
                           f"{bundle.link or '(nothing: default settings)'}", writer.small)]


def _build(writer: PdfWriter, bundle: ReportBundle, tables: dict[str, pd.DataFrame], pngs: dict[str, bytes],
           fit: _Fit) -> tuple[bytes, int]:
    story = (_headline(writer, bundle) + _missions(writer, tables) + _summary(writer, bundle)
             + (_bullets(writer, "What the room said", bundle.room_said) if bundle.room_said else [])
             + _scorecard(writer, tables) + _peers(writer, bundle, tables) + _optional(writer, tables, fit)
             + _charts(writer, bundle, pngs, fit) + _method(writer, bundle, tables))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=16 * mm, title=bundle.title, author="Levelling Up Place Explorer",
                            creator="Levelling Up Place Explorer",
                            subject=f"Levelling Up scorecard for {bundle.area_name}")
    footer = writer.plain(f"{bundle.area_name} · Levelling Up summary · {bundle.generated_date}")
    doc.build(story, canvasmaker=partial(NumberedCanvas, footer=footer, font=writer.regular))
    return out.getvalue(), doc.page


def export_pdf(bundle: ReportBundle) -> bytes:
    """The A4 summary as bytes, two to four pages.

    Laid out in full first; if that runs past ``MAX_PAGES`` (long progress or what-if tables), it
    is laid out again without the missions chart and with fewer optional rows (the workbook has
    every row), and a smaller spine chart.
    """
    writer = PdfWriter(pdf_fonts(FONT_DIR))  # module attribute, so a test can point it elsewhere
    tables = bundle_tables(bundle)
    pngs = _chart_pngs(bundle)
    for fit in FITS:
        data, pages = _build(writer, bundle, tables, pngs, fit)
        if pages <= MAX_PAGES:
            break
    return data
