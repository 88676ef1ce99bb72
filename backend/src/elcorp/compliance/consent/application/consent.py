"""The consent ledger's use cases: a subject reads and changes their consents, downloads a
signed receipt of a record; staff read a subject's consents (an audited access to personal
information); registration and data-subject requests record consents through here.

Every record is appended in one transaction with its audit entry, under a per-subject lock
so two concurrent changes of one subject's consents are ordered. A change is effective at
once: every job that depends on consent reads the ledger when it runs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from elcorp.compliance.consent.application.consent_ports import ConsentUnitOfWork, ReceiptSigner, Subjects
from elcorp.compliance.consent.application.consent_receipts import (
    RECEIPT_TYPE,
    RECEIPT_VERSION,
    ConsentReceipts,
    receipt_message,
)
from elcorp.compliance.consent.application.consent_recording import (
    MAX_USER_AGENT,
    ConsentChange,
    ConsentDecision,
    record_decision,
    record_registration,
    registration_time,
)
from elcorp.compliance.consent.domain.consent import (
    Channel,
    ConsentRecord,
    ConsentState,
    Purpose,
    channel_of,
    current_states,
    purpose_of,
)
from elcorp.governance.application.api import AccessControl, Grants, Scope
from elcorp.identity.application.api import UserRegistered
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, NotFound

__all__ = [
    "MAX_USER_AGENT",
    "RECEIPT_TYPE",
    "RECEIPT_VERSION",
    "ConsentChange",
    "ConsentLedger",
    "ConsentOverview",
    "receipt_message",
    "registration_time",
]

logger = logging.getLogger(__name__)

READ, MANAGE = "privacy:read", "privacy:manage"


@dataclass(frozen=True, slots=True)
class ConsentOverview:
    """A subject's consents: the state of each purpose and every record, oldest first."""

    subject_id: uuid.UUID
    notice_version: int | None  # the notice in force now
    states: list[ConsentState]
    history: list[ConsentRecord]


