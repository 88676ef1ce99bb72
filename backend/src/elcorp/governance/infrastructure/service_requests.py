"""SQL store of service requests, their categories and versioned approval chains."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Self

from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from elcorp.governance.application.workflow_ports import (
    Category,
    Comment,
    PendingApproval,
    RequestFilter,
    StoredRequest,
)
from elcorp.governance.domain.approval_chains import ApprovalChain, ApprovalLevel, ApprovalRecord
from elcorp.governance.domain.rbac import Scope
from elcorp.governance.domain.service_requests import (
    TERMINAL,
    Assignee,
    AssigneeKind,
    Priority,
    RequestStatus,
    ServiceRequest,
    Transition,
)
from elcorp.governance.infrastructure.grants import SqlGrantsStore
from elcorp.governance.infrastructure.organizations import SqlOrganizationStore
from elcorp.governance.infrastructure.tables import (
    approval_chain,
    approval_reminder,
    service_request,
    service_request_approval,
    service_request_category,
    service_request_comment,
    service_request_transition,
)
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

APPROVE = "service_request:approve"


def _request_of(
    row: Row[Any],
    chain: ApprovalChain | None,
    approvals: list[ApprovalRecord],
    history: list[Transition],
) -> ServiceRequest:
    """The aggregate as stored in its row, with its chain, approvals and history."""
    return ServiceRequest(
        id=row.id,
        requester_id=row.requester_id,
        category=row.category,
        title=row.title,
        description=row.description,
        created_at=row.created_at,
        priority=Priority(row.priority),
        amount=row.amount,
        currency=row.currency,
        status=RequestStatus(row.status),
        assignee=None
        if row.assignee_kind is None
        else Assignee(AssigneeKind(row.assignee_kind), row.assignee_id),
        chain=chain,
        approvals=approvals,
        history=history,
        updated_at=row.updated_at,
        completed_at=row.completed_at,
    )


class SqlServiceRequestStore:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._organizations = SqlOrganizationStore(session)
        self._grants = SqlGrantsStore(session)
        # How many approvals and transitions each loaded request had: save() appends the rest.
        self._loaded: dict[uuid.UUID, tuple[int, int]] = {}

    # -- categories and chains -------------------------------------------------------------
    def categories(self, *, include_inactive: bool = False) -> list[Category]:
        query = self._category_query().order_by(service_request_category.c.name)
        if not include_inactive:
            query = query.where(service_request_category.c.active)
        return [_category(row) for row in self._session.execute(query).all()]

    def category(self, name: str, *, for_update: bool = False) -> Category | None:
        if for_update:
            self._session.execute(
                select(service_request_category.c.name)
                .where(service_request_category.c.name == name)
                .with_for_update()
            )
        row = self._session.execute(
            self._category_query().where(service_request_category.c.name == name)
        ).first()
        return None if row is None else _category(row)

    @staticmethod
    def _category_query() -> Any:
        latest = (
            select(func.max(approval_chain.c.version))
            .where(approval_chain.c.category == service_request_category.c.name)
            .scalar_subquery()
        )
        return select(
            service_request_category.c.name,
            service_request_category.c.description,
            service_request_category.c.active,
            latest.label("chain_version"),
        )

    def add_category(self, name: str, description: str) -> None:
        self._session.execute(insert(service_request_category).values(name=name, description=description))

    def update_category(self, name: str, *, description: str, active: bool) -> None:
        self._session.execute(
            update(service_request_category)
            .where(service_request_category.c.name == name)
            .values(description=description, active=active)
        )

    def chain(self, category: str, version: int | None = None) -> ApprovalChain | None:
        query = select(approval_chain.c.category, approval_chain.c.version, approval_chain.c.levels).where(
            approval_chain.c.category == category
        )
        if version is not None:
            query = query.where(approval_chain.c.version == version)
        row = self._session.execute(query.order_by(approval_chain.c.version.desc()).limit(1)).first()
        return None if row is None else _chain(row)

    def chain_versions(self, category: str) -> list[ApprovalChain]:
        rows = self._session.execute(
            select(approval_chain.c.category, approval_chain.c.version, approval_chain.c.levels)
            .where(approval_chain.c.category == category)
            .order_by(approval_chain.c.version)
        ).all()
        return [_chain(row) for row in rows]

    def add_chain(self, chain: ApprovalChain, created_by: uuid.UUID) -> None:
        self._session.execute(
            insert(approval_chain).values(
                category=chain.category,
                version=chain.version,
                levels=chain.to_dict()["levels"],
                created_by=created_by,
            )
        )

    # -- requests --------------------------------------------------------------------------
    def add(self, stored: StoredRequest) -> None:
        self._session.execute(insert(service_request).values(id=stored.request.id, **_row(stored)))
        self._loaded[stored.request.id] = (0, 0)
        self._append(stored.request)

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> StoredRequest | None:
        query = select(service_request).where(service_request.c.id == request_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        if row is None:
            return None
        return self._hydrate([row])[0]

    def save(self, stored: StoredRequest) -> None:
        self._session.execute(
            update(service_request).where(service_request.c.id == stored.request.id).values(**_row(stored))
        )
        self._append(stored.request)

    def _append(self, request: ServiceRequest) -> None:
        approvals_done, history_done = self._loaded.get(request.id, (0, 0))
        new_approvals = request.approvals[approvals_done:]
        new_history = request.history[history_done:]
        if new_approvals:
            self._session.execute(
                insert(service_request_approval),
                [
                    {
                        "request_id": request.id,
                        "approver_id": a.approver_id,
                        "level": a.level,
                        "approved_at": a.at,
                        "comment": a.comment,
                    }
                    for a in new_approvals
                ],
            )
        if new_history:
            self._session.execute(
                insert(service_request_transition),
                [
                    {
                        "request_id": request.id,
                        "from_status": t.from_status.value,
                        "to_status": t.to_status.value,
                        "actor_id": t.actor_id,
                        "at": t.at,
                        "comment": t.comment,
                    }
                    for t in new_history
                ],
            )
        self._loaded[request.id] = (len(request.approvals), len(request.history))

    def search(self, where: RequestFilter, *, offset: int, limit: int) -> tuple[list[StoredRequest], int]:
        c = service_request.c
        conditions: list[Any] = []
        if where.status is not None:
            conditions.append(c.status == where.status.value)
        if where.priority is not None:
            conditions.append(c.priority == where.priority.value)
        if where.category is not None:
            conditions.append(c.category == where.category)
        if where.assignee_id is not None:
            conditions.append(c.assignee_id == where.assignee_id)
        if where.requester_id is not None:
            conditions.append(c.requester_id == where.requester_id)
        if where.overdue_at is not None:
            conditions.append(c.due_at < where.overdue_at)
            conditions.append(c.status.not_in([s.value for s in TERMINAL]))
        if where.visible_to_requester is not None or where.visible_to_organization is not None:
            visible = []
            if where.visible_to_requester is not None:
                visible.append(c.requester_id == where.visible_to_requester)
            if where.visible_to_organization is not None:
                visible.append(c.organization_id == where.visible_to_organization)
            conditions.append(or_(*visible))
        total = self._session.execute(
            select(func.count()).select_from(service_request).where(and_(True, *conditions))
        ).scalar_one()
        rows = self._session.execute(
            select(service_request)
            .where(and_(True, *conditions))
            .order_by(c.created_at.desc(), c.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return self._hydrate(rows), int(total)

    def _hydrate(self, rows: Sequence[Row[Any]]) -> list[StoredRequest]:
        """Aggregates from request rows: their approvals and history in one query each, and
        each (category, version) chain read once."""
        ids = [row.id for row in rows]
        approvals = self._approvals_of(ids)
        history = self._history_of(ids)
        chains: dict[tuple[str, int], ApprovalChain | None] = {}
        found = []
        for row in rows:
            chain = None
            if row.chain_version is not None:
                key = (row.category, row.chain_version)
                if key not in chains:
                    chains[key] = self.chain(*key)
                chain = chains[key]
            request = _request_of(row, chain, approvals[row.id], history[row.id])
            self._loaded[row.id] = (len(request.approvals), len(request.history))
            found.append(StoredRequest(request, row.organization_id, row.submitted_at, row.due_at))
        return found

    def _approvals_of(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ApprovalRecord]]:
        approvals: dict[uuid.UUID, list[ApprovalRecord]] = {i: [] for i in ids}
        if not ids:
            return approvals
        a = service_request_approval
        for r in self._session.execute(
            select(a).where(a.c.request_id.in_(ids)).order_by(a.c.approved_at, a.c.level)
        ).all():
            approvals[r.request_id].append(ApprovalRecord(r.approver_id, r.level, r.approved_at, r.comment))
        return approvals

    def _history_of(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Transition]]:
        history: dict[uuid.UUID, list[Transition]] = {i: [] for i in ids}
        if not ids:
            return history
        t = service_request_transition
        for r in self._session.execute(select(t).where(t.c.request_id.in_(ids)).order_by(t.c.id)).all():
            moved = (RequestStatus(r.from_status), RequestStatus(r.to_status))
            history[r.request_id].append(Transition(*moved, r.actor_id, r.at, r.comment))
        return history

    def add_comment(self, comment: Comment) -> None:
        self._session.execute(
            insert(service_request_comment).values(
                id=comment.id,
                request_id=comment.request_id,
                author_id=comment.author_id,
                body=comment.body,
                created_at=comment.created_at,
            )
        )

    def comments(self, request_id: uuid.UUID) -> list[Comment]:
        rows = self._session.execute(
            select(service_request_comment)
            .where(service_request_comment.c.request_id == request_id)
            .order_by(service_request_comment.c.created_at, service_request_comment.c.id)
        ).all()
        return [Comment(r.id, r.request_id, r.author_id, r.body, r.created_at) for r in rows]

    # -- people ----------------------------------------------------------------------------
    def organization_of(self, user_id: uuid.UUID) -> uuid.UUID | None:
        membership = self._organizations.membership_of(user_id)
        return None if membership is None else membership.organization_id

    def team_organization(self, team_id: uuid.UUID) -> uuid.UUID | None:
        return self._organizations.team_organization(team_id)

    def team_members(self, team_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return self._organizations.team_members(team_id)

    def known_roles(self) -> frozenset[str]:
        return self._grants.known_roles()

    def eligible_approvers(
        self, level: ApprovalLevel, organization_id: uuid.UUID | None
    ) -> frozenset[uuid.UUID]:
        if level.required_role is not None:
            requirement = frozenset(self._grants.users_with_role(level.required_role))
        else:
            requirement = self._grants.users_with_permission(str(level.required_permission), Scope.OWN)
        # service_request:approve must reach the request: scope all, or organization and a member.
        reach = self._grants.users_with_permission(APPROVE, Scope.ALL)
        if organization_id is not None:
            scoped = self._grants.users_with_permission(APPROVE, Scope.ORGANIZATION)
            reach |= scoped & self._organizations.member_ids(organization_id)
        return requirement & reach

    # -- reminders -------------------------------------------------------------------------
    def pending_approvals(self, waiting_since_before: datetime) -> list[PendingApproval]:
        last_change = (
            select(func.max(service_request_transition.c.at))
            .where(service_request_transition.c.request_id == service_request.c.id)
            .scalar_subquery()
        )
        last_approval = (
            select(func.max(service_request_approval.c.approved_at))
            .where(service_request_approval.c.request_id == service_request.c.id)
            .scalar_subquery()
        )
        since = func.greatest(last_change, func.coalesce(last_approval, last_change))
        rows = self._session.execute(
            select(service_request, since.label("waiting_since"))
            .where(service_request.c.status == RequestStatus.IN_REVIEW.value, since <= waiting_since_before)
            .order_by(service_request.c.created_at)
        ).all()
        found = []
        for row, stored in zip(rows, self._hydrate(rows), strict=True):
            request = stored.request
            progress = request.approval_progress()
            if request.chain is None or progress is None or progress.current_level is None:
                continue
            found.append(
                PendingApproval(
                    request.id,
                    request.requester_id,
                    stored.organization_id,
                    request.title,
                    progress.current_level,
                    request.chain.level(progress.current_level),
                    frozenset(a.approver_id for a in request.approvals),
                    row.waiting_since,
                )
            )
        return found

    def claim_reminders(
        self,
        request_id: uuid.UUID,
        level: int,
        approver_ids: frozenset[uuid.UUID],
        *,
        now: datetime,
        interval: timedelta,
    ) -> frozenset[uuid.UUID]:
        if not approver_ids:
            return frozenset()
        statement = pg_insert(approval_reminder).values(
            [
                {"request_id": request_id, "approver_id": a, "level": level, "sent_at": now}
                for a in sorted(approver_ids)
            ]
        )
        claim = statement.on_conflict_do_update(
            index_elements=[approval_reminder.c.request_id, approval_reminder.c.approver_id],
            set_={
                "sent_at": statement.excluded.sent_at,
                "level": statement.excluded.level,
                "reminders": approval_reminder.c.reminders + 1,
            },
            where=or_(
                approval_reminder.c.sent_at <= now - interval,
                approval_reminder.c.level != statement.excluded.level,
            ),
        ).returning(approval_reminder.c.approver_id)
        return frozenset(self._session.execute(claim).scalars())


def _category(row: Row[Any]) -> Category:
    return Category(row.name, row.description, row.active, row.chain_version)


def _chain(row: Row[Any]) -> ApprovalChain:
    return ApprovalChain.from_dict({"category": row.category, "version": row.version, "levels": row.levels})


def _row(stored: StoredRequest) -> dict[str, Any]:
    request = stored.request
    return {
        "requester_id": request.requester_id,
        "organization_id": stored.organization_id,
        "category": request.category,
        "title": request.title,
        "description": request.description,
        "priority": request.priority.value,
        "status": request.status.value,
        "amount": request.amount,
        "currency": request.currency,
        "assignee_kind": None if request.assignee is None else request.assignee.kind.value,
        "assignee_id": None if request.assignee is None else request.assignee.id,
        "chain_version": request.chain_version,
        "submitted_at": stored.submitted_at,
        "due_at": stored.due_at,
        "created_at": request.created_at,
        "updated_at": request.updated_at or request.created_at,
        "completed_at": request.completed_at,
    }


class SqlWorkflowUnitOfWork(SqlAlchemyUnitOfWork):
    requests: SqlServiceRequestStore

    def __enter__(self) -> Self:
        super().__enter__()
        self.requests = SqlServiceRequestStore(self.session)
        return self
