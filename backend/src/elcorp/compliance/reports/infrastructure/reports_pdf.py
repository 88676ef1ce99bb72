"""Regulatory reports as PDF (fpdf2), reproducible byte for byte.

A PDF normally carries the moment it was made and a random-looking file identifier, so two
renderings of the same table differ. Here the creation date is fixed to the end of the
reported period, nothing else in the document depends on the clock, and the file
identifier (/ID) is fpdf2's default: a hash of the document's own content. The same table
and period therefore give the same bytes, and so the same SHA-256.

The built-in Helvetica font is Latin-1 only: any other character prints as "?".
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from elcorp.compliance.reports.application.report_ports import ReportTable
from elcorp.compliance.reports.domain.reports import ReportPeriod
from elcorp.shared.domain.clock import WINDHOEK

FONT = "Helvetica"
ROW_HEIGHT = 5
MAX_FONT, MIN_FONT = 8.0, 4.5
PADDING = 2.0  # mm per cell


def _latin1(value: object) -> str:
    return str(value).encode("latin-1", errors="replace").decode("latin-1")


class _ReportDocument(FPDF):
    def __init__(self, title: str, period: ReportPeriod) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.set_title(_latin1(f"{title} {period}"))
        self.set_subject("Regulatory report")
        self.set_creator("Elcorp Namibia platform")
        self.set_creation_date(period.end)  # never the wall clock: the bytes must repeat
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()
        self._footer_text = f"{title}, {period}"

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.cell(0, 5, _latin1(f"{self._footer_text} - page {self.page_no()}/{{nb}}"), align="C")

    def line_of_text(self, value: str, *, size: float = 9, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, ROW_HEIGHT, _latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


class PdfReportDocuments:
    """Implements compliance.reports.application.reports.ReportDocuments."""

    def pdf(self, table: ReportTable, *, report_type: str, period: ReportPeriod) -> bytes:
        doc = _ReportDocument(table.title, period)
        doc.add_page()
        local_start = period.start.astimezone(WINDHOEK).strftime("%Y-%m-%d %H:%M")
        local_end = period.end.astimezone(WINDHOEK).strftime("%Y-%m-%d %H:%M")
        doc.line_of_text(table.title, size=16, style="B")
        doc.line_of_text(f"Report type: {report_type}    Period: {period}")
        doc.line_of_text(
            f"From {local_start} to {local_end} Africa/Windhoek "
            f"({period.start.isoformat()} to {period.end.isoformat()} UTC)",
            size=8,
        )
        doc.ln(3)
        widths, size = self._layout(doc, table)
        self._row(doc, table.columns, widths, size, style="B")
        for row in table.rows:
            if doc.will_page_break(ROW_HEIGHT):
                doc.add_page()
                self._row(doc, table.columns, widths, size, style="B")
            self._row(doc, row, widths, size)
        if not table.rows:
            doc.line_of_text("No entries in this period.", size=8)
        doc.ln(3)
        for note in table.notes:
            doc.line_of_text(note, size=8)
        return bytes(doc.output())

    @staticmethod
    def _layout(doc: FPDF, table: ReportTable) -> tuple[list[float], float]:
        """Column widths from their widest cell, and a font size at which they fit the page."""
        available = doc.w - doc.l_margin - doc.r_margin
        doc.set_font(FONT, "B", MAX_FONT)
        natural = [
            max(
                [doc.get_string_width(_latin1(column))]
                + [doc.get_string_width(_latin1(row[i])) for row in table.rows]
            )
            + PADDING
            for i, column in enumerate(table.columns)
        ]
        total = sum(natural)
        size = MAX_FONT if total <= available else max(MIN_FONT, MAX_FONT * available / total)
        scale = size / MAX_FONT
        widths = [w * scale for w in natural]
        spare = available - sum(widths)
        if spare > 0:  # spread the rest of the page evenly
            widths = [w + spare / len(widths) for w in widths]
        return widths, size

    @staticmethod
    def _row(doc: FPDF, cells: tuple[str, ...], widths: list[float], size: float, *, style: str = "") -> None:
        doc.set_font(FONT, style, size)
        for index, (width, value) in enumerate(zip(widths, cells, strict=True)):
            last = index == len(widths) - 1
            doc.cell(
                width,
                ROW_HEIGHT,
                _latin1(value),
                border="B",
                new_x=XPos.LMARGIN if last else XPos.RIGHT,
                new_y=YPos.NEXT if last else YPos.TOP,
            )
