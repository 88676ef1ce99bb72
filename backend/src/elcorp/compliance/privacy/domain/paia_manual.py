"""The POPIA section of the PAIA manual (PAIA s51(1)(c), as POPIA s110 amended it), made
from the processing register and the data inventory, and its Markdown form.

The section must describe: (i) the purpose of the processing; (ii) the categories of data
subjects and of the information relating to them; (iii) the recipients or categories of
recipients to whom the information may be supplied; (iv) planned transborder flows; and
(v) a general description of the information security measures, enough for a preliminary
assessment of their suitability.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from elcorp.compliance.privacy.domain.data_inventory import InventoryCategory
from elcorp.compliance.privacy.domain.privacy_register import (
    ActivityStatus,
    CrossBorderTransfer,
    ProcessingActivity,
    Recipient,
)
from elcorp.shared.domain.clock import WINDHOEK

TITLE = "PAIA manual: processing of personal information (POPIA)"

# What the platform does to keep personal information confidential, intact and available
# (POPIA s19). Each line is a measure the code base implements.
SECURITY_MEASURES: tuple[str, ...] = (
    "Encryption in transit: in production the API is served over TLS only, with HTTP Strict "
    "Transport Security.",
    "Encryption at rest of the most sensitive values: phone numbers and MFA secrets are encrypted "
    "field by field (AES-256-GCM) under rotatable keys; lookups use keyed "
    "hashes (HMAC-SHA256) instead of the plain value.",
    "Passwords are stored only as Argon2id hashes, checked against a strength estimator and the "
    "user's previous passwords.",
    "Access control: role- and policy-based permissions checked on every request and on every "
    "object read; staff and administrators must pass multi-factor authentication.",
    "Sessions: short-lived signed access tokens, rotating refresh tokens with reuse detection, "
    "revocation on sign-out, password change and device removal; sign-in throttling and rate limits.",
    "Accountability: an append-only audit trail (the database refuses updates and deletes), chained "
    "by SHA-256 and sealed in signed checkpoints that an auditor can verify offline.",
    "Integrity of financial records: ledger postings that must balance, enforced by the database, "
    "and chained by SHA-256 per account.",
    "Data minimisation: audit entries reference people by identifier, never by their personal values; "
    "every column holding personal information is declared with its retention basis and disposal method.",
)


@dataclass(frozen=True, slots=True)
class PaiaManual:
    responsible_party: str
    address: str
    generated_at: datetime
    activities: tuple[ProcessingActivity, ...]  # active and planned ones, by name
    categories: tuple[InventoryCategory, ...]
    security_measures: tuple[str, ...] = SECURITY_MEASURES

    def subjects(self) -> list[tuple[str, list[str], list[str]]]:
        """(data subject category, its data categories, the activities) for section (ii)."""
        found: dict[str, tuple[set[str], set[str]]] = {}
        for activity in self.activities:
            for subject in activity.facts.data_subjects:
                categories, names = found.setdefault(subject.value, (set(), set()))
                categories.update(activity.facts.categories)
                names.add(activity.name)
        return [(s, sorted(found[s][0]), sorted(found[s][1])) for s in sorted(found)]

    def recipients(self) -> list[tuple[Recipient, list[str]]]:
        """Each recipient once (by name), with the activities that supply it."""
        found: dict[str, tuple[Recipient, set[str]]] = {}
        for activity in self.activities:
            for recipient in activity.facts.recipients:
                entry = found.setdefault(recipient.name.casefold(), (recipient, set()))
                entry[1].add(activity.name)
        return [(r, sorted(names)) for r, names in sorted(found.values(), key=lambda e: e[0].name.casefold())]

    def transfers(self) -> list[tuple[CrossBorderTransfer, ProcessingActivity]]:
        return [(t, a) for a in self.activities for t in a.facts.transfers]


def manual(
    responsible_party: str,
    address: str,
    generated_at: datetime,
    activities: list[ProcessingActivity],
    categories: list[InventoryCategory],
) -> PaiaManual:
    """The manual of the activities in force or planned (retired ones are history)."""
    current = [a for a in activities if a.facts.status is not ActivityStatus.RETIRED]
    return PaiaManual(
        responsible_party,
        address,
        generated_at,
        tuple(sorted(current, key=lambda a: a.name.casefold())),
        tuple(categories),
    )


_MARKDOWN_SPECIAL = "\\`*_[]<>#|"


def md_text(value: str) -> str:
    """Free text as Markdown that renders as itself (no markup, no HTML, one line)."""
    flat = " ".join(value.split())
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIAL else ch for ch in flat)


def md_code(value: str) -> str:
    """A name in a code span (backticks in it are dropped: names never need them)."""
    return f"`{value.replace('`', '')}`"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(m: PaiaManual) -> str:
    """The five parts PAIA s51(1)(c) asks for, in the order the Act lists them."""
    lines = [
        *_intro(m),
        *_purposes(m),
        *_subjects_and_categories(m),
        *_recipients(m),
        *_transfers(m),
        *_security(m),
    ]
    return "\n".join(lines)


def _intro(m: PaiaManual) -> list[str]:
    local = m.generated_at.astimezone(WINDHOEK)
    return [
        f"# {TITLE}",
        "",
        f"Responsible party: {md_text(m.responsible_party)}, {md_text(m.address)}.",
        "",
        "This section of the manual required by section 51 of the Promotion of Access to Information "
        "Act 2 of 2000 describes the processing of personal information under the Protection of "
        "Personal Information Act 4 of 2013. It is generated from the platform's processing register "
        f"and data inventory (generated {local.strftime('%Y-%m-%d %H:%M')} Africa/Windhoek).",
        "",
    ]


def _purposes(m: PaiaManual) -> list[str]:
    lines = ["## 1. Purpose of the processing", ""]
    for activity in m.activities:
        f = activity.facts
        lines += [
            f"### {md_text(f.name)}",
            "",
            f"- Purpose: {md_text(f.purpose)}",
            f"- Lawful basis: POPIA {f.lawful_basis.section}: {md_text(f.lawful_basis.text)}",
            f"- Status: {f.status.value}",
            f"- Data categories: {', '.join(md_code(c) for c in f.categories)}",
            f"- Data subjects: {', '.join(s.value.replace('_', ' ') for s in f.data_subjects)}",
            f"- Retention: {md_text(f.retention) or 'not stated'} "
            f"(basis: {md_code(f.retention_basis.value)})",
            "",
        ]
    if not m.activities:
        lines += ["No processing activity is registered.", ""]
    return lines


def _subjects_and_categories(m: PaiaManual) -> list[str]:
    lines = [
        "## 2. Categories of data subjects and of their personal information",
        "",
        _row("Data subjects", "Categories of personal information", "Processing activities"),
        _row("---", "---", "---"),
    ]
    for subject, categories, names in m.subjects():
        lines.append(
            _row(
                subject.replace("_", " "),
                ", ".join(md_code(c) for c in categories),
                ", ".join(md_text(n) for n in names),
            )
        )
    lines += [
        "",
        "The personal information held, by category (from the data inventory):",
        "",
        _row("Category", "Classification", "Retention basis", "Disposal", "Special (s26)", "Held in"),
        _row("---", "---", "---", "---", "---", "---"),
    ]
    for c in m.categories:
        lines.append(
            _row(
                md_code(c.category),
                c.classification.value,
                c.retention.value,
                c.disposal.value.replace("_", "-"),
                "yes" if c.special else "no",
                ", ".join(c.contexts),
            )
        )
    return lines


def _recipients(m: PaiaManual) -> list[str]:
    lines = ["", "## 3. Recipients or categories of recipients", ""]
    recipients = m.recipients()
    if not recipients:
        return [*lines, "Personal information is not supplied to any recipient."]
    lines += [
        _row("Recipient", "Role", "Contract / operator agreement", "Country", "Processing activities"),
        _row("---", "---", "---", "---", "---"),
    ]
    for recipient, names in recipients:
        lines.append(
            _row(
                md_text(recipient.name),
                recipient.role.value.replace("_", " "),
                md_text(recipient.contract_reference) if recipient.contract_reference else "not recorded",
                recipient.country,
                ", ".join(md_text(n) for n in names),
            )
        )
    return lines


def _transfers(m: PaiaManual) -> list[str]:
    lines = ["", "## 4. Planned transborder flows of personal information", ""]
    transfers = m.transfers()
    if not transfers:
        return [*lines, "No personal information is transferred outside Namibia."]
    lines += [
        _row("Recipient", "Country", "Ground (POPIA s72)", "Safeguards", "Processing activity"),
        _row("---", "---", "---", "---", "---"),
    ]
    for transfer, activity in transfers:
        lines.append(
            _row(
                md_text(transfer.recipient),
                transfer.country.upper(),
                f"{transfer.ground.section}: {md_text(transfer.ground.text)}",
                md_text(transfer.safeguards) if transfer.safeguards else "",
                md_text(activity.name),
            )
        )
    return lines


def _security(m: PaiaManual) -> list[str]:
    lines = ["", "## 5. Information security measures", ""]
    lines += [f"- {md_text(measure)}" for measure in m.security_measures]
    lines.append("")
    return lines
