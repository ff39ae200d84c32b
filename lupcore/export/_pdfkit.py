"""Building blocks of the PDF export: the font choice, text escaping, tables, images and page numbers.

Kept apart from ``export_pdf`` (which lays out the sections) so each stays small. The RAG
symbols need a font that has them: DejaVu Sans (Debian's fonts-dejavu-core) when present, else
Helvetica with the symbols dropped and the words kept, so a reader never sees a missing-glyph box.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from lupcore.scoring import RAG_STYLE, rag_from_text

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
# Helvetica (WinAnsi) lacks these; with it, symbols go and words stay ("✔ Green" → "Green").
_PLAIN = str.maketrans({"✔": "", "◆": "", "✖": "", "▲": "", "▼": "", "−": "-", "→": "->", "≥": ">=", "≤": "<="})
INK, MUTED, RULE, HEAD = (colors.HexColor(c) for c in ("#1F2A37", "#595959", "#C8CDD3", "#DDE3EA"))
BAND = colors.HexColor("#F2F4F7")


@lru_cache(maxsize=4)
def pdf_fonts(font_dir: Path = FONT_DIR) -> tuple[str, str, bool]:
    """(regular, bold, has symbols): DejaVu Sans registered once per process, else Helvetica."""
    regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        try:
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            pdfmetrics.registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold",
                                          italic="DejaVuSans", boldItalic="DejaVuSans-Bold")
            return "DejaVuSans", "DejaVuSans-Bold", True
        except (OSError, TTFError):
            pass
    return "Helvetica", "Helvetica-Bold", False


class PdfWriter:
    """Styles and text cleaning for one font choice, so every paragraph is escaped the same way."""

    def __init__(self, fonts: tuple[str, str, bool]) -> None:
        self.regular, self.bold, self.symbols = fonts
        base = ParagraphStyle("base", fontName=self.regular, fontSize=8.5, leading=11, textColor=INK)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=7, leading=8.6, textColor=MUTED)
        self.tiny = ParagraphStyle("tiny", parent=base, fontSize=6.2, leading=7.4, textColor=MUTED)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=6.6, leading=7.9)
        self.head = ParagraphStyle("head", parent=self.cell, fontName=self.bold)
        self.h1 = ParagraphStyle("h1", parent=base, fontName=self.bold, fontSize=20, leading=24)
        self.h2 = ParagraphStyle("h2", parent=base, fontName=self.bold, fontSize=12, leading=15, spaceBefore=8,
                                 spaceAfter=4, keepWithNext=1)
        self.h2_free = ParagraphStyle("h2_free", parent=self.h2, keepWithNext=0)
        self.bullet = ParagraphStyle("bullet", parent=base, leftIndent=9, bulletIndent=0, spaceAfter=1.5,
                                     bulletFontName=self.regular)

    def plain(self, value: object) -> str:
        """Text limited to the font's glyphs (the symbols dropped when the font lacks them)."""
        text = str(value)
        if not self.symbols:
            text = " ".join(text.translate(_PLAIN).split()).encode("cp1252", "replace").decode("cp1252")
        return text

    def text(self, value: object) -> str:
        """``plain`` and escaped for reportlab's paragraph markup: user text is never markup."""
        return escape(self.plain(value))

    def p(self, value: object, style: ParagraphStyle | None = None, markup: str = "") -> Paragraph:
        return Paragraph(markup or self.text(value), style or self.body)

    def link(self, label: str, url: str) -> str:
        return f'<a href="{escape(url, {chr(34): "&quot;"})}" color="#0B5CAD">{self.text(label)}</a>'


def _rag_style(writer: PdfWriter, text: str, row: int, col: int) -> tuple[Paragraph | None, list[tuple]]:
    rag = rag_from_text(text)
    if rag is None:
        return None, []
    style = RAG_STYLE[rag]
    para_style = ParagraphStyle("rag", parent=writer.head, textColor=colors.HexColor(style.text_colour))
    return writer.p(text, para_style), [("BACKGROUND", (col, row), (col, row), colors.HexColor(style.colour))]


def data_table(writer: PdfWriter, frame: pd.DataFrame, widths_mm: Sequence[float], groups: Sequence[int] = ()) -> Table:
    """A compact data table: bold shaded header repeated on each page, RAG cells coloured with their word.

    ``groups`` are body rows (1-based, after the header) whose first cell is a heading spanning the row.
    """
    rows: list[list[Paragraph | str]] = [[writer.p(c, writer.head) for c in frame.columns]]
    extra: list[tuple] = []
    for r, values in enumerate(frame.itertuples(index=False), start=1):
        if r in groups:
            rows.append([writer.p(values[0], writer.head)] + [""] * (len(values) - 1))
            extra += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), BAND)]
            continue
        row: list[Paragraph | str] = []
        for c, value in enumerate(values):
            cell, styles = _rag_style(writer, str(value), r, c)
            row.append(cell or writer.p(value, writer.cell))
            extra += styles
        rows.append(row)
    table = Table(rows, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEAD), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("FONTSIZE", (0, 0), (-1, -1), writer.cell.fontSize), ("LEADING", (0, 0), (-1, -1), writer.cell.leading),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.4), ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5), *extra,
    ]))
    return table


def image(png: bytes, max_width: float, max_height: float) -> Image:
    w, h = ImageReader(io.BytesIO(png)).getSize()
    ratio = min(max_width / w, max_height / h)
    return Image(io.BytesIO(png), width=w * ratio, height=h * ratio)


class FitImage(Flowable):
    """An image that shrinks to the space left on the page, keeping its shape, but never below ``min_height``
    (then it moves to the next page): the tall spine chart fills what the page has instead of forcing a page."""

    def __init__(self, png: bytes, max_height: float, min_height: float, reserve: float = 0.0) -> None:
        super().__init__()
        self._png, self._reserve = png, reserve
        w, h = ImageReader(io.BytesIO(png)).getSize()
        self._aspect = w / h
        self._max_height, self._min_height = max_height, min_height
        self._offset = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        height = min(self._max_height, avail_height - self._reserve, avail_width / self._aspect)
        self.height = max(height, self._min_height)
        self.width = self.height * self._aspect
        self._offset = max(0.0, (avail_width - self.width) / 2)
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(ImageReader(io.BytesIO(self._png)), self._offset, 0, self.width, self.height)


class NumberedCanvas(canvas.Canvas):
    """Draws 'Page n of N' and the footer once the page count is known."""

    def __init__(self, *args: object, footer: str = "", font: str = "Helvetica", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer, self._font = footer, font

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(self._font, 7)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, 9 * mm, self._footer)
            self.drawRightString(A4[0] - MARGIN, 9 * mm, f"Page {self._pageNumber} of {len(self._pages)}")
            super().showPage()
        super().save()