class ConsentLedger:
    def __init__(
        self,
        uow: Callable[[], ConsentUnitOfWork],
        access: AccessControl,
        subjects: Subjects,
        signer: ReceiptSigner,
        *,
        public_base_url: str,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._subjects = subjects
        self._clock = clock or SystemClock()
        self._receipts = ConsentReceipts(uow, signer, public_base_url=public_base_url, clock=self._clock)

    # -- the subject's own consents -----------------------------------------------------------
    def overview(self, subject_id: uuid.UUID) -> ConsentOverview:
        with self._uow() as uow:
            notice = uow.notices.current()
            history = uow.consents.of_subject(subject_id)
        return ConsentOverview(
            subject_id, None if notice is None else notice.version, current_states(history), history
        )

    def change(
        self,
        subject_id: uuid.UUID,
        purpose: str,
        *,
        granted: bool,
        channel: str = Channel.WEB.value,
        notice_version: int | None = None,
    ) -> ConsentChange:
        """The subject grants or withdraws consent for a purpose, against the current notice
        (`notice_version`: the one they were shown, refused when it is no longer current)."""
        decision = ConsentDecision(
            purpose_of(purpose),
            granted,
            channel_of(channel),
            Actor(str(subject_id)),
            subject_id,
            shown_version=notice_version,
        )
        return self._record(subject_id, decision)

    def opt_out(self, subject_id: uuid.UUID, *, channel: str, actor_id: uuid.UUID) -> None:
        """MarketingOptOut: withdraw the subject's marketing consent at once (POPIA s11(3),
        s69); recorded even when it was never granted, so the refusal is on record."""
        via = channel_of(channel)
        actor = Actor(str(actor_id), tuple(sorted(self._access.grants_for(actor_id).roles)))
        self._record(subject_id, ConsentDecision(Purpose.MARKETING, False, via, actor, actor_id))

    def receipt(self, subject_id: uuid.UUID, record_id: uuid.UUID) -> dict[str, Any]:
        """A signed receipt of one of the subject's records (anyone else's: 404)."""
        return self._receipts.receipt(subject_id, record_id)

    def receipt_keys(self) -> dict[str, str]:
        """kid -> Ed25519 public key (raw, base64) that receipts are signed with."""
        return self._receipts.public_keys()

    # -- staff --------------------------------------------------------------------------------
    def subject_overview(self, caller: uuid.UUID, subject_id: uuid.UUID) -> ConsentOverview:
        """Staff read a subject's consents; the access is audited (who read whose data)."""
        grants = self._staff_grants(caller, READ)
        if not self._subjects.exists(subject_id):
            raise NotFound("User not found")
        with self._uow() as uow:
            notice = uow.notices.current()
            history = uow.consents.of_subject(subject_id)
            uow.audit.record(
                "privacy.consents_viewed",
                Actor(str(caller), tuple(sorted(grants.roles))),
                Resource("user", str(subject_id)),
                Changes(after={"records": len(history)}),
            )
            uow.commit()
        return ConsentOverview(
            subject_id, None if notice is None else notice.version, current_states(history), history
        )

    def record_for(
        self, caller: uuid.UUID, subject_id: uuid.UUID, purpose: str, *, granted: bool, reason: str
    ) -> ConsentChange:
        """Staff record a grant or withdrawal on the subject's instruction (by phone, in a
        branch), against the current notice; `reason` says how the instruction came."""
        grants = self._staff_grants(caller, MANAGE)
        chosen = purpose_of(purpose)
        if not self._subjects.exists(subject_id):
            raise NotFound("User not found")
        actor = Actor(str(caller), tuple(sorted(grants.roles)))
        return self._record(
            subject_id, ConsentDecision(chosen, granted, Channel.STAFF, actor, caller, reason=reason)
        )

    # -- registration (outbox handler) --------------------------------------------------------
    def on_user_registered(self, event: UserRegistered) -> None:
        """The consents ticked at registration, recorded against the notice in force at the
        moment of registration. Idempotent: a redelivered event adds nothing."""
        subject_id, given = event.user_id, tuple(event.consents)
        if not given:
            return
        with self._uow() as uow:
            notice = uow.notices.in_force_at(event.occurred_at) or uow.notices.current()
            if notice is None:
                logger.warning("consent.registration_without_notice user_id=%s", subject_id)
                return
            record_registration(uow, event, notice.version, _known_purposes(given))
            uow.commit()

    # -- erasure and retention -----------------------------------------------------------------
    def erase_evidence(self, subject_id: uuid.UUID) -> int:
        """Dispose of the network evidence (ip, user agent) of the subject's records, in one
        transaction with its audit entry. The records stay: they reference the subject by
        id, which an erased account turns into a pseudonym. Returns the records changed."""
        with self._uow() as uow:
            cleared = uow.consents.clear_evidence(subject_id)
            if cleared:
                uow.audit.record(
                    "privacy.consent_evidence_erased",
                    Actor(),
                    Resource("user", str(subject_id)),
                    Changes(after={"records": cleared}),
                )
            uow.commit()
        return cleared

    # -- jobs ---------------------------------------------------------------------------------
    def granted_subjects(self, purpose: Purpose, *, batch: int = 500) -> Iterator[list[uuid.UUID]]:
        """Subjects whose current consent for `purpose` is granted, in batches, read now."""
        after: uuid.UUID | None = None
        while True:
            with self._uow() as uow:
                found = uow.consents.granted_now(purpose, after=after, limit=batch)
            if not found:
                return
            yield found
            if len(found) < batch:
                return
            after = found[-1]

    # -- helpers ------------------------------------------------------------------------------
    def _record(self, subject_id: uuid.UUID, decision: ConsentDecision) -> ConsentChange:
        with self._uow() as uow:
            made = record_decision(uow, subject_id, decision)
            uow.commit()
        return made

    def _staff_grants(self, caller: uuid.UUID, permission: str) -> Grants:
        """Staff act on any subject's consents only with the permission over all users."""
        grants = self._access.grants_for(caller)
        if not grants.allows(permission) or grants.scope_of(permission) is not Scope.ALL:
            raise AccessDenied(f"{permission} required")
        return grants


def _known_purposes(values: tuple[str, ...]) -> list[Purpose]:
    """The purposes given at registration that this version knows (others are logged)."""
    known = []
    for value in values:
        try:
            known.append(Purpose(value))
        except ValueError:
            logger.warning("consent.registration_unknown_purpose purpose=%s", value)
    return known
