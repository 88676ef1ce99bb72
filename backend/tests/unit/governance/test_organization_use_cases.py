"""Organization use cases (application/organization_*.py) through `OrganizationAdministration`,
on an in-memory store: members (role changes, direct adds, removals), teams and status
changes, with what each audits and what it refuses before anything changes. No I/O."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from elcorp.governance.application.organizations import OrganizationAdministration
from elcorp.governance.domain.organizations import Membership, Organization, OrganizationStatus, OrgRole, Team
from elcorp.identity.application.api import UserDeleted
from elcorp.shared.application.audit import Actor
from elcorp.shared.application.pagination import PageRequest, decode_offset
from elcorp.shared.domain.errors import (
    AccessDenied,
    AlreadyExists,
    Conflict,
    NotFound,
    ValidationFailed,
)
from support.fakes import FakeClock, FakeUnitOfWork
from unit.governance.workflow_fakes import FakeUsers, access_with, grants

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PLATFORM, ADMIN, MEMBER, NEWCOMER, ELSEWHERE = (uuid.uuid4() for _ in range(5))


class FakeOrganizationStore:
    def __init__(self) -> None:
        self.organizations: dict[uuid.UUID, Organization] = {}
        self.memberships: dict[uuid.UUID, Membership] = {}
        self.team_rows: dict[uuid.UUID, Team] = {}

    def get(self, organization_id: uuid.UUID, *, for_update: bool = False) -> Organization | None:
        return self.organizations.get(organization_id)

    def save(self, organization: Organization) -> bool:
        self.organizations[organization.id] = organization
        return True

    def membership_of(self, user_id: uuid.UUID, *, for_update: bool = False) -> Membership | None:
        return self.memberships.get(user_id)

    def members(
        self, organization_id: uuid.UUID, *, offset: int = 0, limit: int = 1000
    ) -> tuple[list[Membership], int]:
        found = sorted(
            (m for m in self.memberships.values() if m.organization_id == organization_id),
            key=lambda m: (m.added_at, str(m.user_id)),
        )
        return found[offset : offset + limit], len(found)

    def org_admins(self, organization_id: uuid.UUID) -> frozenset[uuid.UUID]:
        members, _ = self.members(organization_id)
        return frozenset(m.user_id for m in members if m.org_role is OrgRole.ORG_ADMIN)

    def teams(self, organization_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Team], int]:
        found = sorted(
            (t for t in self.team_rows.values() if t.organization_id == organization_id),
            key=lambda t: (t.name.lower(), str(t.id)),
        )
        return found[offset : offset + limit], len(found)

    def add_member(self, membership: Membership, added_by: uuid.UUID) -> bool:
        if membership.user_id in self.memberships:
            return False
        self.memberships[membership.user_id] = membership
        return True

    def set_org_role(self, organization_id: uuid.UUID, user_id: uuid.UUID, org_role: OrgRole) -> None:
        self.memberships[user_id] = replace(self.memberships[user_id], org_role=org_role)

    def remove_member(self, organization_id: uuid.UUID, user_id: uuid.UUID) -> list[uuid.UUID]:
        del self.memberships[user_id]
        places = [t.id for t in self.team_rows.values() if user_id in t.members]
        for team_id in places:
            team = self.team_rows[team_id]
            self.team_rows[team_id] = replace(team, members=team.members - {user_id})
        return places

    def get_team(
        self, organization_id: uuid.UUID, team_id: uuid.UUID, *, for_update: bool = False
    ) -> Team | None:
        team = self.team_rows.get(team_id)
        return team if team is not None and team.organization_id == organization_id else None

    def add_team(self, team: Team, created_by: uuid.UUID) -> bool:
        if any(
            t.organization_id == team.organization_id and t.name == team.name for t in self.team_rows.values()
        ):
            return False
        self.team_rows[team.id] = team
        return True

    def add_team_member(self, team: Team, user_id: uuid.UUID, added_by: uuid.UUID) -> bool:
        stored = self.team_rows[team.id]
        if user_id in stored.members:
            return False
        self.team_rows[team.id] = replace(stored, members=stored.members | {user_id})
        return True


class FakeGovernanceUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: FakeOrganizationStore) -> None:
        super().__init__()
        self.organizations = store


class World:
    def __init__(self) -> None:
        self.store = FakeOrganizationStore()
        self.uow = FakeGovernanceUnitOfWork(self.store)
        self.org = Organization.register(
            name="Acme Logistics", registration_number=None, vat_number=None, now=NOW
        )
        self.store.organizations[self.org.id] = self.org
        for user, role in ((ADMIN, OrgRole.ORG_ADMIN), (MEMBER, OrgRole.MEMBER)):
            self.store.memberships[user] = Membership(self.org.id, user, role, NOW)
        other = Organization.register(name="Other", registration_number=None, vat_number=None, now=NOW)
        self.store.organizations[other.id] = other
        self.store.memberships[ELSEWHERE] = Membership(other.id, ELSEWHERE, OrgRole.MEMBER, NOW)
        self.access = access_with({PLATFORM: grants("organization:manage")})
        self.users = FakeUsers({PLATFORM, ADMIN, MEMBER, NEWCOMER, ELSEWHERE})
        self.admin = OrganizationAdministration(
            lambda: self.uow, self.access, self.users, clock=FakeClock(NOW)
        )

    def role_of(self, user_id: uuid.UUID) -> OrgRole:
        return self.store.memberships[user_id].org_role


@pytest.fixture
def world() -> World:
    return World()


# -- members ----------------------------------------------------------------------------------
def test_an_org_admin_promotes_a_member_and_the_change_is_audited(world):
    membership, created = world.admin.put_member(ADMIN, world.org.id, MEMBER, OrgRole.ORG_ADMIN)

    assert (membership.org_role, created) == (OrgRole.ORG_ADMIN, False)
    assert world.role_of(MEMBER) is OrgRole.ORG_ADMIN
    [entry] = world.uow.committed_audit
    assert entry.action == "organization.member_role_changed"
    assert entry.changes is not None
    assert (entry.changes.before["org_role"], entry.changes.after["org_role"]) == ("member", "org_admin")


def test_putting_a_member_in_the_role_they_have_changes_and_audits_nothing(world):
    membership, created = world.admin.put_member(ADMIN, world.org.id, MEMBER, OrgRole.MEMBER)

    assert (membership.org_role, created) == (OrgRole.MEMBER, False)
    assert world.uow.commits == 0


def test_the_last_org_admin_cannot_step_down(world):
    with pytest.raises(Conflict, match="keep at least one org_admin"):
        world.admin.put_member(ADMIN, world.org.id, ADMIN, OrgRole.MEMBER)

    assert world.role_of(ADMIN) is OrgRole.ORG_ADMIN
    assert world.uow.commits == 0


def test_a_platform_manager_adds_a_user_directly_with_a_reason_kept_in_the_audit_trail(world):
    membership, created = world.admin.put_member(
        PLATFORM, world.org.id, NEWCOMER, OrgRole.MEMBER, reason="  migrated from the old portal "
    )

    assert created and membership == Membership(world.org.id, NEWCOMER, OrgRole.MEMBER, NOW)
    [entry] = world.uow.committed_audit
    assert (entry.action, entry.reason) == ("organization.member_added", "migrated from the old portal")


def test_an_org_admin_invites_rather_than_adds(world):
    with pytest.raises(AccessDenied) as refused:
        world.admin.put_member(ADMIN, world.org.id, NEWCOMER, OrgRole.MEMBER, reason="please")

    assert refused.value.code == "GOV_008"
    assert NEWCOMER not in world.store.memberships


def test_a_member_of_another_organization_is_not_added(world):
    with pytest.raises(AlreadyExists, match="another organization"):
        world.admin.put_member(PLATFORM, world.org.id, ELSEWHERE, OrgRole.MEMBER, reason="moving")

    assert world.store.memberships[ELSEWHERE].organization_id != world.org.id


def test_a_plain_member_changes_nothing_and_an_outsider_does_not_see_the_organization(world):
    with pytest.raises(AccessDenied):
        world.admin.put_member(MEMBER, world.org.id, MEMBER, OrgRole.ORG_ADMIN)
    with pytest.raises(NotFound):
        world.admin.put_member(ELSEWHERE, world.org.id, MEMBER, OrgRole.ORG_ADMIN)


def test_a_deleted_account_leaves_its_organization_and_teams(world):
    team = Team.form(world.org.id, name="Dispatch", description=None, now=NOW)
    world.store.team_rows[team.id] = replace(team, members=frozenset({MEMBER}))

    world.admin.on_user_deleted(UserDeleted(occurred_at=NOW, user_id=MEMBER))

    assert MEMBER not in world.store.memberships
    assert world.store.team_rows[team.id].members == frozenset()
    [entry] = world.uow.committed_audit
    assert (entry.action, entry.reason, entry.actor) == (
        "organization.member_removed",
        "account deleted",
        Actor(),
    )
    assert entry.changes is not None and entry.changes.before["teams"] == [str(team.id)]


def test_members_are_listed_a_page_at_a_time_for_members_only(world):
    for user in (NEWCOMER, PLATFORM):
        world.store.memberships[user] = Membership(world.org.id, user, OrgRole.MEMBER, NOW)

    first = world.admin.list_members(MEMBER, world.org.id, PageRequest(per_page=3))
    assert (len(first.items), first.has_more, first.total) == (3, True, 4)
    assert first.next_cursor is not None
    rest = world.admin.list_members(
        MEMBER, world.org.id, PageRequest(per_page=3, start=decode_offset(first.next_cursor))
    )
    assert (len(rest.items), rest.has_more, rest.next_cursor) == (1, False, None)
    assert {m.user_id for m in first.items + rest.items} == {ADMIN, MEMBER, NEWCOMER, PLATFORM}
    with pytest.raises(NotFound):
        world.admin.list_members(ELSEWHERE, world.org.id, PageRequest())


# -- teams ------------------------------------------------------------------------------------
def test_teams_are_listed_by_name_a_page_at_a_time(world):
    for name in ("Workshop", "Dispatch", "archive"):
        world.admin.create_team(ADMIN, world.org.id, name=name, description=None)

    first = world.admin.list_teams(MEMBER, world.org.id, PageRequest(per_page=2))
    assert [t.name for t in first.items] == ["archive", "Dispatch"]
    assert first.meta["has_more"] is True and first.meta["total"] == 3
    assert first.next_cursor is not None
    rest = world.admin.list_teams(
        MEMBER, world.org.id, PageRequest(per_page=2, start=decode_offset(first.next_cursor))
    )
    assert ([t.name for t in rest.items], rest.has_more) == (["Workshop"], False)
    with pytest.raises(NotFound):
        world.admin.list_teams(ELSEWHERE, world.org.id, PageRequest())


def test_a_team_member_must_belong_to_the_teams_organization(world):
    team = world.admin.create_team(ADMIN, world.org.id, name="Dispatch", description=None)

    assert world.admin.add_team_member(ADMIN, world.org.id, team.id, MEMBER)[1] is True
    assert world.admin.add_team_member(ADMIN, world.org.id, team.id, MEMBER)[1] is False
    with pytest.raises(ValidationFailed) as refused:
        world.admin.add_team_member(ADMIN, world.org.id, team.id, ELSEWHERE)
    assert refused.value.details == [
        {"field": "user_id", "message": "the user is not a member of the team's organization"}
    ]
    assert [e.action for e in world.uow.committed_audit] == ["team.created", "team.member_added"]


def test_team_names_are_unique_within_an_organization(world):
    world.admin.create_team(ADMIN, world.org.id, name="Dispatch", description=None)

    with pytest.raises(AlreadyExists, match="already has a team with this name"):
        world.admin.create_team(ADMIN, world.org.id, name="Dispatch", description="again")


# -- status -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "status", "action"),
    [
        ("suspend", OrganizationStatus.SUSPENDED, "organization.suspended"),
        ("close", OrganizationStatus.CLOSED, "organization.closed"),
    ],
)
def test_platform_managers_change_the_status_and_each_change_has_its_own_audit_action(
    world, change, status, action
):
    after = getattr(world.admin, change)(PLATFORM, world.org.id)

    assert after.status is status and world.store.organizations[world.org.id].status is status
    [entry] = world.uow.committed_audit
    assert entry.action == action


def test_reactivating_is_audited_as_reactivated(world):
    world.admin.suspend(PLATFORM, world.org.id)

    world.admin.reactivate(PLATFORM, world.org.id)

    assert world.uow.committed_audit[-1].action == "organization.reactivated"


def test_an_org_admin_cannot_change_the_status(world):
    with pytest.raises(AccessDenied):
        world.admin.suspend(ADMIN, world.org.id)

    assert world.store.organizations[world.org.id].status is OrganizationStatus.ACTIVE
