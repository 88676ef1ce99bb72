"""HTTP routes of service requests and their approval chains, under /api/v1."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.governance.application.service_requests import RequestView, ServiceRequests
from elcorp.governance.application.workflow_ports import Category, Comment, RequestFilter
from elcorp.governance.domain.approval_chains import AlreadyApproved, ApprovalChain
from elcorp.governance.domain.assignment import AssigneeNotEligible, TeamNotEligible, TeamOutsideOrganization
from elcorp.governance.domain.service_requests import (
    Assignee,
    Command,
    IllegalTransition,
    Priority,
    RequestStatus,
)
from elcorp.governance.interfaces import workflow_schemas as s
from elcorp.governance.interfaces.listing import listed_json
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import AlreadyExists
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, ok
from elcorp.shared.interfaces.pagination import page_response

REQUESTS = "/service-requests"
ONE = REQUESTS + "/<uuid:request_id>"
CATEGORIES = "/service-request-categories"
CATEGORY = CATEGORIES + "/<name>"


def _time(value: Any) -> str | None:
    return None if value is None else isoformat_z(value)


def chain_json(chain: ApprovalChain) -> dict[str, Any]:
    return chain.to_dict()


def request_json(view: RequestView) -> dict[str, Any]:
    request, stored = view.request, view.stored
    progress = request.approval_progress()
    return {
        "id": str(request.id),
        "requester_id": str(request.requester_id),
        "organization_id": None if stored.organization_id is None else str(stored.organization_id),
        "category": request.category,
        "title": request.title,
        "description": request.description,
        "priority": request.priority.value,
        "status": request.status.value,
        "amount": None if request.amount is None else format(request.amount, "f"),
        "currency": request.currency,
        "assignee": None
        if request.assignee is None
        else {"kind": request.assignee.kind.value, "id": str(request.assignee.id)},
        "chain": None if request.chain is None else chain_json(request.chain),
        "approval": None
        if progress is None
        else {
            "current_level": progress.current_level,
            "applicable_levels": list(progress.applicable),
            "approvals_per_level": {str(k): v for k, v in progress.approvals.items()},
        },
        "approvals": [
            {
                "approver_id": str(a.approver_id),
                "level": a.level,
                "at": isoformat_z(a.at),
                "comment": a.comment,
            }
            for a in request.approvals
        ],
        "history": [
            {
                "from": t.from_status.value,
                "to": t.to_status.value,
                "actor_id": str(t.actor_id),
                "at": isoformat_z(t.at),
                "comment": t.comment,
            }
            for t in request.history
        ],
        "available_actions": sorted(c.value for c in view.allowed),
        "submitted_at": _time(stored.submitted_at),
        "due_at": _time(stored.due_at),
        "overdue": view.overdue,
        "created_at": isoformat_z(request.created_at),
        "updated_at": _time(request.updated_at),
        "completed_at": _time(request.completed_at),
    }


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "id": str(comment.id),
        "request_id": str(comment.request_id),
        "author_id": str(comment.author_id),
        "body": comment.body,
        "created_at": isoformat_z(comment.created_at),
    }


def category_json(category: Category) -> dict[str, Any]:
    return {
        "name": category.name,
        "description": category.description,
        "active": category.active,
        "chain_version": category.chain_version,
    }


def _command(
    service: ServiceRequests,
    path: s.ServiceRequestPath,
    command: Command,
    comment: str,
    assignee: Assignee | None = None,
) -> Response:
    view = service.command(
        current_caller().user_id, path.request_id, command, comment=comment, assignee=assignee
    )
    return envelope.success(request_json(view))


def blueprint(service: ServiceRequests) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "service_requests",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="service-requests", description="service-request workflows with approval chains")],
    )
    _request_routes(api, service)
    _draft_routes(api, service)
    _review_routes(api, service)
    _work_routes(api, service)
    _comment_routes(api, service)
    _category_routes(api, service)
    _chain_routes(api, service)
    return api


def _request_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.get(REQUESTS, security=BEARER, responses=listed(s.ServiceRequest))
    @authenticated
    def list_service_requests(query: s.ServiceRequestListQuery) -> Response:
        """List the service requests the caller may see, newest first.

        Holders of service_request:read, narrowed by its scope (own, organization, all).
        Paginated with `cursor`/`limit` (`page`/`per_page` aliases); `meta.total` counts them.
        """
        where = RequestFilter(
            status=None if query.status is None else RequestStatus(query.status),
            priority=None if query.priority is None else Priority(query.priority),
            category=query.category,
            assignee_id=query.assignee_id,
            requester_id=query.requester_id,
            overdue_at=service.now() if query.overdue else None,
        )
        page = service.search(current_caller().user_id, where, query.page_request())
        return page_response([request_json(v) for v in page.items], page)

    @api.post(REQUESTS, security=BEARER, responses=created(s.ServiceRequest))
    @authenticated
    def create_service_request(body: s.CreateServiceRequestBody) -> Response:
        """Open a draft service request in an active category.

        Holders of service_request:create. The answer's Location is the request's URL.
        """
        view = service.open(
            current_caller().user_id,
            category=body.category,
            title=body.title,
            description=body.description,
            priority=body.priority,
            amount=None if body.amount is None else Decimal(body.amount),
            currency=body.currency,
        )
        return envelope.created(request_json(view), location=f"{API_V1}{REQUESTS}/{view.request.id}")

    @api.get(ONE, security=BEARER, responses=ok(s.ServiceRequest))
    @authenticated
    def get_service_request(path: s.ServiceRequestPath) -> Response:
        """Read a service request with its chain, approvals and history.

        Anyone who may see it (service_request:read at a scope covering it); else 404.
        """
        return envelope.success(request_json(service.get(current_caller().user_id, path.request_id)))


def _draft_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.post(ONE + "/submit", security=BEARER, responses=ok(s.ServiceRequest, IllegalTransition))
    @authenticated
    def submit_service_request(path: s.ServiceRequestPath, body: s.ServiceRequestCommandBody) -> Response:
        """Submit a draft for approval under its category's current chain.

        The requester (service_request:create). The body may be left out.
        """
        return _command(service, path, Command.SUBMIT, body.comment)

    @api.post(ONE + "/cancel", security=BEARER, responses=ok(s.ServiceRequest, IllegalTransition))
    @authenticated
    def cancel_service_request(path: s.ServiceRequestPath, body: s.ServiceRequestCommandBody) -> Response:
        """Cancel a draft or submitted request.

        The requester, or holders of service_request:manage. The body may be left out.
        """
        return _command(service, path, Command.CANCEL, body.comment)


def _review_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.post(
        ONE + "/assign",
        security=BEARER,
        responses=ok(
            s.ServiceRequest, IllegalTransition, AssigneeNotEligible, TeamOutsideOrganization, TeamNotEligible
        ),
    )
    @authenticated
    def assign_service_request(path: s.ServiceRequestPath, body: s.ServiceRequestAssignBody) -> Response:
        """Assign a request to a user or a team.

        Holders of service_request:manage; the assignee must be able to work on it.
        """
        assignee = Assignee.user(body.user_id) if body.user_id is not None else Assignee.team(body.team_id)  # type: ignore[arg-type]
        return _command(service, path, Command.ASSIGN, body.comment, assignee)

    @api.post(
        ONE + "/approve", security=BEARER, responses=ok(s.ServiceRequest, IllegalTransition, AlreadyApproved)
    )
    @authenticated
    def approve_service_request(path: s.ServiceRequestPath, body: s.ServiceRequestCommandBody) -> Response:
        """Approve the pending level of a request's chain.

        Holders of service_request:approve and the level's role or permission; never the
        requester; once per person. The body may be left out.
        """
        return _command(service, path, Command.APPROVE, body.comment)

    @api.post(ONE + "/reject", security=BEARER, responses=ok(s.ServiceRequest, IllegalTransition))
    @authenticated
    def reject_service_request(path: s.ServiceRequestPath, body: s.ServiceRequestRejectBody) -> Response:
        """Reject a request under review, with a reason.

        Whoever may approve its pending level.
        """
        return _command(service, path, Command.REJECT, body.reason)


def _work_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.post(ONE + "/start", security=BEARER, responses=ok(s.ServiceRequest, IllegalTransition))
    @authenticated
    def start_service_request(path: s.ServiceRequestPath, body: s.ServiceRequestCommandBody) -> Response:
        """Start work on an approved request.

        Holders of service_request:manage. The body may be left out.
        """
        return _command(service, path, Command.START, body.comment)

    @api.post(ONE + "/complete", security=BEARER, responses=ok(s.ServiceRequest, IllegalTransition))
    @authenticated
    def complete_service_request(path: s.ServiceRequestPath, body: s.ServiceRequestCommandBody) -> Response:
        """Complete a request in progress.

        Holders of service_request:manage. The body may be left out.
        """
        return _command(service, path, Command.COMPLETE, body.comment)


def _comment_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.get(ONE + "/comments", security=BEARER, responses=listed(s.ServiceRequestComment))
    @authenticated
    def list_service_request_comments(
        path: s.ServiceRequestPath, query: s.ServiceRequestCommentListQuery
    ) -> Response:
        """List a request's comments, oldest first.

        Anyone who may see the request. Paginated with `cursor`/`limit` (default 20).
        """
        found = service.comments(current_caller().user_id, path.request_id)
        return listed_json(found, query, comment_json)

    @api.post(ONE + "/comments", security=BEARER, responses=created(s.ServiceRequestComment))
    @authenticated
    def create_service_request_comment(
        path: s.ServiceRequestPath, body: s.ServiceRequestCommentBody
    ) -> Response:
        """Comment on a request.

        Anyone who may see the request. The answer's Location is the comment's URL.
        """
        comment = service.add_comment(current_caller().user_id, path.request_id, body.body)
        location = f"{API_V1}{REQUESTS}/{path.request_id}/comments/{comment.id}"
        return envelope.created(comment_json(comment), location=location)

    @api.get(ONE + "/comments/<uuid:comment_id>", security=BEARER, responses=ok(s.ServiceRequestComment))
    @authenticated
    def get_service_request_comment(path: s.ServiceRequestCommentPath) -> Response:
        """Read one comment on a request.

        Anyone who may see the request.
        """
        comment = service.comment(current_caller().user_id, path.request_id, path.comment_id)
        return envelope.success(comment_json(comment))


def _category_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.get(CATEGORIES, security=BEARER, responses=listed(s.ServiceRequestCategory))
    @authenticated
    def list_service_request_categories(query: s.ServiceRequestCategoryListQuery) -> Response:
        """List the service-request categories by name.

        Holders of service_request:create or :read, or workflow:manage (who alone may ask for
        inactive ones). A bounded small set: every category on one page unless `limit` asks
        for fewer.
        """
        found = service.categories(current_caller().user_id, include_inactive=query.include_inactive)
        return listed_json(found, query, category_json)

    @api.post(CATEGORIES, security=BEARER, responses=created(s.ServiceRequestCategory, AlreadyExists))
    @require_permission("workflow:manage")
    def create_service_request_category(body: s.CreateServiceRequestCategoryBody) -> Response:
        """Create a category with version 1 of its approval chain.

        Holders of workflow:manage. The answer's Location is the category's URL; its chain is
        at `.../chain`.
        """
        category, _chain = service.add_category(
            current_caller().user_id,
            name=body.name,
            description=body.description,
            levels=s.levels_of(body.levels),
        )
        location = f"{API_V1}{CATEGORIES}/{category.name}"
        return envelope.created(category_json(category), location=location)

    @api.get(CATEGORY, security=BEARER, responses=ok(s.ServiceRequestCategory))
    @authenticated
    def get_service_request_category(path: s.ServiceRequestCategoryPath) -> Response:
        """Read a service-request category.

        As listing them; an inactive category only for holders of workflow:manage.
        """
        return envelope.success(category_json(service.category(current_caller().user_id, path.name)))

    @api.patch(CATEGORY, security=BEARER, responses=ok(s.ServiceRequestCategory))
    @require_permission("workflow:manage")
    def update_service_request_category(
        path: s.ServiceRequestCategoryPath, body: s.UpdateServiceRequestCategoryBody
    ) -> Response:
        """Change a category's description, or switch it on or off.

        Holders of workflow:manage. An inactive category takes no new requests.
        """
        category = service.update_category(
            current_caller().user_id, path.name, description=body.description, active=body.active
        )
        return envelope.success(category_json(category))


def _chain_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.get(CATEGORY + "/chain", security=BEARER, responses=ok(s.ApprovalChain))
    @authenticated
    def get_approval_chain(path: s.ServiceRequestCategoryPath, query: s.ApprovalChainQuery) -> Response:
        """Read a category's current approval chain, or the given version.

        As listing categories.
        """
        return envelope.success(chain_json(service.chain(current_caller().user_id, path.name, query.version)))

    @api.put(CATEGORY + "/chain", security=BEARER, responses=ok(s.ApprovalChain))
    @require_permission("workflow:manage")
    def revise_approval_chain(path: s.ServiceRequestCategoryPath, body: s.ApprovalChainBody) -> Response:
        """Add the next version of a category's approval chain.

        Holders of workflow:manage. Requests already submitted keep the version they have.
        """
        chain = service.revise_chain(current_caller().user_id, path.name, s.levels_of(body.levels))
        return envelope.success(chain_json(chain))

    @api.get(CATEGORY + "/chain/versions", security=BEARER, responses=listed(s.ApprovalChain))
    @require_permission("workflow:manage")
    def list_approval_chain_versions(
        path: s.ServiceRequestCategoryPath, query: s.ApprovalChainVersionListQuery
    ) -> Response:
        """List every version of a category's approval chain, oldest first.

        Holders of workflow:manage. A bounded small set: every version on one page unless
        `limit` asks for fewer.
        """
        found = service.chain_versions(current_caller().user_id, path.name)
        return listed_json(found, query, chain_json)
