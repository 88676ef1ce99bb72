"""Data-subject requests (POPIA s23-s25, s11(3), s69; PAIA s25-s26): what a subject may ask
of us and the lifecycle every such request follows.

    received --verify--> verifying --start--> in_progress --complete--> completed
        |                    |                   |   \\--extend--> extended --complete--> completed
        \\--------------------+---------refuse----+----------------------+------------------> refused

- `received`: logged; due 30 days later (PAIA s25(1): 30 days to decide).
- `verifying`: at least one identity check is recorded (method, outcome, by whom, when);
  a failed check can be followed by another one.
- `in_progress`: the identity was verified (the latest check passed) and the work started.
- `extended`: in progress with its deadline moved once, by up to 30 days, for a stated
  reason (PAIA s26(1)); it is a state, not a flag, so the queue shows it and a second
  extension is refused by the transition rules alone.
- `completed` / `refused`: final. A refusal names its reason and its legal ground.

Assignment to a staff member is allowed in every open state and changes no state.
Pure: standard library and the shared kernel only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import DomainError
from elcorp.shared.domain.events import DomainEvent

DUE_DAYS = 30  # PAIA s25(1): a request is decided within 30 days
MAX_EXTENSION_DAYS = 30  # PAIA s26(1): one extension of not more than 30 days


class RequestType(StrEnum):
    ACCESS = "access"  # POPIA s23
    CORRECTION = "correction"  # POPIA s24(1)(a)
    ERASURE = "erasure"  # POPIA s24(1)(b)
    OBJECTION = "objection"  # POPIA s11(3)(a)
    MARKETING_OPT_OUT = "marketing_opt_out"  # POPIA s11(3)(b), s69


class RequestStatus(StrEnum):
    RECEIVED = "received"
    VERIFYING = "verifying"
    IN_PROGRESS = "in_progress"
    EXTENDED = "extended"
    COMPLETED = "completed"
    REFUSED = "refused"


OPEN = frozenset(
    {RequestStatus.RECEIVED, RequestStatus.VERIFYING, RequestStatus.IN_PROGRESS, RequestStatus.EXTENDED}
)
WORKING = frozenset({RequestStatus.IN_PROGRESS, RequestStatus.EXTENDED})


class VerificationMethod(StrEnum):
    AUTHENTICATED_SESSION = "authenticated_session"  # signed in, with MFA where enrolled
    IDENTITY_DOCUMENT = "identity_document"  # a copy of the ID checked against the record
    IN_PERSON = "in_person"
    CALLBACK = "callback"  # a call or message to the contact details on record


class CorrectableField(StrEnum):
    FULL_NAME = "full_name"
    PHONE = "phone"
    EMAIL = "email"
    ORGANIZATION = "organization"


# -- errors (one DSR_ code each; HTTP statuses in shared.interfaces.errors) ------------------
class InvalidTransition(DomainError):
    code = "DSR_001"
    status = 409
    default_message = "The request's status does not allow this action"


class IdentityNotVerified(DomainError):
    code = "DSR_002"
    status = 409
    default_message = "The requester's identity has not been verified"


class ExtensionNotAllowed(DomainError):
    code = "DSR_003"
    status = 409
    default_message = "A request may be extended once, by at most 30 days"


class BundleNotReady(DomainError):
    code = "DSR_004"
    status = 409
    default_message = "The access bundle has not been built yet"


class CorrectionMissing(DomainError):
    code = "DSR_005"
    default_message = "A correction request names the field and its correct value"


class AssigneeNotEligible(DomainError):
    code = "DSR_006"
    default_message = "The assignee must be an active staff member who may manage privacy requests"


class RequestAlreadyOpen(DomainError):
    code = "DSR_007"
    status = 409
    default_message = "An open request of this type already exists"


# -- events (through the outbox) -----------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class AccessBundleRequested(DomainEvent):
    """An access request started: its bundle is built by a worker."""

    request_id: uuid.UUID
    subject_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class PrivacyRequestClosed(DomainEvent):
    """A request was completed or refused: the subject is told (POPIA s23(1), s24(4))."""

    request_id: uuid.UUID
    subject_id: uuid.UUID
    request_type: str
    status: str


# The SLA clock of a request (compliance's SLA tracking) follows these three and the closure.
@dataclass(frozen=True, kw_only=True)
class PrivacyRequestFiled(DomainEvent):
    """A request was received: its PAIA s25 clock starts at `occurred_at`."""

    request_id: uuid.UUID
    request_type: str


@dataclass(frozen=True, kw_only=True)
class PrivacyRequestVerificationRecorded(DomainEvent):
    """An identity check was recorded (the first one is the request's response)."""

    request_id: uuid.UUID
    passed: bool


@dataclass(frozen=True, kw_only=True)
class PrivacyRequestExtended(DomainEvent):
    """The deadline moved once, by `days` (PAIA s26)."""

    request_id: uuid.UUID
    days: int
    due_at: datetime


# -- the aggregate -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Verification:
    method: VerificationMethod
    passed: bool
    verified_by: uuid.UUID
    verified_at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Correction:
    field: CorrectableField
    value: str


@dataclass
class PrivacyRequest:
    id: uuid.UUID
    subject_id: uuid.UUID
    type: RequestType
    status: RequestStatus
    received_at: datetime
    due_at: datetime
    details: str | None = None
    correction: Correction | None = None
    verifications: list[Verification] = field(default_factory=list)
    assignee_id: uuid.UUID | None = None
    started_at: datetime | None = None
    extension_days: int | None = None
    extension_reason: str | None = None
    extended_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: uuid.UUID | None = None
    resolution: str | None = None  # how it was handled (objection), or the refusal reason
    legal_ground: str | None = None  # of a refusal
    dispute: dict[str, Any] | None = None  # POPIA s24(3): correction requested but not made
    outcome: dict[str, Any] | None = None  # what was done (erasure notice, fields corrected...)
    notifications: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def receive(
        cls,
        subject_id: uuid.UUID,
        type: RequestType,
        at: datetime,
        *,
        details: str | None,
        correction: Correction | None,
    ) -> PrivacyRequest:
        if type is RequestType.CORRECTION and correction is None:
            raise CorrectionMissing(
                details=[{"field": "correction", "message": "name the field and its value"}]
            )
        if type is not RequestType.CORRECTION and correction is not None:
            raise CorrectionMissing(
                "Only a correction request carries a correction",
                details=[{"field": "correction", "message": "only for type correction"}],
            )
        return cls(
            id=uuid.uuid4(),
            subject_id=subject_id,
            type=type,
            status=RequestStatus.RECEIVED,
            received_at=at,
            due_at=at + timedelta(days=DUE_DAYS),
            details=details,
            correction=correction,
        )

    # -- queries ------------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def overdue(self, now: datetime) -> bool:
        return self.is_open and now > self.due_at

    @property
    def identity_verified(self) -> bool:
        return bool(self.verifications) and self.verifications[-1].passed

    def _require(self, action: str, allowed: frozenset[RequestStatus]) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                f"Cannot {action} a request that is {self.status.value}",
                details={"status": self.status.value, "allowed_from": sorted(s.value for s in allowed)},
            )

    # -- transitions --------------------------------------------------------------------------
    def verify(
        self, method: VerificationMethod, passed: bool, by: uuid.UUID, at: datetime, note: str | None
    ) -> None:
        """Record an identity check (POPIA s23(1): "having provided adequate proof of identity")."""
        self._require("verify", frozenset({RequestStatus.RECEIVED, RequestStatus.VERIFYING}))
        self.verifications.append(Verification(method, passed, by, at, note))
        self.status = RequestStatus.VERIFYING

    def assign(self, assignee: uuid.UUID) -> None:
        self._require("assign", OPEN)
        self.assignee_id = assignee

    def start(self, at: datetime) -> None:
        self._require("start", frozenset({RequestStatus.VERIFYING}))
        if not self.identity_verified:
            raise IdentityNotVerified()
        self.status = RequestStatus.IN_PROGRESS
        self.started_at = at

    def extend(self, days: int, reason: str, at: datetime) -> None:
        """PAIA s26: once, by at most 30 days, with the reason told to the requester."""
        if self.status is RequestStatus.EXTENDED or self.extension_days is not None:
            raise ExtensionNotAllowed("The request was already extended once")
        self._require("extend", frozenset({RequestStatus.IN_PROGRESS}))
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise ExtensionNotAllowed(details=[{"field": "days", "message": "must be 1-30"}])
        self.status = RequestStatus.EXTENDED
        self.extension_days = days
        self.extension_reason = reason
        self.extended_at = at
        self.due_at = self.due_at + timedelta(days=days)

    def complete(
        self, by: uuid.UUID, at: datetime, *, outcome: dict[str, Any], resolution: str | None
    ) -> None:
        self._require("complete", WORKING)
        self.status = RequestStatus.COMPLETED
        self.closed_at, self.closed_by = at, by
        self.outcome = outcome
        self.resolution = resolution

    def complete_at_once(self, at: datetime, outcome: dict[str, Any]) -> None:
        """A marketing opt-out takes effect without delay (POPIA s69(3)): it only restricts
        processing, so it needs no identity check beyond the subject's own session."""
        self._require("complete", frozenset({RequestStatus.RECEIVED}))
        self.verifications.append(
            Verification(VerificationMethod.AUTHENTICATED_SESSION, True, self.subject_id, at, None)
        )
        self.status = RequestStatus.COMPLETED
        self.started_at = self.closed_at = at
        self.closed_by = self.subject_id
        self.outcome = outcome

    def refuse(
        self,
        by: uuid.UUID,
        at: datetime,
        *,
        reason: str,
        legal_ground: str,
        outcome: dict[str, Any] | None = None,
    ) -> None:
        self._require("refuse", OPEN)
        self.status = RequestStatus.REFUSED
        self.closed_at, self.closed_by = at, by
        self.resolution, self.legal_ground = reason, legal_ground
        if outcome is not None:
            self.outcome = outcome
        if self.type is RequestType.CORRECTION and self.correction is not None:
            # POPIA s24(3): the information carries an indication that a correction was
            # sought and not made.
            self.dispute = {
                "field": self.correction.field.value,
                "requested_value": self.correction.value,
                "reason": reason,
                "recorded_at": isoformat_z(at),
                "recorded_by": str(by),
            }
