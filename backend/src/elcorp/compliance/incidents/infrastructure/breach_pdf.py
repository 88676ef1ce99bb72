"""The breach notification letter (POPIA s22) as a PDF file (fpdf2), paragraph for
paragraph the text the template produced (`compliance/incidents/domain/breach_letter.py`).

The built-in Helvetica font is Latin-1 only: any other character prints as "?", never
breaks the document.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from elcorp.compliance.incidents.domain.breach_letter import BreachLetter

FONT = "Helvetica"
LINE = 5


def _latin1(value: object) -> str:
    return str(value).encode("latin-1", errors="replace").decode("latin-1")


class PdfBreachLetters:
    """`LetterDocuments` as PDF files."""

    def pdf(self, letter: BreachLetter) -> bytes:
        doc = FPDF(orientation="P", unit="mm", format="A4")
        doc.set_title(_latin1(letter.subject))
        doc.set_creator("Elcorp Namibia platform")
        doc.set_auto_page_break(auto=True, margin=15)
        doc.add_page()
        for paragraph in letter.paragraphs:
            bold = paragraph == letter.subject
            doc.set_font(FONT, "B" if bold else "", 11 if bold else 10)
            doc.multi_cell(0, LINE, _latin1(paragraph), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            doc.ln(2)
        return bytes(doc.output())
