"""The notification letter to data subjects (POPIA s22(4)-(5)), made from one template so
the text file and the PDF say the same thing. Pure: standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from string import Template

from elcorp.compliance.incidents.domain.breach import BreachNotification
from elcorp.shared.domain.clock import WINDHOEK

SUBJECT = "Notification of a security compromise of your personal information"

# $-placeholders only (string.Template): a value containing "{" or "%" prints as typed.
LETTER_TEMPLATE = Template(
    """\
$responsible_party
$address

$date

$subject

Dear customer,

In terms of section 22 of the Protection of Personal Information Act 4 of 2013 we inform
you that your personal information may have been accessed or acquired by an unauthorised
person. We discovered the compromise on $discovered (reference $reference).

What happened and the possible consequences for you (s22(5)(a)):
$consequences

What we have done and intend to do about it (s22(5)(b)):
$measures

What we recommend you do to protect yourself (s22(5)(c)):
$recommendations

Who accessed or acquired the information (s22(5)(d)):
$unauthorised_party

$regulator_line

If you have questions, contact $contact. You may also lodge a complaint with the
Information Regulator.

Yours faithfully,
$responsible_party
"""
)


@dataclass(frozen=True, slots=True)
class LetterContext:
    responsible_party: str
    address: str
    contact: str


@dataclass(frozen=True, slots=True)
class BreachLetter:
    subject: str
    paragraphs: tuple[str, ...]  # the text, paragraph by paragraph (blank-line separated)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs) + "\n"


def _local(moment: datetime) -> str:
    return moment.astimezone(WINDHOEK).strftime("%d %B %Y, %H:%M (Windhoek time)")


def breach_letter(
    breach: BreachNotification, incident_ref: str, context: LetterContext, today: datetime
) -> BreachLetter:
    regulator = (
        f"We notified the Information Regulator on {_local(breach.regulator_notified_at)} "
        f"(reference {breach.regulator_reference})."
        if breach.regulator_notified_at is not None
        else "We are notifying the Information Regulator of this compromise."
    )
    text = LETTER_TEMPLATE.substitute(
        responsible_party=context.responsible_party,
        address=context.address,
        date=today.astimezone(WINDHOEK).strftime("%d %B %Y"),
        subject=SUBJECT,
        discovered=_local(breach.discovered_at),
        reference=incident_ref,
        consequences=breach.consequences.strip(),
        measures=breach.measures.strip(),
        recommendations=breach.recommendations.strip(),
        unauthorised_party=(breach.unauthorised_party or "").strip() or "Not known at the time of writing.",
        regulator_line=regulator,
        contact=context.contact,
    )
    paragraphs = tuple(p.strip("\n") for p in text.split("\n\n") if p.strip())
    return BreachLetter(SUBJECT, paragraphs)
