"""HTTP routes of the compliance context: data-subject requests (POPIA s23-25): access,
correction, erasure, objection, marketing opt-out.

The subject's own requests live under /me (authentication only; another subject's id is
404); the staff queue under /privacy-requests (privacy:read to read, privacy:manage to act).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.privacy.application.access_bundle import BundleStatus, StoredBundle
from elcorp.compliance.privacy.application.privacy_requests import PrivacyRequests, RequestQuery
from elcorp.compliance.privacy.domain.privacy_requests import (
    AssigneeNotEligible,
    BundleNotReady,
    CorrectionMissing,
    ExtensionNotAllowed,
    IdentityNotVerified,
    InvalidTransition,
    PrivacyRequest,
    RequestAlreadyOpen,
    RequestStatus,
    RequestType,
    VerificationMethod,
)
from elcorp.compliance.privacy.interfaces import privacy_request_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import AlreadyExists, InvalidEmail, InvalidPhoneNumber, ValidationFailed
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response
from elcorp.shared.interfaces.openapi import created, download, listed, ok
from elcorp.shared.interfaces.pagination import page_response

MINE = "/me/privacy-requests"
QUEUE = "/privacy-requests"
ONE = QUEUE + "/<uuid:request_id>"
READ, MANAGE = "privacy:read", "privacy:manage"


def _time(value: Any) -> str | None:
    return None if value is None else isoformat_z(value)


def _z_time(text: str) -> str:
    try:
        return isoformat_z(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text  # not a time: kept as written


def with_api_times(value: Any) -> Any:
    """Stored JSON (outcome, notifications, dispute) with every `*_at` time in the API's
    format: rows written before the format was fixed kept `+00:00` and microseconds."""
    if isinstance(value, list):
        return [with_api_times(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        key: _z_time(item) if isinstance(item, str) and key.endswith("_at") else with_api_times(item)
        for key, item in value.items()
    }


def request_json(
    r: PrivacyRequest, bundle: BundleStatus, now: datetime, *, staff: bool = False
) -> dict[str, Any]:
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
        "dispute": with_api_times(r.dispute),
        "outcome": with_api_times(r.outcome),
        "notifications": with_api_times(r.notifications),
        "bundle_status": bundle.value,
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


def requests_json(
    service: PrivacyRequests, found: list[PrivacyRequest], *, staff: bool = False
) -> list[dict[str, Any]]:
    """The requests' JSON, their bundles' states read at once."""
    states, now = service.bundle_statuses(found), service.now()
    return [request_json(r, states[r.id], now, staff=staff) for r in found]


def one_json(service: PrivacyRequests, r: PrivacyRequest, *, staff: bool = False) -> dict[str, Any]:
    return requests_json(service, [r], staff=staff)[0]


def _bundle_file(bundle: StoredBundle) -> Response:
    return file_response(
        bundle.content or b"",
        mimetype="application/json",
        filename=f"personal-data-{bundle.request_id}.json",
    )


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
    _subject_read_routes(api, service)
    _queue_routes(api, service)
    _handling_routes(api, service)
    _closing_routes(api, service)
    return api


STAFF = s.PrivacyRequestStaffView
REQUEST_EXAMPLE = {
    "id": "3d0f6f7e-1f0b-4c55-9d7e-2b8f0c6a9e14",
    "type": "access",
    "status": "completed",
    "details": "Everything you hold about me",
    "correction": None,
    "received_at": "2026-11-02T08:15:04.112Z",
    "due_at": "2026-12-02T08:15:04.112Z",
    "overdue": False,
    "extension": None,
    "identity_verified": True,
    "closed_at": "2026-11-05T14:02:37.530Z",
    "resolution": None,
    "legal_ground": None,
    "dispute": None,
    "outcome": {
        "bundle_sha256": "9f2c4b1e0d6a8c3f5b7e9a1d2c4f6b8e0a2c4e6f8b0d2f4a6c8e0b2d4f6a8c0e",
        "bundle_size": 48211,
        "bundle_built_at": "2026-11-05T13:58:12.004Z",
        "bundle_expires_at": "2026-12-05T13:58:12.004Z",
    },
    "notifications": [
        {"recipient": "data_subject", "channel": "email", "queued_at": "2026-11-05T14:02:37.530Z"}
    ],
    "bundle_status": "ready",
}


def _filing_routes(api: APIBlueprint, service: PrivacyRequests) -> None:
    @api.post(
        MINE,
        security=BEARER,
        responses=created(
            s.PrivacyRequest,
            RequestAlreadyOpen,
            CorrectionMissing,
            example=REQUEST_EXAMPLE
            | {
                "status": "received",
                "identity_verified": False,
                "closed_at": None,
                "outcome": None,
                "notifications": [],
                "bundle_status": "not_requested",
            },
        ),
    )
    @authenticated
    def create_my_privacy_request(body: s.PrivacyRequestBody) -> Response:
        """File a data-subject request (access, correction, erasure, objection, marketing opt-out).

        Any signed-in user, for themselves. Answered within 30 days (PAIA s25; one extension);
        a marketing opt-out takes effect at once and is filed completed. One open access,
        erasure or objection request at a time (DSR_007).
        """
        made = service.submit(
            current_caller().user_id,
            RequestType(body.type),
            details=body.details,
            correction=None if body.correction is None else (body.correction.field, body.correction.value),
        )
        return envelope.created(one_json(service, made), location=f"{API_V1}{MINE}/{made.id}")


def _subject_read_routes(api: APIBlueprint, service: PrivacyRequests) -> None:
    @api.get(MINE, security=BEARER, responses=listed(s.PrivacyRequest))
    @authenticated
    def list_my_privacy_requests(query: s.MyPrivacyRequestListQuery) -> Response:
        """List the caller's data-subject requests, newest first.

        Any signed-in user, for themselves.
        """
        page = query.page_request().window(service.mine(current_caller().user_id))
        return page_response(requests_json(service, page.items), page)

    @api.get(
        MINE + "/<uuid:request_id>", security=BEARER, responses=ok(s.PrivacyRequest, example=REQUEST_EXAMPLE)
    )
    @authenticated
    def get_my_privacy_request(path: s.PrivacyRequestPath) -> Response:
        """Get one of the caller's data-subject requests, with its bundle status and outcome.

        Any signed-in user, for their own requests (another's: 404).
        """
        return envelope.success(
            one_json(service, service.my_request(current_caller().user_id, path.request_id))
        )

    @api.get(
        MINE + "/<uuid:request_id>/bundle",
        security=BEARER,
        responses=download(("application/json",), BundleNotReady),
    )
    @authenticated
    def download_my_privacy_bundle(path: s.PrivacyRequestPath) -> Response:
        """Download the access bundle (JSON) of one of the caller's access requests.

        Any signed-in user, for their own requests, once `bundle_status` is `ready` (else
        409 DSR_004); its SHA-256 is in `Repr-Digest` and in the request's `outcome`.
        """
        return _bundle_file(service.my_bundle(current_caller().user_id, path.request_id))


def _queue_routes(api: APIBlueprint, service: PrivacyRequests) -> None:
    @api.get(QUEUE, security=BEARER, responses=listed(STAFF))
    @require_permission(READ)
    def list_privacy_requests(query: s.PrivacyRequestListQuery) -> Response:
        """List the queue of data-subject requests, soonest due first.

        Needs `privacy:read`.
        """
        page = service.queue(
            RequestQuery(
                page=query.page_request(),
                status=None if query.status is None else RequestStatus(query.status),
                type=None if query.type is None else RequestType(query.type),
                overdue=query.overdue,
                assignee_id=query.assignee_id,
            )
        )
        return page_response(requests_json(service, page.items, staff=True), page)

    @api.get(ONE, security=BEARER, responses=ok(STAFF))
    @require_permission(READ)
    def get_privacy_request(path: s.PrivacyRequestPath) -> Response:
        """Get a data-subject request with its identity checks.

        Needs `privacy:read`.
        """
        return envelope.success(one_json(service, service.get(path.request_id), staff=True))

    @api.get(ONE + "/bundle", security=BEARER, responses=download(("application/json",), BundleNotReady))
    @require_permission(MANAGE)
    def review_privacy_bundle(path: s.PrivacyRequestPath) -> Response:
        """Review an access bundle before its release.

        Needs `privacy:manage`; audited as an access to the subject's data. 409 DSR_004 until
        it is built (`bundle_status` `built`).
        """
        return _bundle_file(service.bundle_for_review(current_caller().user_id, path.request_id))


def _handling_routes(api: APIBlueprint, service: PrivacyRequests) -> None:
    @api.post(ONE + "/verify", security=BEARER, responses=ok(STAFF, InvalidTransition))
    @require_permission(MANAGE)
    def verify_privacy_request(path: s.PrivacyRequestPath, body: s.PrivacyVerifyBody) -> Response:
        """Record an identity check of the requester (POPIA s23(1)).

        Needs `privacy:manage`. A failed check may be followed by another one.
        """
        done = service.verify(
            current_caller().user_id, path.request_id, VerificationMethod(body.method), body.passed, body.note
        )
        return envelope.success(one_json(service, done, staff=True))

    @api.post(ONE + "/assign", security=BEARER, responses=ok(STAFF, InvalidTransition, AssigneeNotEligible))
    @require_permission(MANAGE)
    def assign_privacy_request(path: s.PrivacyRequestPath, body: s.PrivacyAssignBody) -> Response:
        """Assign a data-subject request to a staff member.

        Needs `privacy:manage`; the assignee must be active staff who may manage privacy requests.
        """
        done = service.assign(current_caller().user_id, path.request_id, body.assignee_id)
        return envelope.success(one_json(service, done, staff=True))

    @api.post(ONE + "/start", security=BEARER, responses=ok(STAFF, InvalidTransition, IdentityNotVerified))
    @require_permission(MANAGE)
    def start_privacy_request(path: s.PrivacyRequestPath) -> Response:
        """Start work on a verified data-subject request.

        Needs `privacy:manage`. For an access request, the bundle is then built by a worker
        (`bundle_status` goes `preparing`, then `built`).
        """
        done = service.start(current_caller().user_id, path.request_id)
        return envelope.success(one_json(service, done, staff=True))

    @api.post(ONE + "/extend", security=BEARER, responses=ok(STAFF, InvalidTransition, ExtensionNotAllowed))
    @require_permission(MANAGE)
    def extend_privacy_request(path: s.PrivacyRequestPath, body: s.PrivacyExtendBody) -> Response:
        """Extend a data-subject request's deadline once, by at most 30 days (PAIA s26).

        Needs `privacy:manage`; the reason is told to the requester.
        """
        done = service.extend(current_caller().user_id, path.request_id, body.days, body.reason)
        return envelope.success(one_json(service, done, staff=True))


def _closing_routes(api: APIBlueprint, service: PrivacyRequests) -> None:
    @api.post(
        ONE + "/complete",
        security=BEARER,
        responses=ok(
            STAFF,
            InvalidTransition,
            BundleNotReady,
            CorrectionMissing,
            ValidationFailed,
            InvalidEmail,
            InvalidPhoneNumber,
            AlreadyExists,
        ),
    )
    @require_permission(MANAGE)
    def complete_privacy_request(path: s.PrivacyRequestPath, body: s.PrivacyCompleteBody) -> Response:
        """Complete a data-subject request: do what it asks, then close it with its outcome.

        Needs `privacy:manage`. An access request needs its bundle built (DSR_004), which this
        releases to the subject; an objection needs `resolution`; a correction goes through
        identity's validation (VAL_005, VAL_006, RES_002: nothing changed, the request stays
        open); an erasure stopped by a legal hold is refused instead, with the hold's reason.
        """
        done = service.complete(current_caller().user_id, path.request_id, body.resolution)
        return envelope.success(one_json(service, done, staff=True))

    @api.post(ONE + "/refuse", security=BEARER, responses=ok(STAFF, InvalidTransition))
    @require_permission(MANAGE)
    def refuse_privacy_request(path: s.PrivacyRequestPath, body: s.PrivacyRefuseBody) -> Response:
        """Refuse a data-subject request, with its reason and legal ground.

        Needs `privacy:manage`. A refused correction carries a dispute annotation (POPIA s24(3)).
        """
        done = service.refuse(current_caller().user_id, path.request_id, body.reason, body.legal_ground)
        return envelope.success(one_json(service, done, staff=True))
