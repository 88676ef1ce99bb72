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

The use cases live beside this module: privacy_requests_subject (filing, the subject's
reads), privacy_requests_staff (the queue's transitions), privacy_requests_completion
(doing what a request asks); they share privacy_requests_journal. `PrivacyRequests` is the
one entry point the wiring and the HTTP layer use.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from elcorp.compliance.privacy.application.access_bundle import BundleStatus, StoredBundle, bundle_status
from elcorp.compliance.privacy.application.privacy_ports import MarketingOptOut, SubjectErasure
from elcorp.compliance.privacy.application.privacy_requests_completion import (
    LEGAL_HOLD_GROUND,
    RequestCompletion,
)
from elcorp.compliance.privacy.application.privacy_requests_journal import RequestJournal
from elcorp.compliance.privacy.application.privacy_requests_ports import (
    CorrectionRecipients,
    ErasureNotices,
    NoRecipients,
    PrivacyRequestStore,
    PrivacyRequestsUnitOfWork,
    ProfileCorrector,
    RequestQuery,
    StaffDirectory,
)
from elcorp.compliance.privacy.application.privacy_requests_staff import MANAGE, RequestQueue
from elcorp.compliance.privacy.application.privacy_requests_subject import (
    ONE_OPEN_AT_A_TIME,
    OPT_OUT_CHANNEL,
    SubjectRequests,
)
from elcorp.compliance.privacy.domain.privacy_requests import PrivacyRequest, RequestType, VerificationMethod
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.pagination import Page
from elcorp.shared.domain.clock import Clock, SystemClock

__all__ = [
    "LEGAL_HOLD_GROUND",
    "MANAGE",
    "ONE_OPEN_AT_A_TIME",
    "OPT_OUT_CHANNEL",
    "CorrectionRecipients",
    "ErasureNotices",
    "NoRecipients",
    "PrivacyRequestStore",
    "PrivacyRequests",
    "PrivacyRequestsUnitOfWork",
    "ProfileCorrector",
    "RequestQuery",
    "StaffDirectory",
]


class PrivacyRequests:
    """The data-subject requests service: one entry point over its use cases (the subject's
    side, the staff queue, the completion), which share one journal of transitions."""

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
        self._clock = clock or SystemClock()
        self._journal = RequestJournal(uow, recipients or NoRecipients(), self._clock)
        self._subject = SubjectRequests(self._journal, opt_out)
        self._queue = RequestQueue(self._journal, access, staff)
        self._completion = RequestCompletion(self._journal, staff, corrector, erasure, opt_out, notices)

    def now(self) -> datetime:
        return self._clock.now()

    def bundle_statuses(self, requests: Sequence[PrivacyRequest]) -> dict[uuid.UUID, BundleStatus]:
        """Where each request's access bundle is (`not_applicable` for other types), in one read."""
        access = [r.id for r in requests if r.type is RequestType.ACCESS]
        with self._journal.uow() as uow:
            states = uow.bundles.states(access) if access else {}
        now = self._clock.now()
        return {r.id: bundle_status(r, states.get(r.id), now) for r in requests}

    # -- the subject ------------------------------------------------------------------------
    def submit(
        self,
        subject_id: uuid.UUID,
        type: RequestType,
        *,
        details: str | None,
        correction: tuple[str, str] | None,
    ) -> PrivacyRequest:
        return self._subject.submit(subject_id, type, details=details, correction=correction)

    def mine(self, subject_id: uuid.UUID) -> list[PrivacyRequest]:
        return self._subject.mine(subject_id)

    def my_request(self, subject_id: uuid.UUID, request_id: uuid.UUID) -> PrivacyRequest:
        return self._subject.my_request(subject_id, request_id)

    def my_bundle(self, subject_id: uuid.UUID, request_id: uuid.UUID) -> StoredBundle:
        """The subject's copy, once the request is completed (staff may review it first)."""
        return self._subject.my_bundle(subject_id, request_id)

    # -- staff ------------------------------------------------------------------------------
    def queue(self, query: RequestQuery) -> Page[PrivacyRequest]:
        return self._queue.queue(query)

    def get(self, request_id: uuid.UUID) -> PrivacyRequest:
        return self._journal.get(request_id)

    def bundle_for_review(self, actor: uuid.UUID, request_id: uuid.UUID) -> StoredBundle:
        """Staff read the bundle before release: audited as an access to the subject's data."""
        return self._queue.bundle_for_review(actor, request_id)

    def verify(
        self,
        actor: uuid.UUID,
        request_id: uuid.UUID,
        method: VerificationMethod,
        passed: bool,
        note: str | None,
    ) -> PrivacyRequest:
        return self._queue.verify(actor, request_id, method, passed, note)

    def assign(self, actor: uuid.UUID, request_id: uuid.UUID, assignee: uuid.UUID) -> PrivacyRequest:
        return self._queue.assign(actor, request_id, assignee)

    def start(self, actor: uuid.UUID, request_id: uuid.UUID) -> PrivacyRequest:
        return self._queue.start(actor, request_id)

    def extend(self, actor: uuid.UUID, request_id: uuid.UUID, days: int, reason: str) -> PrivacyRequest:
        return self._queue.extend(actor, request_id, days, reason)

    def refuse(
        self, actor: uuid.UUID, request_id: uuid.UUID, reason: str, legal_ground: str
    ) -> PrivacyRequest:
        return self._queue.refuse(actor, request_id, reason, legal_ground)

    def complete(self, actor: uuid.UUID, request_id: uuid.UUID, resolution: str | None) -> PrivacyRequest:
        """Do what the request asks, then close it (privacy_requests_completion.py)."""
        return self._completion.complete(actor, request_id, resolution)
