"""Staff work the queue of data-subject requests: read it, review an access bundle before
release (an audited access to the subject's data), record the identity check, assign,
start (an access request's bundle is then built by a worker), extend once, refuse."""

from __future__ import annotations

import uuid
from datetime import datetime

from elcorp.compliance.privacy.application.access_bundle import StoredBundle
from elcorp.compliance.privacy.application.privacy_requests_journal import RequestJournal
from elcorp.compliance.privacy.application.privacy_requests_ports import (
    PrivacyRequestsUnitOfWork,
    RequestQuery,
    StaffDirectory,
)
from elcorp.compliance.privacy.domain.privacy_requests import (
    AccessBundleRequested,
    AssigneeNotEligible,
    BundleNotReady,
    PrivacyRequest,
    PrivacyRequestExtended,
    PrivacyRequestVerificationRecorded,
    RequestType,
    VerificationMethod,
)
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page
from elcorp.shared.domain.clock import isoformat_z

MANAGE = "privacy:manage"


class RequestQueue:
    def __init__(self, journal: RequestJournal, access: AccessControl, staff: StaffDirectory) -> None:
        self._journal = journal
        self._access = access
        self._staff = staff

    def queue(self, query: RequestQuery) -> Page[PrivacyRequest]:
        with self._journal.uow() as uow:
            items, total = uow.requests.search(query, self._journal.clock.now())
        return Page(items, query.page.page, query.page.per_page, total)

    def bundle_for_review(self, actor: uuid.UUID, request_id: uuid.UUID) -> StoredBundle:
        """Staff read the bundle before release: audited as an access to the subject's data."""
        with self._journal.uow() as uow:
            request = self._journal.load(uow, request_id, lock=False)
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

        return self._journal.transition(actor, request_id, "verified", act)

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

        return self._journal.transition(actor, request_id, "assigned", act)

    def start(self, actor: uuid.UUID, request_id: uuid.UUID) -> PrivacyRequest:
        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before = request.status.value
            request.start(now)
            if request.type is RequestType.ACCESS:
                uow.bundles.request(request.id, request.subject_id, now)
                uow.publish(AccessBundleRequested(request_id=request.id, subject_id=request.subject_id))
            return Changes({"status": before}, {"status": request.status.value})

        return self._journal.transition(actor, request_id, "started", act)

    def extend(self, actor: uuid.UUID, request_id: uuid.UUID, days: int, reason: str) -> PrivacyRequest:
        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before, due = request.status.value, isoformat_z(request.due_at)
            request.extend(days, reason, now)
            uow.publish(
                PrivacyRequestExtended(
                    request_id=request.id, days=days, due_at=request.due_at, occurred_at=now
                )
            )
            return Changes(
                {"status": before, "due_at": due},
                {"status": request.status.value, "due_at": isoformat_z(request.due_at), "days": days},
            )

        return self._journal.transition(actor, request_id, "extended", act, reason=reason)

    def refuse(
        self, actor: uuid.UUID, request_id: uuid.UUID, reason: str, legal_ground: str
    ) -> PrivacyRequest:
        journal = self._journal

        def act(request: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            before = request.status.value
            request.refuse(actor, now, reason=reason, legal_ground=legal_ground)
            request.notifications = journal.notices(request, now)
            journal.closed(uow, request)
            return Changes({"status": before}, {"status": request.status.value, "legal_ground": legal_ground})

        return journal.transition(actor, request_id, "refused", act, reason=reason)
