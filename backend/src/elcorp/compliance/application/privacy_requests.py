"""Data-subject requests (POPIA s23-s25, s11(3), s69): the subject files one, staff verify
the requester's identity, work it and answer it within 30 days (one extension), and each
type ends in what the law asks for:

- access: the bundle built by a worker (access_bundle.py) is released to the subject;
- correction: the change is applied through identity's public API (its own validation),
  or, when refused, the request carries a dispute annotation (s24(3)); the subject is told
  and the recipients the processing register names for the data category are recorded as
  notified (s24(4));
- erasure: handed to the erasure service (`SubjectErasure`); a legal hold refuses the
  request with the hold's reason; the outcome notice (what was erased, what is kept and on
  which basis) is stored on the request and shown to the subject;
- objection: recorded with its handling (completed = upheld, s11(4); refused = compelling
  legitimate grounds, with the legal ground);
- marketing_opt_out: effective at once, at filing (s69; s11(3)(b)), through the consent
  ledger (`MarketingOptOut`); the request is filed already completed.

Every transition is audited (action `privacy_request.<verb>`); a subject sees only their
own requests (another's id is 404).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from elcorp.compliance.application.access_bundle import AccessBundleStore, StoredBundle
from elcorp.compliance.application.privacy_ports import MarketingOptOut, SubjectErasure
from elcorp.compliance.domain.privacy_requests import (
    WORKING,
    AccessBundleRequested,
    AssigneeNotEligible,
    BundleNotReady,
    CorrectableField,
    Correction,
    CorrectionMissing,
    InvalidTransition,
    PrivacyRequest,
    PrivacyRequestClosed,
    PrivacyRequestExtended,
    PrivacyRequestFiled,
    PrivacyRequestVerificationRecorded,
    RequestAlreadyOpen,
    RequestStatus,
    RequestType,
    VerificationMethod,
)
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock, utc_now
from elcorp.shared.domain.errors import NotFound, ValidationFailed

logger = logging.getLogger(__name__)

MANAGE = "privacy:manage"
OPT_OUT_CHANNEL = "privacy_request"
ONE_OPEN_AT_A_TIME = frozenset({RequestType.ACCESS, RequestType.ERASURE, RequestType.OBJECTION})
LEGAL_HOLD_GROUND = "POPIA s14(1)(a) and s24(1)(b): retention required by law (legal hold)"


@dataclass(frozen=True, slots=True)
class RequestQuery:
    page: PageRequest
    status: RequestStatus | None = None
    type: RequestType | None = None
    overdue: bool | None = None
    assignee_id: uuid.UUID | None = None


class PrivacyRequestStore(Protocol):
    def add(self, request: PrivacyRequest) -> None:
        """Raise RequestAlreadyOpen when the subject has an open one of a ONE_OPEN_AT_A_TIME type."""
        ...

    def save(self, request: PrivacyRequest) -> None: ...

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> PrivacyRequest | None: ...

    def open_of(self, subject_id: uuid.UUID, type: RequestType) -> PrivacyRequest | None: ...

    def of_subject(self, subject_id: uuid.UUID) -> list[PrivacyRequest]: ...

    def search(self, query: RequestQuery, now: datetime) -> tuple[list[PrivacyRequest], int]: ...

    def erase_personal_data(self, subject_id: uuid.UUID) -> dict[str, int]:
        """Anonymise the personal values in the subject's requests and delete their access
        bundles; category -> rows."""
        ...


class PrivacyRequestsUnitOfWork(UnitOfWork, Protocol):
    @property
    def requests(self) -> PrivacyRequestStore: ...

    @property
    def bundles(self) -> AccessBundleStore: ...


class ProfileCorrector(Protocol):
    """Identity's public API: correct one profile field with identity's own validation."""

    def correct(self, subject_id: uuid.UUID, field: str, value: str, *, actor_id: uuid.UUID) -> bool:
        """True if the value changed; ValidationFailed / AlreadyExists as for a profile edit."""
        ...


class CorrectionRecipients(Protocol):
    """Who received a data category (POPIA s24(4)): recipients and operators that the
    processing register names for it. Without a register: nobody but the subject."""

    def recipients_of(self, field: str) -> list[str]: ...


class NoRecipients:
    def recipients_of(self, field: str) -> list[str]:
        return []


class StaffDirectory(Protocol):
    """Identity's public API, as the queue needs it."""

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]: ...

    def addresses(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...


class ErasureNotices(Protocol):
    def send_erasure_notice(
        self, address: str, request_id: uuid.UUID, outcome: Mapping[str, Any]
    ) -> None: ...


class PrivacyRequests:
    def __init__(
        self,
        uow: Callable[[], PrivacyRequestsUnitOfWork],
        access: AccessControl,
        staff: StaffDirectory,
        corrector: ProfileCorrector,
        erasure: SubjectErasure,
        opt_out: MarketingOptOut,
        *,
        recipients: CorrectionRecipients | None = None,
        notices: ErasureNotices | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._notices_mail = notices
        self._uow = uow
        self._access = access
        self._staff = staff
        self._corrector = corrector
        self._erasure = erasure
        self._opt_out = opt_out
        self._recipients = recipients or NoRecipients()
        self._clock = clock or SystemClock()

    def now(self) -> datetime:
        return self._clock.now()

    # -- the subject ------------------------------------------------------------------------
    def submit(
        self,
        subject_id: uuid.UUID,
        type: RequestType,
        *,
        details: str | None,
        correction: tuple[str, str] | None,
    ) -> PrivacyRequest:
        now = self._clock.now()
        fix = Correction(CorrectableField(correction[0]), correction[1]) if correction else None
        request = PrivacyRequest.receive(subject_id, type, now, details=details, correction=fix)
        if type is RequestType.MARKETING_OPT_OUT:
            # POPIA s69 / s11(3)(b): effective without delay, before anything else can fail.
            self._opt_out.opt_out(subject_id, channel=OPT_OUT_CHANNEL, actor_id=subject_id)
            request.complete_at_once(now, {"marketing_opt_out": "recorded", "channel": OPT_OUT_CHANNEL})
            request.notifications = [self._subject_notice(now)]
        with self._uow() as uow:
            if type in ONE_OPEN_AT_A_TIME and uow.requests.open_of(subject_id, type) is not None:
                raise RequestAlreadyOpen(details={"type": type.value})
            uow.requests.add(request)
            uow.publish(PrivacyRequestFiled(request_id=request.id, request_type=type.value, occurred_at=now))
            self._audit(
                uow,
                "privacy_request.created",
                subject_id,
                request,
                Changes(
                    after={
                        "type": type.value,
                        "status": RequestStatus.RECEIVED.value,
                        "field": fix.field.value if fix else None,
                    }
                ),
            )
            if request.status is RequestStatus.COMPLETED:
                self._audit(
                    uow,
                    "privacy_request.completed",
                    subject_id,
                    request,
                    Changes({"status": "received"}, {"status": "completed"}),
                )
                self._closed(uow, request)
            uow.commit()
        return request

    def mine(self, subject_id: uuid.UUID) -> list[PrivacyRequest]:
        with self._uow() as uow:
            return uow.requests.of_subject(subject_id)

    def my_request(self, subject_id: uuid.UUID, request_id: uuid.UUID) -> PrivacyRequest:
        with self._uow() as uow:
            request = uow.requests.get(request_id)
        if request is None or request.subject_id != subject_id:
            raise NotFound("Privacy request not found")
        return request

    def my_bundle(self, subject_id: uuid.UUID, request_id: uuid.UUID) -> StoredBundle:
        """The subject's copy, once the request is completed (staff may review it first)."""
        request = self.my_request(subject_id, request_id)
        if request.type is not RequestType.ACCESS:
            raise NotFound("This request has no access bundle")
        with self._uow() as uow:
            bundle = uow.bundles.get(request_id)
            if request.status is not RequestStatus.COMPLETED or bundle is None or not bundle.ready:
                raise BundleNotReady("The access bundle is released when the request is completed")
            self._audit(
                uow,
                "privacy_request.bundle_downloaded",
                subject_id,
                request,
                Changes(after={"sha256": bundle.sha256}),
            )
            uow.commit()
        return bundle

    # -- staff ------------------------------------------------------------------------------
    def queue(self, query: RequestQuery) -> Page[PrivacyRequest]:
        with self._uow() as uow:
            items, total = uow.requests.search(query, self._clock.now())
        return Page(items, query.page.page, query.page.per_page, total)

    def get(self, request_id: uuid.UUID) -> PrivacyRequest:
        with self._uow() as uow:
            request = uow.requests.get(request_id)
        if request is None:
            raise NotFound("Privacy request not found")
        return request

    def bundle_for_review(self, actor: uuid.UUID, request_id: uuid.UUID) -> StoredBundle:
        """Staff read the bundle before release: audited as an access to the subject's data."""
        with self._uow() as uow:
            request = self._load(uow, request_id, lock=False)
            bundle = uow.bundles.get(request_id)
            if bundle is None or not bundle.ready:
                raise BundleNotReady()
            uow.audit.record(
                "privacy_request.bundle_reviewed",
                Actor(str(actor)),
                Resource("user", str(request.subject_id)),
                Changes(after={"request_id": str(request.id), "sha256": bundle.sha256}),
            )
            uow.commit()
        return bundle

    def verify(
        self,
        actor: uuid.UUID,
        request_id: uuid.UUID,
        method: VerificationMethod,
        passed: bool,
        note: str | None,
    ) -> PrivacyRequest:
        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before = request.status.value
            request.verify(method, passed, actor, now, note)
            uow.publish(
                PrivacyRequestVerificationRecorded(request_id=request.id, passed=passed, occurred_at=now)
            )
            return Changes(
                {"status": before}, {"status": request.status.value, "method": method.value, "passed": passed}
            )

        return self._transition(actor, request_id, "verified", act)

    def assign(self, actor: uuid.UUID, request_id: uuid.UUID, assignee: uuid.UUID) -> PrivacyRequest:
        eligible = assignee in self._staff.active_among([assignee]) and (
            self._access.grants_for(assignee).scope_of(MANAGE) is not None
        )
        if not eligible:
            raise AssigneeNotEligible(
                details=[{"field": "assignee_id", "message": "may not manage privacy requests"}]
            )

        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before = request.assignee_id
            request.assign(assignee)
            return Changes(
                {"assignee_id": None if before is None else str(before)}, {"assignee_id": str(assignee)}
            )

        return self._transition(actor, request_id, "assigned", act)

    def start(self, actor: uuid.UUID, request_id: uuid.UUID) -> PrivacyRequest:
        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before = request.status.value
            request.start(now)
            if request.type is RequestType.ACCESS:
                uow.bundles.request(request.id, request.subject_id, now)
                uow.publish(AccessBundleRequested(request_id=request.id, subject_id=request.subject_id))
            return Changes({"status": before}, {"status": request.status.value})

        return self._transition(actor, request_id, "started", act)

    def extend(self, actor: uuid.UUID, request_id: uuid.UUID, days: int, reason: str) -> PrivacyRequest:
        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before, due = request.status.value, request.due_at.isoformat()
            request.extend(days, reason, now)
            uow.publish(
                PrivacyRequestExtended(
                    request_id=request.id, days=days, due_at=request.due_at, occurred_at=now
                )
            )
            return Changes(
                {"status": before, "due_at": due},
                {"status": request.status.value, "due_at": request.due_at.isoformat(), "days": days},
            )

        return self._transition(actor, request_id, "extended", act, reason=reason)

    def refuse(
        self, actor: uuid.UUID, request_id: uuid.UUID, reason: str, legal_ground: str
    ) -> PrivacyRequest:
        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before = request.status.value
            request.refuse(actor, now, reason=reason, legal_ground=legal_ground)
            request.notifications = self._notices(request, now)
            self._closed(uow, request)
            return Changes({"status": before}, {"status": request.status.value, "legal_ground": legal_ground})

        return self._transition(actor, request_id, "refused", act, reason=reason)

    def complete(self, actor: uuid.UUID, request_id: uuid.UUID, resolution: str | None) -> PrivacyRequest:
        """Do what the request asks, then close it. Work done by another service (a
        correction, an erasure) runs first, in that service's own transaction, and is
        idempotent, so a retried completion after a failure here is safe."""
        request = self.get(request_id)
        if request.status not in WORKING:
            raise InvalidTransition(
                f"Cannot complete a request that is {request.status.value}",
                details={"status": request.status.value, "allowed_from": sorted(s.value for s in WORKING)},
            )
        if request.type is RequestType.OBJECTION and not (resolution or "").strip():
            raise ValidationFailed(
                details=[
                    {"field": "resolution", "message": "say how the objection was handled (POPIA s11(4))"}
                ]
            )
        outcome: dict[str, Any]
        blocked: list[str] | None = None
        address: str | None = None
        if request.type is RequestType.CORRECTION:
            if request.correction is None:
                raise CorrectionMissing()
            changed = self._corrector.correct(
                request.subject_id, request.correction.field.value, request.correction.value, actor_id=actor
            )
            outcome = {"corrected": {"field": request.correction.field.value, "changed": changed}}
        elif request.type is RequestType.ERASURE:
            # The address the notice goes to, read before the erasure removes it.
            address = self._staff.addresses([request.subject_id]).get(request.subject_id)
            erased = self._erasure.erase(request.subject_id, request_id=request.id, actor_id=actor)
            outcome = erased.as_json()
            if erased.blocked:
                blocked = list(erased.hold_reasons) or ["a legal hold"]
        elif request.type is RequestType.MARKETING_OPT_OUT:
            self._opt_out.opt_out(request.subject_id, channel=OPT_OUT_CHANNEL, actor_id=actor)
            outcome = {"marketing_opt_out": "recorded", "channel": OPT_OUT_CHANNEL}
        elif request.type is RequestType.OBJECTION:
            outcome = {"objection": "upheld", "handling": resolution}
        else:
            outcome = {}

        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before = request.status.value
            if request.type is RequestType.ACCESS:
                bundle = uow.bundles.get(request.id)
                if bundle is None or not bundle.ready:
                    raise BundleNotReady()
                outcome.update(
                    bundle_sha256=bundle.sha256,
                    bundle_size=len(bundle.content or b""),
                    bundle_built_at=None if bundle.built_at is None else bundle.built_at.isoformat(),
                )
            if blocked is not None:
                # A legal hold stops erasure: the request is refused, with the hold's reason,
                # and the notice says nothing was changed.
                request.refuse(
                    actor,
                    now,
                    reason="Erasure blocked: " + "; ".join(blocked),
                    legal_ground=LEGAL_HOLD_GROUND,
                    outcome=outcome,
                )
            else:
                if request.type is RequestType.ERASURE:
                    # What this context holds about the subject goes too: the bundles and the
                    # requests' own personal values (the requests stay, by id and state).
                    for category, count in uow.requests.erase_personal_data(request.subject_id).items():
                        if not count:
                            continue
                        disposal = "delete" if category.endswith("access_bundle") else "anonymise"
                        outcome.setdefault("erased", []).append(
                            {"category": category, "disposal": disposal, "count": count}
                        )
                    request.details = None  # as stored now: this row is saved after
                request.complete(actor, now, outcome=outcome, resolution=resolution)
            request.notifications = self._notices(request, now)
            self._closed(uow, request)
            return Changes({"status": before}, {"status": request.status.value})

        verb = "refused" if blocked is not None else "completed"
        closed = self._transition(actor, request_id, verb, act, reason=resolution)
        if closed.type is RequestType.ERASURE and blocked is None and address and self._notices_mail:
            try:
                self._notices_mail.send_erasure_notice(address, closed.id, closed.outcome or {})
            except Exception:  # the erasure stands; the notice stays on the request
                logger.exception("privacy.erasure_notice_failed request_id=%s", closed.id)
        return closed

    # -- helpers ----------------------------------------------------------------------------
    def _load(self, uow: PrivacyRequestsUnitOfWork, request_id: uuid.UUID, *, lock: bool) -> PrivacyRequest:
        request = uow.requests.get(request_id, for_update=lock)
        if request is None:
            raise NotFound("Privacy request not found")
        return request

    def _transition(
        self,
        actor: uuid.UUID,
        request_id: uuid.UUID,
        verb: str,
        act: Callable[[PrivacyRequest, PrivacyRequestsUnitOfWork, datetime], Changes],
        *,
        reason: str | None = None,
    ) -> PrivacyRequest:
        with self._uow() as uow:
            request = self._load(uow, request_id, lock=True)
            changes = act(request, uow, self._clock.now())
            uow.requests.save(request)
            self._audit(uow, f"privacy_request.{verb}", actor, request, changes, reason)
            uow.commit()
        return request

    @staticmethod
    def _audit(
        uow: PrivacyRequestsUnitOfWork,
        action: str,
        actor: uuid.UUID,
        request: PrivacyRequest,
        changes: Changes,
        reason: str | None = None,
    ) -> None:
        # Ids and states only: request details and corrected values stay out of the trail.
        after = {**changes.after, "subject_id": str(request.subject_id), "type": request.type.value}
        uow.audit.record(
            action,
            Actor(str(actor)),
            Resource("privacy_request", str(request.id)),
            Changes(changes.before, after),
            reason,
        )

    @staticmethod
    def _subject_notice(now: datetime) -> dict[str, Any]:
        return {"recipient": "data_subject", "channel": "email", "queued_at": now.isoformat()}

    def _notices(self, request: PrivacyRequest, now: datetime) -> list[dict[str, Any]]:
        """Who is told of the answer: always the subject; for a correction (made, or refused
        with its dispute annotation) also each recipient of that data (POPIA s24(4))."""
        notices = [self._subject_notice(now)]
        if request.type is RequestType.CORRECTION and request.correction is not None:
            for recipient in self._recipients.recipients_of(request.correction.field.value):
                notices.append(
                    {
                        "recipient": recipient,
                        "channel": "processing_register",
                        "queued_at": now.isoformat(),
                        "field": request.correction.field.value,
                    }
                )
        return notices

    @staticmethod
    def _closed(uow: PrivacyRequestsUnitOfWork, request: PrivacyRequest) -> None:
        uow.publish(
            PrivacyRequestClosed(
                request_id=request.id,
                subject_id=request.subject_id,
                request_type=request.type.value,
                status=request.status.value,
                # The closing instant (the service clock's), which the SLA tracking reads.
                occurred_at=request.closed_at or utc_now(),
            )
        )
