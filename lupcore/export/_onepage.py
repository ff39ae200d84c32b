"""The place on one sheet: an A4 page with the score, rank (and its range), every mission's status,
strengths, concerns, red-reds and the killer metrics, for a workshop table or the front of a pack.

Built from the same ``ReportBundle`` as the full report; laid out again with fewer bullet points
until it fits one page, so it never spills onto a second. Nothing on it tells the reader to click
or filter anything.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import partial

import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lupcore.export._pdf import _headline
from lupcore.export._pdfkit import FONT_DIR, MARGIN, WIDTH, NumberedCanvas, PdfWriter, data_table, pdf_fonts
from lupcore.export._report import OGL_URL, ReportBundle
from lupcore.format import format_number, format_value
from lupcore.model import Role
from lupcore.scoring import MetricRow, rag_text

__all__ = ["export_one_page", "killer_rows"]

MAX_KILLER = 8


def killer_rows(bundle: ReportBundle) -> tuple[str, list[MetricRow]]:
    """The chosen killer metrics, or (when none are chosen) the scored headline metrics, with a heading that says which."""
    chosen = bundle.card.settings.killer
    rows = [m for m in bundle.card.metrics if m.meta.id in chosen] if chosen else []
    if rows:
        return "Killer metrics (chosen for this view)", rows[:MAX_KILLER]
    headline = [m for m in bundle.card.metrics if m.meta.scorable and m.meta.role == Role.HEADLINE and m.value is not None]
    worst_first = sorted(headline, key=lambda m: (m.score if m.score is not None else 101))
    return "Headline metrics furthest behind (no killer metrics chosen)", worst_first[:MAX_KILLER]


def _missions(writer: PdfWriter, bundle: ReportBundle) -> list[Flowable]:
    frame = pd.DataFrame({
        "Mission": [m.mission.title for m in bundle.card.missions],
        "Status": [rag_text(m.rag) for m in bundle.card.missions],
        "Score": [format_number(m.score, 1) for m in bundle.card.missions],
        "Metrics with data": [m.coverage if m.applicable else "no local measure" for m in bundle.card.missions],
    })
    return [writer.p("Missions", writer.h2), data_table(writer, frame, (86, 30, 20, 44))]


def _killers(writer: PdfWriter, bundle: ReportBundle) -> list[Flowable]:
    title, rows = killer_rows(bundle)
    frame = pd.DataFrame({
        "Metric": [m.meta.shown_label for m in rows],
        "Value": [format_value(m.value, m.meta) for m in rows],
        "Status": [rag_text(m.rag) for m in rows],
        "Minimum": [format_value(m.minimum, m.meta) if m.meta.polarity else "–" for m in rows],
        "Target": [format_value(m.target, m.meta) if m.meta.polarity else "–" for m in rows],
    })
    if frame.empty:
        return [writer.p(title, writer.h2), writer.p("No headline metric has a value for this area.")]
    return [writer.p(title, writer.h2), data_table(writer, frame, (70, 28, 26, 28, 28))]


def _column(writer: PdfWriter, title: str, lines: Sequence[str]) -> list[Flowable]:
    return [writer.p(title, writer.head)] + [Paragraph(writer.text(line), writer.bullet, bulletText="•") for line in lines]


def _lists(writer: PdfWriter, bundle: ReportBundle, limit: int) -> list[Flowable]:
    s = bundle.summary
    strengths = s.strengths[:limit] or ("No metric is at or better than its target.",)
    concerns = s.concerns[:limit] or ("No metric is worse than its minimum.",)
    red_reds = [r for r in s.red_reds if not r.startswith("…")][:limit] or ["None."]
    extra = len(s.red_reds) - len(red_reds)
    if extra > 0 and red_reds != ["None."]:
        red_reds.append(f"…and {extra} more in the full report.")
    cells = [[_column(writer, "Strengths", strengths), _column(writer, "Concerns", concerns),
              _column(writer, "Red-reds: worse than the minimum and getting worse", red_reds)]]
    table = Table(cells, colWidths=[WIDTH / 3] * 3)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
    return [Spacer(1, 6), table]


def _story(writer: PdfWriter, bundle: ReportBundle, rank_range: str | None, limit: int) -> list[Flowable]:
    story = _headline(writer, bundle)
    if rank_range:
        story.append(writer.p(f"Rank range: {rank_range} (the middle 90% of 1,000 re-runs with the mission weights, "
                              "the score scale and the values varied within reason).", writer.small))
    licence = writer.text(bundle.attribution) + " " + writer.link("Open Government Licence v3.0", OGL_URL) + "."
    return (story + _missions(writer, bundle) + _lists(writer, bundle, limit) + _killers(writer, bundle)
            + [Spacer(1, 6),
               writer.p("✔ Green: at or better than the target · ◆ Amber: between the minimum and the target · "
                        "✖ Red: worse than the minimum · – Not rated: no value or no judgement. Every metric, its "
                        "source and period are in the full report.", writer.small),
               writer.p("", writer.tiny, markup=licence)])


def export_one_page(bundle: ReportBundle, rank_range: str | None = None) -> bytes:
    """The one-page A4 summary as PDF bytes (``rank_range``: e.g. '277th–292nd', when it has been computed)."""
    writer = PdfWriter(pdf_fonts(FONT_DIR))
    footer = writer.plain(f"{bundle.area_name} · Levelling Up on one page · {bundle.generated_date}")
    data = b""
    for limit in (4, 3, 2, 1):
        out = io.BytesIO()
        doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                bottomMargin=16 * mm, title=f"{bundle.area_name}: Levelling Up on one page",
                                author="Levelling Up Place Explorer", creator="Levelling Up Place Explorer")
        doc.build(_story(writer, bundle, rank_range, limit), canvasmaker=partial(NumberedCanvas, footer=footer,
                                                                             font=writer.regular))
        data = out.getvalue()
        if doc.page == 1:
            break
    return data
