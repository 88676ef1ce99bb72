"""Test doubles of the two ports a data-subject request hands work to (erasure, marketing
opt-out), with the behaviour the real services promise, and request helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from elcorp.compliance.privacy.application.privacy_ports import ErasedCategory, ErasureOutcome, KeptCategory
from elcorp.compliance.wiring import build_privacy_requests
from support.containers import replacing, serve

MINE = "/api/v1/me/privacy-requests"
QUEUE = "/api/v1/privacy-requests"


@dataclass
class RecordingErasure:
    """Erases once (a second call finds nothing left); a legal hold blocks it and changes nothing."""

    hold: str | None = None
    calls: list[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID]] = field(default_factory=list)
    erased: set[uuid.UUID] = field(default_factory=set)

    def erase(
        self, subject_id: uuid.UUID, *, request_id: uuid.UUID | None, actor_id: uuid.UUID
    ) -> ErasureOutcome:
        self.calls.append((subject_id, request_id, actor_id))
        if self.hold is not None:
            return ErasureOutcome(subject_id, blocked=True, hold_reasons=[self.hold])
        count = 0 if subject_id in self.erased else 1
        self.erased.add(subject_id)
        return ErasureOutcome(
            subject_id,
            blocked=False,
            erased=[ErasedCategory("user.contact.phone", "crypto_shred", count)],
            kept=[
                KeptCategory(
                    "payments.transaction",
                    "fia_transaction",
                    "Financial Intelligence Act 2012: 5 years after the transaction",
                    date(2031, 12, 31),
                    True,
                )
            ],
        )


@dataclass
class RecordingOptOut:
    """Opted-out subjects, as the consent ledger would hold them (idempotent)."""

    calls: list[tuple[uuid.UUID, str, uuid.UUID]] = field(default_factory=list)
    opted_out: set[uuid.UUID] = field(default_factory=set)

    def opt_out(self, subject_id: uuid.UUID, *, channel: str, actor_id: uuid.UUID) -> None:
        self.calls.append((subject_id, channel, actor_id))
        self.opted_out.add(subject_id)


@dataclass
class Ports:
    erasure: RecordingErasure
    opt_out: RecordingOptOut


def install_doubles(client, container, *, hold: str | None = None) -> Ports:
    """From now on `client` talks to an app whose request service is wired to the doubles
    instead of the real services."""
    ports = Ports(RecordingErasure(hold=hold), RecordingOptOut())
    module = container.compliance_module
    service = build_privacy_requests(module, erasure=ports.erasure, opt_out=ports.opt_out)
    serve(client, replacing(container, privacy_requests=service))
    return ports


def file_request(client, user, type_: str, **body):
    return client.post(MINE, headers=user.auth, json={"type": type_, **body})


def act(client, staff, request_id: str, verb: str, **body):
    return client.post(f"{QUEUE}/{request_id}/{verb}", headers=staff.auth, json=body)


def filed(client, user, type_: str, **body) -> dict:
    response = file_request(client, user, type_, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def started(client, staff, request_id: str) -> dict:
    """Identity verified and work started."""
    verified = act(client, staff, request_id, "verify", method="identity_document")
    assert verified.status_code == 200, verified.get_json()
    response = act(client, staff, request_id, "start")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]
