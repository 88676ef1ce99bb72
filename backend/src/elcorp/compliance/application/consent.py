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
from datetime import datetime, timedelta
from typing import Any

from elcorp.compliance.application.consent_ports import (
    ConsentUnitOfWork,
    NewConsentRecord,
    ReceiptSigner,
    Subjects,
)
from elcorp.compliance.domain.consent import (
    PURPOSE_DESCRIPTIONS,
    Channel,
    ConsentAction,
    ConsentRecord,
    ConsentState,
    NoNoticePublished,
    NoticeVersionStale,
    Purpose,
    channel_of,
    current_states,
    is_change,
    purpose_of,
)
from elcorp.compliance.domain.notices import PrivacyNotice
from elcorp.governance.application.api import AccessControl, Scope
from elcorp.identity.application.api import UserRegistered
from elcorp.shared.application import context
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.audit_entry import canonical, entry_timestamp
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, NotFound
from elcorp.shared.domain.ids import new_id

logger = logging.getLogger(__name__)

READ, MANAGE = "privacy:read", "privacy:manage"
RECEIPT_TYPE = "elcorp.consent_receipt"
RECEIPT_VERSION = "KI-CR-v1.1.0"  # Kantara Consent Receipt 1.1 field names, ISO/IEC TS 27560 record
MAX_USER_AGENT = 512


@dataclass(frozen=True, slots=True)
class ConsentOverview:
    """A subject's consents: the state of each purpose and every record, oldest first."""

    subject_id: uuid.UUID
    notice_version: int | None  # the notice in force now
    states: list[ConsentState]
    history: list[ConsentRecord]


@dataclass(frozen=True, slots=True)
class ConsentChange:
    record: ConsentRecord
    recorded: bool  # False: nothing changed (a repeated grant or withdrawal), no new record


def registration_time(registered_at: datetime, existing: list[ConsentRecord], purpose: Purpose) -> datetime:
    """When a consent given at registration is recorded: the moment of registration, but
    never after a record the subject made since (the event may be delivered after the
    subject already changed their mind, and the clocks of the application and the
    database may differ by a little): registration records are a subject's first."""
    first = min((r.recorded_at for r in existing if r.purpose is purpose), default=None)
    if first is None or registered_at < first:
        return registered_at
    return first - timedelta(microseconds=1)


