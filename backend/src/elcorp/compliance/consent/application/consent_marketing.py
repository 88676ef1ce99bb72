"""The weekly marketing digest: a job that depends on consent (POPIA s69(1)(a)).

Each run reads the consent ledger as it is at that moment: only subjects whose latest
marketing record is a grant, and whose accounts are active, are mailed. A withdrawal is
therefore honoured by the next run, with nothing to resynchronise. Every message says how
to opt out (s69(4)(b)).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from elcorp.compliance.consent.application.consent import ConsentLedger
from elcorp.compliance.consent.application.consent_ports import Subjects
from elcorp.compliance.consent.domain.consent import Purpose
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.mail import EmailSender
from elcorp.shared.application.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

SUBJECT = "Elcorp Namibia: this week's news"


@dataclass(frozen=True, slots=True)
class DigestRun:
    mailed: int  # subjects mailed
    consenting: int  # subjects whose marketing consent stands (some may be inactive)


class MarketingDigest:
    def __init__(
        self,
        ledger: ConsentLedger,
        subjects: Subjects,
        sender: EmailSender,
        uow: Callable[[], UnitOfWork],
        *,
        public_base_url: str,
    ) -> None:
        self._ledger = ledger
        self._subjects = subjects
        self._sender = sender
        self._uow = uow
        self._base_url = public_base_url.rstrip("/")

    def send(self) -> DigestRun:
        """Mail this week's digest to every active subject whose marketing consent stands now."""
        mailed = consenting = 0
        for batch in self._ledger.granted_subjects(Purpose.MARKETING):
            consenting += len(batch)
            for user_id, address in sorted(self._subjects.addresses(batch).items()):
                self._sender.send(address, SUBJECT, self._body())
                logger.info("privacy.marketing_digest_sent user_id=%s", user_id)
                mailed += 1
        with self._uow() as uow:
            uow.audit.record(
                "privacy.marketing_digest_sent",
                Actor(),
                Resource("marketing_digest"),
                Changes(after={"mailed": mailed, "consenting": consenting}),
            )
            uow.commit()
        return DigestRun(mailed=mailed, consenting=consenting)

    def _body(self) -> str:
        return (
            "Hello,\n\nHere is what is new on the Elcorp Namibia platform this week.\n\n"
            f"{self._base_url}\n\n"
            "You receive this email because you agreed to hear from us about our products. "
            "To stop at once, withdraw your marketing consent in your privacy settings, or send "
            'POST /api/v1/me/consents {"purpose": "marketing", "granted": false}.\n'
        )
