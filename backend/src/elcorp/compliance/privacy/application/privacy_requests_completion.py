"""Completing a data-subject request: do what it asks, then close it with its outcome.

The work another service does (identity's correction, the erasure, the consent ledger's
opt-out) runs first, in that service's own transaction, and is idempotent, so a retried
completion after a failure here is safe. A legal hold that stops an erasure refuses the
request with the hold's reason instead; the outcome notice of an erasure is mailed after
the request is closed (a failed mail leaves the notice on the request)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elcorp.compliance.privacy.application.privacy_ports import MarketingOptOut, SubjectErasure
from elcorp.compliance.privacy.application.privacy_requests_journal import RequestJournal
from elcorp.compliance.privacy.application.privacy_requests_ports import (
    ErasureNotices,
    PrivacyRequestsUnitOfWork,
    ProfileCorrector,
    StaffDirectory,
)
from elcorp.compliance.privacy.application.privacy_requests_subject import OPT_OUT_CHANNEL
from elcorp.compliance.privacy.domain.privacy_requests import (
    WORKING,
    BundleNotReady,
    CorrectionMissing,
    InvalidTransition,
    PrivacyRequest,
    RequestType,
)
from elcorp.shared.application.audit import Changes
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import ValidationFailed

logger = logging.getLogger(__name__)

LEGAL_HOLD_GROUND = "POPIA s14(1)(a) and s24(1)(b): retention required by law (legal hold)"


@dataclass(slots=True)
class Fulfilment:
    """What doing the request produced, before it is closed."""

    outcome: dict[str, Any] = field(default_factory=dict)
    blocked: list[str] | None = None  # an erasure a legal hold stopped: the holds' reasons
    address: str | None = None  # where an erasure's notice goes, read before the erasure

    @property
    def verb(self) -> str:
        return "refused" if self.blocked is not None else "completed"


def check_completable(request: PrivacyRequest, resolution: str | None) -> None:
    if request.status not in WORKING:
        raise InvalidTransition(
            f"Cannot complete a request that is {request.status.value}",
            details={"status": request.status.value, "allowed_from": sorted(s.value for s in WORKING)},
        )
    if request.type is RequestType.OBJECTION and not (resolution or "").strip():
        raise ValidationFailed(
            details=[{"field": "resolution", "message": "say how the objection was handled (POPIA s11(4))"}]
        )


class RequestCompletion:
    def __init__(
        self,
        journal: RequestJournal,
        staff: StaffDirectory,
        corrector: ProfileCorrector,
        erasure: SubjectErasure,
        opt_out: MarketingOptOut,
        notices: ErasureNotices | None,
    ) -> None:
        self._journal = journal
        self._staff = staff
        self._corrector = corrector
        self._erasure = erasure
        self._opt_out = opt_out
        self._notices_mail = notices

    def complete(self, actor: uuid.UUID, request_id: uuid.UUID, resolution: str | None) -> PrivacyRequest:
        request = self._journal.get(request_id)
        check_completable(request, resolution)
        done = self._fulfil(request, actor, resolution)

        def act(locked: PrivacyRequest, uow: PrivacyRequestsUnitOfWork, now: datetime) -> Changes:
            return self._close(locked, uow, now, done, actor=actor, resolution=resolution)

        closed = self._journal.transition(actor, request_id, done.verb, act, reason=resolution)
        if closed.type is RequestType.ERASURE and done.blocked is None and done.address:
            self._send_erasure_notice(done.address, closed)
        return closed

    def _fulfil(self, request: PrivacyRequest, actor: uuid.UUID, resolution: str | None) -> Fulfilment:
        """The work the request's type asks for, through the service that owns it."""
        if request.type is RequestType.CORRECTION:
            if request.correction is None:
                raise CorrectionMissing(
                    details=[{"field": "correction", "message": "the request names none"}]
                )
            fix = request.correction
            changed = self._corrector.correct(request.subject_id, fix.field.value, fix.value, actor_id=actor)
            return Fulfilment({"corrected": {"field": fix.field.value, "changed": changed}})
        if request.type is RequestType.ERASURE:
            return self._erase(request, actor)
        if request.type is RequestType.MARKETING_OPT_OUT:
            self._opt_out.opt_out(request.subject_id, channel=OPT_OUT_CHANNEL, actor_id=actor)
            return Fulfilment({"marketing_opt_out": "recorded", "channel": OPT_OUT_CHANNEL})
        if request.type is RequestType.OBJECTION:
            return Fulfilment({"objection": "upheld", "handling": resolution})
        return Fulfilment()

    def _erase(self, request: PrivacyRequest, actor: uuid.UUID) -> Fulfilment:
        # The address the notice goes to, read before the erasure removes it.
        address = self._staff.addresses([request.subject_id]).get(request.subject_id)
        erased = self._erasure.erase(request.subject_id, request_id=request.id, actor_id=actor)
        blocked = (list(erased.hold_reasons) or ["a legal hold"]) if erased.blocked else None
        return Fulfilment(erased.as_json(), blocked, address)

    def _close(
        self,
        request: PrivacyRequest,
        uow: PrivacyRequestsUnitOfWork,
        now: datetime,
        done: Fulfilment,
        *,
        actor: uuid.UUID,
        resolution: str | None,
    ) -> Changes:
        before = request.status.value
        if request.type is RequestType.ACCESS:
            done.outcome.update(_released_bundle(uow, request))
        if done.blocked is not None:
            # A legal hold stops erasure: the request is refused, with the hold's reason,
            # and the notice says nothing was changed.
            request.refuse(
                actor,
                now,
                reason="Erasure blocked: " + "; ".join(done.blocked),
                legal_ground=LEGAL_HOLD_GROUND,
                outcome=done.outcome,
            )
        else:
            if request.type is RequestType.ERASURE:
                _erase_own_records(uow, request, done.outcome)
            request.complete(actor, now, outcome=done.outcome, resolution=resolution)
        request.notifications = self._journal.notices(request, now)
        self._journal.closed(uow, request)
        return Changes({"status": before}, {"status": request.status.value})

    def _send_erasure_notice(self, address: str, closed: PrivacyRequest) -> None:
        if not self._notices_mail:
            return
        try:
            self._notices_mail.send_erasure_notice(address, closed.id, closed.outcome or {})
        except Exception:  # the erasure stands; the notice stays on the request
            logger.exception("privacy.erasure_notice_failed request_id=%s", closed.id)


