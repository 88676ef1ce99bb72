"""Signed consent receipts: a subject's proof of one consent record, as a Kantara Consent
Receipt 1.1 (field names) carrying an ISO/IEC TS 27560 style record, signed with Ed25519
over its RFC 8785 canonical JSON, so that anyone holding the public key can check it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from elcorp.compliance.consent.application.consent_ports import ConsentUnitOfWork, ReceiptSigner
from elcorp.compliance.consent.domain.consent import PURPOSE_DESCRIPTIONS, ConsentRecord, Purpose
from elcorp.compliance.consent.domain.notices import Party, PrivacyNotice
from elcorp.shared.domain.audit_entry import canonical, entry_timestamp
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import NotFound

RECEIPT_TYPE = "elcorp.consent_receipt"
RECEIPT_VERSION = "KI-CR-v1.1.0"  # Kantara Consent Receipt 1.1 field names, ISO/IEC TS 27560 record


def receipt_message(receipt: dict[str, Any]) -> bytes:
    """What a receipt's signature covers: the receipt's RFC 8785 canonical JSON."""
    return canonical(receipt)


class ConsentReceipts:
    def __init__(
        self,
        uow: Callable[[], ConsentUnitOfWork],
        signer: ReceiptSigner,
        *,
        public_base_url: str,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._signer = signer
        self._base_url = public_base_url.rstrip("/")
        self._clock = clock

    def receipt(self, subject_id: uuid.UUID, record_id: uuid.UUID) -> dict[str, Any]:
        """A signed receipt of one of the subject's records (anyone else's: 404)."""
        with self._uow() as uow:
            found = uow.consents.record(record_id)
            if found is None or found.subject_id != subject_id:
                raise NotFound("Consent record not found")
            notice = uow.notices.version(found.notice_version)
        if notice is None:  # a foreign key keeps this from happening
            raise NotFound("Consent record not found")
        policy_url = f"{self._base_url}/api/v1/privacy/notices/{notice.version}"
        body = receipt_body(found, notice, policy_url=policy_url, issued_at=self._clock.now())
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

    def public_keys(self) -> dict[str, str]:
        """kid -> Ed25519 public key (raw, base64) that receipts are signed with."""
        return self._signer.public_keys()


def receipt_body(
    record: ConsentRecord, notice: PrivacyNotice, *, policy_url: str, issued_at: datetime
) -> dict[str, Any]:
    """The receipt of `record`, given under `notice` (what is signed)."""
    return {
        "receipt_type": RECEIPT_TYPE,
        "version": RECEIPT_VERSION,
        "jurisdiction": "NA",
        "consentReceiptID": str(record.id),
        "consentTimestamp": int(record.recorded_at.timestamp()),
        "collectionMethod": record.channel.value,
        "language": notice.content.language,
        "piiPrincipalId": str(record.subject_id),
        "piiControllers": [_controller(notice.content.responsible_party)],
        "policyUrl": policy_url,
        "notice": {
            "version": notice.version,
            "sha256": notice.sha256,
            "published_at": entry_timestamp(notice.published_at),
        },
        "services": [{"service": "Elcorp Namibia platform", "purposes": [_purpose(record)]}],
        "sensitive": False,
        "spiCat": [],
        "record": _record(record),
        "issued_at": entry_timestamp(issued_at),
    }


def _controller(party: Party) -> dict[str, Any]:
    return {
        "piiController": party.name,
        "address": party.address,
        "email": party.email,
        "phone": party.phone,
        "piiControllerUrl": party.website,
    }


def _purpose(record: ConsentRecord) -> dict[str, Any]:
    return {
        "purpose": PURPOSE_DESCRIPTIONS[record.purpose],
        "purposeCategory": [record.purpose.value],
        "consentType": "EXPLICIT",
        "primaryPurpose": False,
        "termination": "until withdrawn (GET/POST /api/v1/me/consents)",
        "thirdPartyDisclosure": record.purpose is Purpose.THIRD_PARTY_SHARING,
    }


def _record(record: ConsentRecord) -> dict[str, Any]:
    """The ISO/IEC TS 27560 style record of the consent."""
    return {
        "record_id": str(record.id),
        "subject_id": str(record.subject_id),
        "purpose": record.purpose.value,
        "notice_version": record.notice_version,
        "state": record.action.value,
        "channel": record.channel.value,
        "timestamp": entry_timestamp(record.recorded_at),
        "actor_id": None if record.actor_id is None else str(record.actor_id),
    }
