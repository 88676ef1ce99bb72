"""HTTP routes of service requests and their approval chains, under /api/v1."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.governance.application.service_requests import RequestView, ServiceRequests
from elcorp.governance.application.workflow_ports import Category, Comment, RequestFilter
from elcorp.governance.domain.approval_chains import ApprovalChain
from elcorp.governance.domain.service_requests import Assignee, Command, Priority, RequestStatus
from elcorp.governance.interfaces import workflow_schemas as s
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission


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
    path: s.RequestPath,
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
        abp_tags=[Tag(name="service requests", description="service-request workflows with approval chains")],
    )
    _request_routes(api, service)
    _request_outcome_routes(api, service)
    _category_and_chain_routes(api, service)
    return api


def _request_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    # -- requests -----------------------------------------------------------------------------
    @api.get("/service-requests", security=BEARER)
    @authenticated
    def list_requests(query: s.RequestListQuery) -> Response:
        svc = service
        where = RequestFilter(
            status=None if query.status is None else RequestStatus(query.status),
            priority=None if query.priority is None else Priority(query.priority),
            category=query.category,
            assignee_id=query.assignee_id,
            requester_id=query.requester_id,
            overdue_at=svc.now() if query.overdue else None,
        )
        page = svc.search(current_caller().user_id, where, PageRequest(query.page, query.per_page))
        return envelope.success([request_json(v) for v in page.items], meta=page.meta)

    @api.post("/service-requests", security=BEARER)
    @authenticated
    def open_request(body: s.CreateRequestBody) -> Response:
        view = service.open(
            current_caller().user_id,
            category=body.category,
            title=body.title,
            description=body.description,
            priority=body.priority,
            amount=None if body.amount is None else Decimal(body.amount),
            currency=body.currency,
        )
        return envelope.success(request_json(view), status=201)

    @api.get("/service-requests/<uuid:request_id>", security=BEARER)
    @authenticated
    def get_request(path: s.RequestPath) -> Response:
        return envelope.success(request_json(service.get(current_caller().user_id, path.request_id)))

    @api.post("/service-requests/<uuid:request_id>/submit", security=BEARER)
    @authenticated
    def submit_request(path: s.RequestPath, body: s.CommandBody) -> Response:
        return _command(service, path, Command.SUBMIT, body.comment)

    @api.post("/service-requests/<uuid:request_id>/assign", security=BEARER)
    @authenticated
    def assign_request(path: s.RequestPath, body: s.AssignBody) -> Response:
        assignee = Assignee.user(body.user_id) if body.user_id is not None else Assignee.team(body.team_id)  # type: ignore[arg-type]
        return _command(service, path, Command.ASSIGN, body.comment, assignee)

    @api.post("/service-requests/<uuid:request_id>/approve", security=BEARER)
    @authenticated
    def approve_request(path: s.RequestPath, body: s.CommandBody) -> Response:
        return _command(service, path, Command.APPROVE, body.comment)


def _request_outcome_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.post("/service-requests/<uuid:request_id>/reject", security=BEARER)
    @authenticated
    def reject_request(path: s.RequestPath, body: s.RejectBody) -> Response:
        return _command(service, path, Command.REJECT, body.reason)

    @api.post("/service-requests/<uuid:request_id>/start", security=BEARER)
    @authenticated
    def start_request(path: s.RequestPath, body: s.CommandBody) -> Response:
        return _command(service, path, Command.START, body.comment)

    @api.post("/service-requests/<uuid:request_id>/complete", security=BEARER)
    @authenticated
    def complete_request(path: s.RequestPath, body: s.CommandBody) -> Response:
        return _command(service, path, Command.COMPLETE, body.comment)

    @api.post("/service-requests/<uuid:request_id>/cancel", security=BEARER)
    @authenticated
    def cancel_request(path: s.RequestPath, body: s.CommandBody) -> Response:
        return _command(service, path, Command.CANCEL, body.comment)

    @api.get("/service-requests/<uuid:request_id>/comments", security=BEARER)
    @authenticated
    def list_comments(path: s.RequestPath) -> Response:
        found = service.comments(current_caller().user_id, path.request_id)
        return envelope.success([comment_json(c) for c in found], meta={"total": len(found)})

    @api.post("/service-requests/<uuid:request_id>/comments", security=BEARER)
    @authenticated
    def add_comment(path: s.RequestPath, body: s.CommentBody) -> Response:
        comment = service.add_comment(current_caller().user_id, path.request_id, body.body)
        return envelope.success(comment_json(comment), status=201)

    # -- categories and approval chains -------------------------------------------------------
    @api.get("/service-request-categories", security=BEARER)
    @authenticated
    def list_categories(query: s.CategoryListQuery) -> Response:
        found = service.categories(current_caller().user_id, include_inactive=query.include_inactive)
        return envelope.success([category_json(c) for c in found], meta={"total": len(found)})

    @api.post("/service-request-categories", security=BEARER)
    @require_permission("workflow:manage")
    def create_category(body: s.CreateCategoryBody) -> Response:
        category, chain = service.add_category(
            current_caller().user_id,
            name=body.name,
            description=body.description,
            levels=s.levels_of(body.levels),
        )
        return envelope.success({**category_json(category), "chain": chain_json(chain)}, status=201)


def _category_and_chain_routes(api: APIBlueprint, service: ServiceRequests) -> None:
    @api.patch("/service-request-categories/<name>", security=BEARER)
    @require_permission("workflow:manage")
    def update_category(path: s.CategoryPath, body: s.UpdateCategoryBody) -> Response:
        category = service.update_category(
            current_caller().user_id, path.name, description=body.description, active=body.active
        )
        return envelope.success(category_json(category))

    @api.get("/service-request-categories/<name>/chain", security=BEARER)
    @authenticated
    def get_chain(path: s.CategoryPath, query: s.ChainQuery) -> Response:
        return envelope.success(chain_json(service.chain(current_caller().user_id, path.name, query.version)))

    @api.put("/service-request-categories/<name>/chain", security=BEARER)
    @require_permission("workflow:manage")
    def revise_chain(path: s.CategoryPath, body: s.ChainBody) -> Response:
        chain = service.revise_chain(current_caller().user_id, path.name, s.levels_of(body.levels))
        return envelope.success(chain_json(chain))

    @api.get("/service-request-categories/<name>/chain/versions", security=BEARER)
    @require_permission("workflow:manage")
    def chain_versions(path: s.CategoryPath) -> Response:
        found = service.chain_versions(current_caller().user_id, path.name)
        return envelope.success([chain_json(c) for c in found], meta={"total": len(found)})