def _released_bundle(uow: PrivacyRequestsUnitOfWork, request: PrivacyRequest) -> dict[str, Any]:
    """The access bundle the completion releases, as the outcome records it."""
    bundle = uow.bundles.get(request.id)
    if bundle is None or not bundle.ready:
        raise BundleNotReady()
    return {
        "bundle_sha256": bundle.sha256,
        "bundle_size": len(bundle.content or b""),
        "bundle_built_at": None if bundle.built_at is None else isoformat_z(bundle.built_at),
        # Until then the subject downloads it (GET /me/privacy-requests/{id}/bundle).
        "bundle_expires_at": None if bundle.expires_at is None else isoformat_z(bundle.expires_at),
    }


def _erase_own_records(
    uow: PrivacyRequestsUnitOfWork, request: PrivacyRequest, outcome: dict[str, Any]
) -> None:
    """What this context holds about the subject goes too: the bundles and the requests'
    own personal values (the requests stay, by id and state)."""
    for category, count in uow.requests.erase_personal_data(request.subject_id).items():
        if not count:
            continue
        disposal = "delete" if category.endswith("access_bundle") else "anonymise"
        outcome.setdefault("erased", []).append({"category": category, "disposal": disposal, "count": count})
    request.details = None  # as stored now: this row is saved after
