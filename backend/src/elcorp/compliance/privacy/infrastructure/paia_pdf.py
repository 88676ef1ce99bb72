"""The POPIA section of the PAIA manual as a PDF file (fpdf2), with the same content and
order as its Markdown form (`compliance/privacy/domain/paia_manual.py`).

The built-in Helvetica font is Latin-1 only: any other character prints as "?", never
breaks the document.
"""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from elcorp.compliance.privacy.domain.paia_manual import TITLE, PaiaManual
from elcorp.shared.domain.clock import WINDHOEK

FONT = "Helvetica"
LINE = 5


def _latin1(value: object) -> str:
    return str(value).encode("latin-1", errors="replace").decode("latin-1")


class _Manual(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_title(_latin1(TITLE))
        self.set_subject("PAIA s51 manual, POPIA section")
        self.set_creator("Elcorp Namibia platform")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font(FONT, "B", size)
        self.multi_cell(0, LINE + 2, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def para(self, text: str, *, size: int = 10, style: str = "") -> None:
        self.set_font(FONT, style, size)
        self.multi_cell(0, LINE, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def item(self, label: str, text: str) -> None:
        self.set_font(FONT, "B", 9)
        self.multi_cell(0, LINE, _latin1(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 9)
        self.set_x(self.l_margin + 4)
        self.multi_cell(0, LINE, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


class PdfPaiaDocuments:
    """`PaiaDocuments` as PDF files."""

    def pdf(self, manual: PaiaManual) -> bytes:
        doc = _Manual()
        for section in (_intro, _purposes, _subjects_and_categories, _recipients, _transfers, _security):
            section(doc, manual)
        return bytes(doc.output())


def _intro(doc: _Manual, manual: PaiaManual) -> None:
    local = manual.generated_at.astimezone(WINDHOEK)
    doc.heading(TITLE, size=16)
    doc.para(f"Responsible party: {manual.responsible_party}, {manual.address}.")
    doc.para(
        "This section of the manual required by section 51 of the Promotion of Access to Information "
        "Act 2 of 2000 describes the processing of personal information under the Protection of "
        "Personal Information Act 4 of 2013. It is generated from the platform's processing register "
        f"and data inventory (generated {local.strftime('%Y-%m-%d %H:%M')} Africa/Windhoek).",
        size=9,
    )


def _purposes(doc: _Manual, manual: PaiaManual) -> None:
    doc.heading("1. Purpose of the processing")
    for activity in manual.activities:
        f = activity.facts
        doc.para(f.name, style="B")
        doc.item("Purpose", f.purpose)
        doc.item("Lawful basis", f"POPIA {f.lawful_basis.section}: {f.lawful_basis.text}")
        doc.item("Status", f.status.value)
        doc.item("Data categories", ", ".join(f.categories))
        doc.item("Data subjects", ", ".join(s.value.replace("_", " ") for s in f.data_subjects))
        doc.item("Retention", f"{f.retention or 'not stated'} (basis: {f.retention_basis.value})")
        doc.ln(1)
    if not manual.activities:
        doc.para("No processing activity is registered.")


def _subjects_and_categories(doc: _Manual, manual: PaiaManual) -> None:
    doc.heading("2. Categories of data subjects and of their personal information")
    for subject, categories, names in manual.subjects():
        doc.item(subject.replace("_", " "), f"{', '.join(categories)} (activities: {', '.join(names)})")
    doc.para("The personal information held, by category (from the data inventory):", size=9, style="B")
    for c in manual.categories:
        doc.item(
            c.category,
            f"classification {c.classification.value}; retention basis {c.retention.value}; "
            f"disposal {c.disposal.value.replace('_', '-')}; "
            f"special (s26): {'yes' if c.special else 'no'}; "
            f"held in {', '.join(c.contexts)}",
        )


def _recipients(doc: _Manual, manual: PaiaManual) -> None:
    doc.heading("3. Recipients or categories of recipients")
    recipients = manual.recipients()
    for recipient, names in recipients:
        doc.item(
            recipient.name,
            f"{recipient.role.value.replace('_', ' ')}; contract / operator agreement: "
            f"{recipient.contract_reference or 'not recorded'}; country {recipient.country}; "
            f"activities: {', '.join(names)}",
        )
    if not recipients:
        doc.para("Personal information is not supplied to any recipient.")


def _transfers(doc: _Manual, manual: PaiaManual) -> None:
    doc.heading("4. Planned transborder flows of personal information")
    transfers = manual.transfers()
    for transfer, activity in transfers:
        doc.item(
            f"{transfer.recipient} ({transfer.country.upper()})",
            f"{transfer.ground.section}: {transfer.ground.text}"
            + (f"; safeguards: {transfer.safeguards}" if transfer.safeguards else "")
            + f"; activity: {activity.name}",
        )
    if not transfers:
        doc.para("No personal information is transferred outside Namibia.")


def _security(doc: _Manual, manual: PaiaManual) -> None:
    doc.heading("5. Information security measures")
    for measure in manual.security_measures:
        doc.para(f"- {measure}", size=9)