def receipt_message(receipt: dict[str, Any]) -> bytes:
    """What a receipt's signature covers: the receipt's RFC 8785 canonical JSON."""
    return canonical(receipt)


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
        self._signer = signer
        self._base_url = public_base_url.rstrip("/")
        self._clock = clock or SystemClock()

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
        chosen, via = purpose_of(purpose), channel_of(channel)
        with self._uow() as uow:
            made = self._record(
                uow,
                subject_id,
                chosen,
                grant=granted,
                channel=via,
                actor=Actor(str(subject_id)),
                actor_id=subject_id,
                shown_version=notice_version,
            )
            uow.commit()
        return made

    def opt_out(self, subject_id: uuid.UUID, *, channel: str, actor_id: uuid.UUID) -> None:
        """MarketingOptOut: withdraw the subject's marketing consent at once (POPIA s11(3),
        s69); recorded even when it was never granted, so the refusal is on record."""
        via = channel_of(channel)
        with self._uow() as uow:
            self._record(
                uow,
                subject_id,
                Purpose.MARKETING,
                grant=False,
                channel=via,
                actor=self._actor(actor_id),
                actor_id=actor_id,
            )
            uow.commit()

    def receipt(self, subject_id: uuid.UUID, record_id: uuid.UUID) -> dict[str, Any]:
        """A signed receipt of one of the subject's records (anyone else's: 404)."""
        with self._uow() as uow:
            found = uow.consents.record(record_id)
            if found is None or found.subject_id != subject_id:
                raise NotFound("Consent record not found")
            notice = uow.notices.version(found.notice_version)
        if notice is None:  # a foreign key keeps this from happening
            raise NotFound("Consent record not found")
        body = self._receipt_body(found, notice)
        kid, signature = self._signer.sign(receipt_message(body))
        return {
            "receipt": body,
            "signature": {
                "alg": "Ed25519",
                "kid": kid,
                "canonicalization": "RFC 8785",
                "value": signature,
            },
        }

    def receipt_keys(self) -> dict[str, str]:
        """kid -> Ed25519 public key (raw, base64) that receipts are signed with."""
        return self._signer.public_keys()

    # -- staff --------------------------------------------------------------------------------
    def subject_overview(self, caller: uuid.UUID, subject_id: uuid.UUID) -> ConsentOverview:
        """Staff read a subject's consents; the access is audited (who read whose data)."""
        grants = self._access.grants_for(caller)
        if not grants.allows(READ) or grants.scope_of(READ) is not Scope.ALL:
            raise AccessDenied(f"{READ} required")
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
        grants = self._access.grants_for(caller)
        if not grants.allows(MANAGE) or grants.scope_of(MANAGE) is not Scope.ALL:
            raise AccessDenied(f"{MANAGE} required")
        chosen = purpose_of(purpose)
        if not self._subjects.exists(subject_id):
            raise NotFound("User not found")
        with self._uow() as uow:
            made = self._record(
                uow,
                subject_id,
                chosen,
                grant=granted,
                channel=Channel.STAFF,
                actor=Actor(str(caller), tuple(sorted(grants.roles))),
                actor_id=caller,
                reason=reason,
            )
            uow.commit()
        return made

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
            existing = uow.consents.of_subject(subject_id, lock=True)
            for value in given:
                try:
                    purpose = Purpose(value)
                except ValueError:
                    logger.warning("consent.registration_unknown_purpose purpose=%s", value)
                    continue
                added = uow.consents.append(
                    NewConsentRecord(
                        id=new_id(),
                        subject_id=subject_id,
                        purpose=purpose,
                        notice_version=notice.version,
                        action=ConsentAction.GRANTED,
                        channel=Channel.REGISTRATION,
                        actor_id=subject_id,
                        source_event_id=event.event_id,
                        recorded_at=registration_time(event.occurred_at, existing, purpose),
                    )
                )
                if added is not None:
                    self._audit_record(uow, Actor(str(subject_id)), added)
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
    def _record(
        self,
        uow: ConsentUnitOfWork,
        subject_id: uuid.UUID,
        purpose: Purpose,
        *,
        grant: bool,
        channel: Channel,
        actor: Actor,
        actor_id: uuid.UUID | None,
        shown_version: int | None = None,
        reason: str | None = None,
    ) -> ConsentChange:
        notice = uow.notices.current()
        if notice is None:
            raise NoNoticePublished()
        if shown_version is not None and shown_version != notice.version:
            raise NoticeVersionStale(details={"current_version": notice.version})
        history = uow.consents.of_subject(subject_id, lock=True)
        state = next(s for s in current_states(history) if s.purpose is purpose)
        if not is_change(state, grant=grant, notice_version=notice.version) and state.latest is not None:
            return ConsentChange(state.latest, recorded=False)
        ctx = context.current()
        added = uow.consents.append(
            NewConsentRecord(
                id=new_id(),
                subject_id=subject_id,
                purpose=purpose,
                notice_version=notice.version,
                action=ConsentAction.GRANTED if grant else ConsentAction.WITHDRAWN,
                channel=channel,
                actor_id=actor_id,
                ip=ctx.ip,
                user_agent=(ctx.user_agent or "")[:MAX_USER_AGENT] or None,
            )
        )
        if added is None:  # only records from an outbox event can collide
            raise RuntimeError("consent record not appended")
        self._audit_record(uow, actor, added, before=state.latest, reason=reason)
        return ConsentChange(added, recorded=True)

    @staticmethod
    def _audit_record(
        uow: ConsentUnitOfWork,
        actor: Actor,
        record: ConsentRecord,
        before: ConsentRecord | None = None,
        reason: str | None = None,
    ) -> None:
        uow.audit.record(
            f"privacy.consent_{record.action.value}",
            actor,
            Resource("user", str(record.subject_id)),
            Changes(
                before={} if before is None else {"action": before.action.value, "record_id": str(before.id)},
                after={
                    "record_id": str(record.id),
                    "purpose": record.purpose.value,
                    "action": record.action.value,
                    "notice_version": record.notice_version,
                    "channel": record.channel.value,
                },
            ),
            reason,
        )

    def _actor(self, actor_id: uuid.UUID) -> Actor:
        return Actor(str(actor_id), tuple(sorted(self._access.grants_for(actor_id).roles)))

    def _receipt_body(self, record: ConsentRecord, notice: PrivacyNotice) -> dict[str, Any]:
        content, party = notice.content, notice.content.responsible_party
        at: datetime = record.recorded_at
        return {
            "receipt_type": RECEIPT_TYPE,
            "version": RECEIPT_VERSION,
            "jurisdiction": "NA",
            "consentReceiptID": str(record.id),
            "consentTimestamp": int(at.timestamp()),
            "collectionMethod": record.channel.value,
            "language": content.language,
            "piiPrincipalId": str(record.subject_id),
            "piiControllers": [
                {
                    "piiController": party.name,
                    "address": party.address,
                    "email": party.email,
                    "phone": party.phone,
                    "piiControllerUrl": party.website,
                }
            ],
            "policyUrl": f"{self._base_url}/api/v1/privacy/notices/{notice.version}",
            "notice": {
                "version": notice.version,
                "sha256": notice.sha256,
                "published_at": entry_timestamp(notice.published_at),
            },
            "services": [
                {
                    "service": "Elcorp Namibia platform",
                    "purposes": [
                        {
                            "purpose": PURPOSE_DESCRIPTIONS[record.purpose],
                            "purposeCategory": [record.purpose.value],
                            "consentType": "EXPLICIT",
                            "primaryPurpose": False,
                            "termination": "until withdrawn (GET/POST /api/v1/me/consents)",
                            "thirdPartyDisclosure": record.purpose is Purpose.THIRD_PARTY_SHARING,
                        }
                    ],
                }
            ],
            "sensitive": False,
            "spiCat": [],
            "record": {
                "record_id": str(record.id),
                "subject_id": str(record.subject_id),
                "purpose": record.purpose.value,
                "notice_version": record.notice_version,
                "state": record.action.value,
                "channel": record.channel.value,
                "timestamp": entry_timestamp(at),
                "actor_id": None if record.actor_id is None else str(record.actor_id),
            },
            "issued_at": entry_timestamp(self._clock.now()),
        }
