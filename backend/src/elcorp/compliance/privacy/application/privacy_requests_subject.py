"""The data subject's side of their requests: file one (a marketing opt-out takes effect at
once, at filing: POPIA s69, s11(3)(b)), list and read their own (another's id is 404), and
download the access bundle once the request is completed."""

from __future__ import annotations

import uuid

from elcorp.compliance.privacy.application.access_bundle import StoredBundle
from elcorp.compliance.privacy.application.privacy_ports import MarketingOptOut
from elcorp.compliance.privacy.application.privacy_requests_journal import RequestJournal
from elcorp.compliance.privacy.domain.privacy_requests import (
    BundleNotReady,
    CorrectableField,
    Correction,
    PrivacyRequest,
    PrivacyRequestFiled,
    RequestAlreadyOpen,
    RequestStatus,
    RequestType,
)
from elcorp.shared.application.audit import Changes
from elcorp.shared.domain.errors import NotFound

OPT_OUT_CHANNEL = "privacy_request"
ONE_OPEN_AT_A_TIME = frozenset({RequestType.ACCESS, RequestType.ERASURE, RequestType.OBJECTION})


class SubjectRequests:
    def __init__(self, journal: RequestJournal, opt_out: MarketingOptOut) -> None:
        self._journal = journal
        self._opt_out = opt_out

    def submit(
        self,
        subject_id: uuid.UUID,
        type: RequestType,
        *,
        details: str | None,
        correction: tuple[str, str] | None,
    ) -> PrivacyRequest:
        journal = self._journal
        now = journal.clock.now()
        fix = Correction(CorrectableField(correction[0]), correction[1]) if correction else None
        request = PrivacyRequest.receive(subject_id, type, now, details=details, correction=fix)
        if type is RequestType.MARKETING_OPT_OUT:
            # POPIA s69 / s11(3)(b): effective without delay, before anything else can fail.
            self._opt_out.opt_out(subject_id, channel=OPT_OUT_CHANNEL, actor_id=subject_id)
            request.complete_at_once(now, {"marketing_opt_out": "recorded", "channel": OPT_OUT_CHANNEL})
            request.notifications = [journal.subject_notice(now)]
        with journal.uow() as uow:
            if type in ONE_OPEN_AT_A_TIME and uow.requests.open_of(subject_id, type) is not None:
                raise RequestAlreadyOpen(details={"type": type.value})
            uow.requests.add(request)
            uow.publish(PrivacyRequestFiled(request_id=request.id, request_type=type.value, occurred_at=now))
            created = {
                "type": type.value,
                "status": RequestStatus.RECEIVED.value,
                "field": fix.field.value if fix else None,
            }
            journal.audit(uow, "privacy_request.created", subject_id, request, Changes(after=created))
            if request.status is RequestStatus.COMPLETED:
                completed = Changes({"status": "received"}, {"status": "completed"})
                journal.audit(uow, "privacy_request.completed", subject_id, request, completed)
                journal.closed(uow, request)
            uow.commit()
        return request

    def mine(self, subject_id: uuid.UUID) -> list[PrivacyRequest]:
        with self._journal.uow() as uow:
            return uow.requests.of_subject(subject_id)

    def my_request(self, subject_id: uuid.UUID, request_id: uuid.UUID) -> PrivacyRequest:
        with self._journal.uow() as uow:
            request = uow.requests.get(request_id)
        if request is None or request.subject_id != subject_id:
            raise NotFound("Privacy request not found")
        return request

    def my_bundle(self, subject_id: uuid.UUID, request_id: uuid.UUID) -> StoredBundle:
        """The subject's copy, once the request is completed (staff may review it first)."""
        request = self.my_request(subject_id, request_id)
        if request.type is not RequestType.ACCESS:
            raise NotFound("This request has no access bundle")
        with self._journal.uow() as uow:
            bundle = uow.bundles.get(request_id)
            if request.status is not RequestStatus.COMPLETED or bundle is None or not bundle.ready:
                raise BundleNotReady("The access bundle is released when the request is completed")
            downloaded = Changes(after={"sha256": bundle.sha256})
            self._journal.audit(uow, "privacy_request.bundle_downloaded", subject_id, request, downloaded)
            uow.commit()
        return bundle
