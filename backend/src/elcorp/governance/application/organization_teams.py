"""An organization's teams and their members.

The organization's members read its teams; its admins form, change and delete them and
move members in and out while it is open to their changes. A team member must be a member
of the team's organization (422); team names are unique within an organization (409).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.organization_access import (
    audit_actor,
    changeable,
    organization_or_404,
    standing_towards,
    team_or_404,
)
from elcorp.governance.application.ports import GovernanceUnitOfWork
from elcorp.governance.domain.organizations import Team, ensure_team_member_belongs
from elcorp.shared.application.audit import Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import AlreadyExists, NotFound


def team_audit(team: Team) -> dict[str, object]:
    return {
        "organization_id": str(team.organization_id),
        "name": team.name,
        "description": team.description,
        "members": sorted(str(m) for m in team.members),
    }


def _team_name_taken() -> AlreadyExists:
    return AlreadyExists("The organization already has a team with this name", details=[{"field": "name"}])


class OrganizationTeams:
    def __init__(self, uow: Callable[[], GovernanceUnitOfWork], access: AccessControl, clock: Clock) -> None:
        self._uow = uow
        self._access = access
        self._clock = clock

    # -- reads -----------------------------------------------------------------------------
    def list_teams(self, actor: uuid.UUID, organization_id: uuid.UUID, page: PageRequest) -> Page[Team]:
        """A page of the organization's teams, by name."""
        with self._uow() as uow:
            standing_towards(self._access, uow, actor, organization_id)
            organization_or_404(uow, organization_id)
            found, total = uow.organizations.teams(organization_id, offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total, offset=page.offset)

    def get_team(self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID) -> Team:
        with self._uow() as uow:
            standing_towards(self._access, uow, actor, organization_id)
            return team_or_404(uow, organization_id, team_id)

    # -- changes ---------------------------------------------------------------------------
    def create_team(
        self, actor: uuid.UUID, organization_id: uuid.UUID, *, name: str, description: str | None
    ) -> Team:
        with self._uow() as uow:
            changeable(self._access, uow, actor, organization_id)
            team = Team.form(organization_id, name=name, description=description, now=self._clock.now())
            if not uow.organizations.add_team(team, actor):
                raise _team_name_taken()
            self._record(uow, actor, "team.created", team.id, Changes(after=team_audit(team)))
            uow.commit()
        return team

    def update_team(
        self,
        actor: uuid.UUID,
        organization_id: uuid.UUID,
        team_id: uuid.UUID,
        changes: Mapping[str, str | None],
    ) -> Team:
        with self._uow() as uow:
            changeable(self._access, uow, actor, organization_id)
            before = team_or_404(uow, organization_id, team_id, for_update=True)
            after = before.with_details(changes)
            if after == before:
                return before
            if not uow.organizations.save_team(after):
                raise _team_name_taken()
            self._record(uow, actor, "team.updated", team_id, Changes(team_audit(before), team_audit(after)))
            uow.commit()
        return after

    def delete_team(self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID) -> None:
        with self._uow() as uow:
            changeable(self._access, uow, actor, organization_id)
            team = team_or_404(uow, organization_id, team_id, for_update=True)
            uow.organizations.delete_team(team_id)
            self._record(uow, actor, "team.deleted", team_id, Changes(before=team_audit(team)))
            uow.commit()

    def add_team_member(
        self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[Team, bool]:
        """Put a member of the organization in the team; returns the team and whether the
        user was added (False: already in it)."""
        with self._uow() as uow:
            changeable(self._access, uow, actor, organization_id)
            team = team_or_404(uow, organization_id, team_id, for_update=True)
            # Locked, so the membership cannot be removed between this check and the insert.
            ensure_team_member_belongs(team, uow.organizations.membership_of(user_id, for_update=True))
            if not uow.organizations.add_team_member(team, user_id, actor):
                return team, False
            self._record(uow, actor, "team.member_added", team_id, Changes(after={"user_id": str(user_id)}))
            uow.commit()
        return replace(team, members=team.members | {user_id}), True

    def remove_team_member(
        self, actor: uuid.UUID, organization_id: uuid.UUID, team_id: uuid.UUID, user_id: uuid.UUID
    ) -> Team:
        with self._uow() as uow:
            changeable(self._access, uow, actor, organization_id)
            team = team_or_404(uow, organization_id, team_id, for_update=True)
            if not uow.organizations.remove_team_member(team, user_id):
                raise NotFound("Team member not found")
            self._record(
                uow, actor, "team.member_removed", team_id, Changes(before={"user_id": str(user_id)})
            )
            uow.commit()
        return replace(team, members=team.members - {user_id})

    def _record(
        self, uow: GovernanceUnitOfWork, actor: uuid.UUID, action: str, team_id: uuid.UUID, changes: Changes
    ) -> None:
        uow.audit.record(action, audit_actor(self._access, actor), Resource("team", str(team_id)), changes)
