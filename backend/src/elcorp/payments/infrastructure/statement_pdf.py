"""A wallet's statement as a PDF document, rendered with fpdf2 in the style of the tax
invoices: the wallet, the period, the opening balance, one row per posting (oldest first)
with the balance after it, then the money in, the money out and the closing balance. Every
figure is the ledger's Decimal printed to the currency's minor unit; the totals are sums of
the printed lines, so the document adds up (opening + in - out = closing).

Times are printed in Africa/Windhoek. The built-in Helvetica font is Latin-1 only: any other
character prints as "?", never breaks the document. Descriptions are the customers' own
words and are cut to fit their column.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from elcorp.payments.application.ports import Statement, StatementLine
from elcorp.payments.domain.ledger import money_text
from elcorp.shared.domain.clock import WINDHOEK

FONT = "Helvetica"
LINE_HEIGHT = 6
# date, type, direction, description, amount, balance (mm; A4 less 10 mm margins = 190)
COLUMNS = (32, 20, 16, 62, 30, 30)
DESCRIPTION_CHARS = 38


def _latin1(value: object) -> str:
    return str(value).encode("latin-1", errors="replace").decode("latin-1")


def _local(moment: datetime | None, fallback: str) -> str:
    return fallback if moment is None else moment.astimezone(WINDHOEK).strftime("%Y-%m-%d %H:%M")


class _StatementDocument(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(10, 10, 10)
        self.set_title(_latin1(title))
        self.set_subject("Wallet statement")
        self.set_creator("Elcorp Namibia platform")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def text_line(self, text: str, *, size: int = 10, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.cell(0, LINE_HEIGHT, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(self, cells: Sequence[str], *, style: str = "") -> None:
        self.set_font(FONT, style, 8)
        for index, (width, value) in enumerate(zip(COLUMNS, cells, strict=True)):
            last = index == len(COLUMNS) - 1
            self.cell(
                width,
                LINE_HEIGHT,
                _latin1(value),
                border="B",
                align="R" if index >= len(COLUMNS) - 2 else "L",
                new_x=XPos.LMARGIN if last else XPos.RIGHT,
                new_y=YPos.NEXT if last else YPos.TOP,
            )

    def total(self, label: str, amount: str, *, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", 10)
        self.cell(sum(COLUMNS[:-1]), LINE_HEIGHT, _latin1(label), align="R")
        self.cell(COLUMNS[-1], LINE_HEIGHT, _latin1(amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bytes(self) -> bytes:
        return bytes(self.output())


def _row(line: StatementLine, currency: str) -> list[str]:
    description = (line.description or "").replace("\n", " ")
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 3] + "..."
    return [
        _local(line.at, ""),
        line.type,
        line.direction or "",
        description,
        money_text(line.amount, currency),
        money_text(line.balance, currency),
    ]


class PdfStatementDocuments:
    """`StatementDocuments` as PDF files."""

    def statement(self, statement: Statement, start: datetime | None, end: datetime | None) -> bytes:
        wallet, currency = statement.account, statement.account.currency
        doc = _StatementDocument(f"Wallet statement {wallet.id}")
        doc.text_line("Wallet statement", size=20, style="B")
        doc.text_line(f"Wallet: {wallet.id}")
        if wallet.address is not None:
            doc.text_line(f"Wallet address: {wallet.address}")
        doc.text_line(f"Currency: {currency}")
        doc.text_line(f"Period: {_local(start, 'opening')} to {_local(end, 'now')} (Africa/Windhoek)")
        doc.ln(3)
        doc.total(f"Opening balance ({currency})", money_text(statement.opening, currency), bold=True)
        doc.row(["Date", "Type", "Direction", "Description", "Amount", "Balance"], style="B")
        money_in, money_out = Decimal(0), Decimal(0)
        for line in statement.lines:
            doc.row(_row(line, currency))
            if line.amount > 0:
                money_in += line.amount
            else:
                money_out -= line.amount
        doc.ln(2)
        doc.total(f"Money in ({currency})", money_text(money_in, currency))
        doc.total(f"Money out ({currency})", money_text(money_out, currency))
        doc.total(f"Closing balance ({currency})", money_text(statement.closing, currency), bold=True)
        doc.ln(4)
        doc.text_line(f"{len(statement.lines)} posting(s).", size=9)
        return doc.bytes()
