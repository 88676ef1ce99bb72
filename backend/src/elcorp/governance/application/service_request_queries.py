"""Reading service requests: one request, a filtered list, a request's comments. The scope
of the caller's `service_request:read` narrows what they see (service_request_access.py)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable

from elcorp.governance.application.service_request_access import READ, RequestAccess, RequestView
from elcorp.governance.application.workflow_ports import Comment, RequestFilter, WorkflowUnitOfWork
from elcorp.governance.domain.rbac import Scope
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.errors import AccessDenied, NotFound


class RequestQueries:
    def __init__(self, uow: Callable[[], WorkflowUnitOfWork], guard: RequestAccess) -> None:
        self._uow = uow
        self._guard = guard

    def get(self, caller: uuid.UUID, request_id: uuid.UUID) -> RequestView:
        grants = self._guard.grants_for(caller)
        with self._uow() as uow:
            stored = self._guard.visible(uow, caller, grants, request_id)
        return self._guard.view(caller, grants, stored)

    def search(self, caller: uuid.UUID, where: RequestFilter, page: PageRequest) -> Page[RequestView]:
        grants = self._guard.grants_for(caller)
        scope = grants.scope_of(READ)
        if scope is None:
            raise AccessDenied(f"{READ} is required")
        with self._uow() as uow:
            if scope is not Scope.ALL:
                organization = uow.requests.organization_of(caller) if scope is Scope.ORGANIZATION else None
                where = dataclasses.replace(
                    where, visible_to_requester=caller, visible_to_organization=organization
                )
            found, total = uow.requests.search(where, offset=page.offset, limit=page.per_page)
        return Page([self._guard.view(caller, grants, s) for s in found], page.page, page.per_page, total)

    def comments(self, caller: uuid.UUID, request_id: uuid.UUID) -> list[Comment]:
        grants = self._guard.grants_for(caller)
        with self._uow() as uow:
            self._guard.visible(uow, caller, grants, request_id)
            return uow.requests.comments(request_id)

    def comment(self, caller: uuid.UUID, request_id: uuid.UUID, comment_id: uuid.UUID) -> Comment:
        """One comment of a request the caller may see (404 otherwise, or for another
        request's comment)."""
        found = next((c for c in self.comments(caller, request_id) if c.id == comment_id), None)
        if found is None:
            raise NotFound("Comment not found")
        return found
