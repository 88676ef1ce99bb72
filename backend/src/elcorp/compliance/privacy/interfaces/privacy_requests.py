"""HTTP routes of the compliance context: data-subject requests (POPIA s23-25): access,
correction, erasure, objection, marketing opt-out.

The subject's own requests live under /me (authentication only; another subject's id is
404); the staff queue under /privacy-requests (privacy:read to read, privacy:manage to act).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.privacy.application.privacy_requests import PrivacyRequests, RequestQuery
from elcorp.compliance.privacy.domain.privacy_requests import (
    PrivacyRequest,
    RequestStatus,
    RequestType,
    VerificationMethod,
)
from elcorp.compliance.privacy.interfaces import privacy_request_schemas as s
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response

MINE = "/me/privacy-requests"
QUEUE = "/privacy-requests"
ONE = QUEUE + "/<uuid:request_id>"
READ, MANAGE = "privacy:read", "privacy:manage"


def _time(value: Any) -> str | None:
    return None if value is None else isoformat_z(value)


def request_json(service: PrivacyRequests, r: PrivacyRequest, *, staff: bool = False) -> dict[str, Any]:
    now = service.now()
    body: dict[str, Any] = {
        "id": str(r.id),
        "type": r.type.value,
        "status": r.status.value,
        "details": r.details,
        "correction": None
        if r.correction is None
        else {"field": r.correction.field.value, "value": r.correction.value},
        "received_at": _time(r.received_at),
        "due_at": _time(r.due_at),
        "overdue": r.overdue(now),
        "extension": None
        if r.extension_days is None
        else {"days": r.extension_days, "reason": r.extension_reason, "extended_at": _time(r.extended_at)},
        "identity_verified": r.identity_verified,
        "closed_at": _time(r.closed_at),
        "resolution": r.resolution,
        "legal_ground": r.legal_ground,
        "dispute": r.dispute,
        "outcome": r.outcome,
        "notifications": r.notifications,
    }
    if staff:
        body.update(
            subject_id=str(r.subject_id),
            assignee_id=None if r.assignee_id is None else str(r.assignee_id),
            started_at=_time(r.started_at),
            closed_by=None if r.closed_by is None else str(r.closed_by),
            verifications=[
                {
                    "method": v.method.value,
                    "passed": v.passed,
                    "verified_by": str(v.verified_by),
                    "verified_at": _time(v.verified_at),
                    "note": v.note,
                }
                for v in r.verifications
            ],
        )
    return body


def blueprint(service: PrivacyRequests) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "privacy-requests",
        __name__,
        url_prefix=API_V1,
        abp_tags=[
            Tag(
                name="privacy-requests",
                description="data-subject requests: access, correction, erasure, objection, opt-out",
            )
        ],
    )
    _filing_routes(api, service)
    _handling_routes(api, service)
    return api


def _filing_routes(api: APIBlueprint, service: PrivacyRequests) -> None:
    # -- the subject -------------------------------------------------------------------------------
    @api.post(MINE, security=BEARER)
    @authenticated
    def submit_request(body: s.SubmitBody) -> Response:
        created = service.submit(
            current_caller().user_id,
            RequestType(body.type),
            details=body.details,
            correction=None if body.correction is None else (body.correction.field, body.correction.value),
        )
        return envelope.success(request_json(service, created), status=201)

    @api.get(MINE, security=BEARER)
    @authenticated
    def my_requests() -> Response:
        found = service.mine(current_caller().user_id)
        return envelope.success([request_json(service, r) for r in found], meta={"total": len(found)})

    @api.get(MINE + "/<uuid:request_id>", security=BEARER)
    @authenticated
    def my_request(path: s.RequestPath) -> Response:
        return envelope.success(
            request_json(service, service.my_request(current_caller().user_id, path.request_id))
        )

    @api.get(MINE + "/<uuid:request_id>/bundle", security=BEARER)
    @authenticated
    def my_bundle(path: s.RequestPath) -> Response:
        """The access bundle (JSON), once the request is completed; SHA-256 in Repr-Digest."""
        bundle = service.my_bundle(current_caller().user_id, path.request_id)
        return file_response(
            bundle.content or b"",
            mimetype="application/json",
            filename=f"personal-data-{bundle.request_id}.json",
        )

    # -- staff -------------------------------------------------------------------------------------
    @api.get(QUEUE, security=BEARER)
    @require_permission(READ)
    def queue(query: s.QueueQuery) -> Response:
        page = service.queue(
            RequestQuery(
                page=PageRequest(query.page, query.per_page),
                status=None if query.status is None else RequestStatus(query.status),
                type=None if query.type is None else RequestType(query.type),
                overdue=query.overdue,
                assignee_id=query.assignee_id,
            )
        )
        return envelope.success([request_json(service, r, staff=True) for r in page.items], meta=page.meta)

    @api.get(ONE, security=BEARER)
    @require_permission(READ)
    def get_request(path: s.RequestPath) -> Response:
        return envelope.success(request_json(service, service.get(path.request_id), staff=True))


def _handling_routes(api: APIBlueprint, service: PrivacyRequests) -> None:
    @api.get(ONE + "/bundle", security=BEARER)
    @require_permission(MANAGE)
    def review_bundle(path: s.RequestPath) -> Response:
        """Staff review of the bundle before release (audited as an access to the subject's data)."""
        bundle = service.bundle_for_review(current_caller().user_id, path.request_id)
        return file_response(
            bundle.content or b"",
            mimetype="application/json",
            filename=f"personal-data-{bundle.request_id}.json",
        )

    @api.post(ONE + "/verify", security=BEARER)
    @require_permission(MANAGE)
    def verify_request(path: s.RequestPath, body: s.VerifyBody) -> Response:
        done = service.verify(
            current_caller().user_id, path.request_id, VerificationMethod(body.method), body.passed, body.note
        )
        return envelope.success(request_json(service, done, staff=True))

    @api.post(ONE + "/assign", security=BEARER)
    @require_permission(MANAGE)
    def assign_request(path: s.RequestPath, body: s.AssignBody) -> Response:
        done = service.assign(current_caller().user_id, path.request_id, body.assignee_id)
        return envelope.success(request_json(service, done, staff=True))

    @api.post(ONE + "/start", security=BEARER)
    @require_permission(MANAGE)
    def start_request(path: s.RequestPath) -> Response:
        done = service.start(current_caller().user_id, path.request_id)
        return envelope.success(request_json(service, done, staff=True))

    @api.post(ONE + "/extend", security=BEARER)
    @require_permission(MANAGE)
    def extend_request(path: s.RequestPath, body: s.ExtendBody) -> Response:
        done = service.extend(current_caller().user_id, path.request_id, body.days, body.reason)
        return envelope.success(request_json(service, done, staff=True))

    @api.post(ONE + "/complete", security=BEARER)
    @require_permission(MANAGE)
    def complete_request(path: s.RequestPath, body: s.CompleteBody) -> Response:
        done = service.complete(current_caller().user_id, path.request_id, body.resolution)
        return envelope.success(request_json(service, done, staff=True))

    @api.post(ONE + "/refuse", security=BEARER)
    @require_permission(MANAGE)
    def refuse_request(path: s.RequestPath, body: s.RefuseBody) -> Response:
        done = service.refuse(current_caller().user_id, path.request_id, body.reason, body.legal_ground)
        return envelope.success(request_json(service, done, staff=True))
