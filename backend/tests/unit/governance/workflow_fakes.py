"""In-memory stand-ins for the service-request use cases' ports: the workflow store and
its unit of work, the user directory, the policy engine and the grants source."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.workflow_ports import Category, Comment, PendingApproval, StoredRequest
from elcorp.governance.domain.approval_chains import ApprovalChain, ApprovalLevel
from elcorp.governance.domain.policies import Resource
from elcorp.governance.domain.rbac import Grants, Scope
from elcorp.governance.domain.service_requests import Priority
from elcorp.shared.domain.errors import AccessDenied
from support.fakes import FakeUnitOfWork

NOBODY = Grants(frozenset(), {})


class NoCache:
    """A grants cache that keeps nothing, so every read goes to the test's table."""

    def get(self, user_id: uuid.UUID) -> Grants | None:
        return None

    def put(self, user_id: uuid.UUID, grants: Grants) -> None:
        pass

    def invalidate(self, user_id: uuid.UUID) -> None:
        pass


def access_with(grants: dict[uuid.UUID, Grants]) -> AccessControl:
    """The real AccessControl, reading each user's grants from `grants` (none if absent)."""
    return AccessControl(lambda user_id: grants.get(user_id, NOBODY), NoCache())


def grants(*permissions: str, scope: Scope = Scope.ALL, roles: Collection[str] = ()) -> Grants:
    return Grants(frozenset(roles), dict.fromkeys(permissions, scope))


@dataclass
class FakePolicies:
    """The policy engine: records each question; denies the actions in `deny`."""

    deny: set[str] = field(default_factory=set)
    asked: list[tuple[uuid.UUID, str, Resource]] = field(default_factory=list)

    def authorize(self, caller: uuid.UUID, action: str, resource: Resource) -> None:
        self.asked.append((caller, action, resource))
        if action in self.deny:
            raise AccessDenied("Denied by policy")


@dataclass
class FakeUsers:
    active: set[uuid.UUID] = field(default_factory=set)

    def exists(self, user_id: uuid.UUID) -> bool:
        return user_id in self.active

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]:
        return frozenset(u for u in user_ids if u in self.active)


class FakeSla:
    """Every request falls due a fixed 72 hours after submission."""

    def deadline(self, category: str, priority: Priority, submitted_at: datetime) -> datetime:
        return submitted_at + timedelta(hours=72)


class FakeWorkflowStore:
    """Requests are stored as deep copies, as a database would: a change reaches the store
    only through `add` or `save`."""

    def __init__(self) -> None:
        self.category_rows: dict[str, Category] = {}
        self.chains: dict[str, list[ApprovalChain]] = {}
        self.rows: dict[uuid.UUID, StoredRequest] = {}
        self.comment_rows: list[Comment] = []
        self.organizations: dict[uuid.UUID, uuid.UUID] = {}
        self.roles: frozenset[str] = frozenset()
        self.teams: dict[uuid.UUID, tuple[uuid.UUID, frozenset[uuid.UUID]]] = {}
        self.pending: list[PendingApproval] = []
        self.approvers: frozenset[uuid.UUID] = frozenset()
        self.reminded: dict[tuple[uuid.UUID, int, uuid.UUID], datetime] = {}

    # -- categories and chains
    def categories(self, *, include_inactive: bool = False) -> list[Category]:
        return [c for c in self.category_rows.values() if include_inactive or c.active]

    def category(self, name: str, *, for_update: bool = False) -> Category | None:
        return self.category_rows.get(name)

    def add_category(self, name: str, description: str) -> None:
        self.category_rows[name] = Category(name, description, True, None)

    def update_category(self, name: str, *, description: str, active: bool) -> None:
        before = self.category_rows[name]
        self.category_rows[name] = Category(name, description, active, before.chain_version)

    def chain(self, category: str, version: int | None = None) -> ApprovalChain | None:
        versions = self.chains.get(category, [])
        if version is None:
            return versions[-1] if versions else None
        return next((c for c in versions if c.version == version), None)

    def chain_versions(self, category: str) -> list[ApprovalChain]:
        return list(self.chains.get(category, []))

    def add_chain(self, chain: ApprovalChain, created_by: uuid.UUID) -> None:
        self.chains.setdefault(chain.category, []).append(chain)

    # -- requests
    def add(self, stored: StoredRequest) -> None:
        self.rows[stored.request.id] = copy.deepcopy(stored)

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> StoredRequest | None:
        found = self.rows.get(request_id)
        if found is None:
            return None
        loaded = copy.deepcopy(found)
        loaded.request.pull_events()  # a loaded aggregate has raised nothing yet
        return loaded

    def save(self, stored: StoredRequest) -> None:
        self.rows[stored.request.id] = copy.deepcopy(stored)

    def add_comment(self, comment: Comment) -> None:
        self.comment_rows.append(comment)

    def comments(self, request_id: uuid.UUID) -> list[Comment]:
        return [c for c in self.comment_rows if c.request_id == request_id]

    # -- people
    def organization_of(self, user_id: uuid.UUID) -> uuid.UUID | None:
        return self.organizations.get(user_id)

    def team_organization(self, team_id: uuid.UUID) -> uuid.UUID | None:
        team = self.teams.get(team_id)
        return team[0] if team is not None else None

    def known_roles(self) -> frozenset[str]:
        return self.roles

    def team_members(self, team_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return self.teams[team_id][1]

    def eligible_approvers(
        self, level: ApprovalLevel, organization_id: uuid.UUID | None
    ) -> frozenset[uuid.UUID]:
        return self.approvers

    # -- reminders
    def pending_approvals(self, waiting_since_before: datetime) -> list[PendingApproval]:
        return [p for p in self.pending if p.waiting_since < waiting_since_before]

    def claim_reminders(
        self,
        request_id: uuid.UUID,
        level: int,
        approver_ids: frozenset[uuid.UUID],
        *,
        now: datetime,
        interval: timedelta,
    ) -> frozenset[uuid.UUID]:
        claimed = frozenset(
            a
            for a in approver_ids
            if (last := self.reminded.get((request_id, level, a))) is None or now - last >= interval
        )
        for a in claimed:
            self.reminded[(request_id, level, a)] = now
        return claimed


class FakeWorkflowUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: FakeWorkflowStore) -> None:
        super().__init__()
        self.requests = store
