"""SQL store of organizations, their members and teams (SQLAlchemy Core).

Uniqueness (organization name and registration number, one organization per user, team
names per organization, a user once per team, one pending invitation per user and
organization) is the database's: inserts and updates use
`ON CONFLICT DO NOTHING` or catch the violation in a SAVEPOINT and answer False, so two
concurrent requests cannot both succeed and the loser gets a 409, never a 500.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elcorp.governance.domain.invitations import Invitation, InvitationStatus
from elcorp.governance.domain.organizations import (
    Membership,
    Organization,
    OrganizationStatus,
    OrgRole,
    Team,
)
from elcorp.governance.infrastructure.tables import (
    organization,
    organization_invitation,
    organization_member,
    team,
    team_member,
)


def _organization(row: Any) -> Organization:
    return Organization(
        id=row.id,
        name=str(row.name),
        registration_number=row.registration_number,
        vat_number=row.vat_number,
        status=OrganizationStatus(str(row.status)),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _membership(row: Any) -> Membership:
    return Membership(row.organization_id, row.user_id, OrgRole(str(row.org_role)), row.added_at)


def _invitation(row: Any) -> Invitation:
    return Invitation(
        id=row.id,
        organization_id=row.organization_id,
        user_id=row.user_id,
        org_role=OrgRole(str(row.org_role)),
        status=InvitationStatus(str(row.status)),
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
    )


class SqlOrganizationStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- organizations ----------------------------------------------------------------------
    def add(self, organization_: Organization, created_by: uuid.UUID) -> bool:
        inserted = self._session.execute(
            insert(organization)
            .values(
                id=organization_.id,
                name=organization_.name,
                registration_number=organization_.registration_number,
                vat_number=organization_.vat_number,
                status=organization_.status.value,
                created_at=organization_.created_at,
                updated_at=organization_.updated_at,
                created_by=created_by,
            )
            .on_conflict_do_nothing()
            .returning(organization.c.id)
        ).first()
        return inserted is not None

    def get(self, organization_id: uuid.UUID, *, for_update: bool = False) -> Organization | None:
        query = select(organization).where(organization.c.id == organization_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else _organization(row)

    def search(
        self, *, status: str | None, text: str | None, offset: int, limit: int
    ) -> tuple[list[Organization], int]:
        conditions: list[Any] = []
        if status:
            conditions.append(organization.c.status == status)
        if text:
            # A bound parameter with escaped wildcards: the search box cannot inject patterns.
            escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(func.lower(organization.c.name).like(f"%{escaped}%", escape="\\"))
        total = self._session.execute(
            select(func.count()).select_from(organization).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            select(organization)
            .where(*conditions)
            .order_by(func.lower(organization.c.name), organization.c.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [_organization(r) for r in rows], int(total)

    def save(self, organization_: Organization) -> bool:
        statement = (
            update(organization)
            .where(organization.c.id == organization_.id)
            .values(
                name=organization_.name,
                registration_number=organization_.registration_number,
                vat_number=organization_.vat_number,
                status=organization_.status.value,
                updated_at=organization_.updated_at,
            )
        )
        return self._guarded(statement)

    def clashes(self, organization_: Organization) -> list[str]:
        others = organization.c.id != organization_.id
        found = []
        name_taken = select(organization.c.id).where(
            others, func.lower(organization.c.name) == organization_.name.lower()
        )
        if self._session.execute(name_taken).first() is not None:
            found.append("name")
        if organization_.registration_number is not None:
            number_taken = select(organization.c.id).where(
                others, organization.c.registration_number == organization_.registration_number
            )
            if self._session.execute(number_taken).first() is not None:
                found.append("registration_number")
        return found

    # -- members ------------------------------------------------------------------------------
    def membership_of(self, user_id: uuid.UUID, *, for_update: bool = False) -> Membership | None:
        query = select(organization_member).where(organization_member.c.user_id == user_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else _membership(row)

    def members(self, organization_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Membership], int]:
        condition = organization_member.c.organization_id == organization_id
        rows = self._session.execute(
            select(organization_member)
            .where(condition)
            .order_by(organization_member.c.added_at, organization_member.c.user_id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [_membership(r) for r in rows], self._count(organization_member, condition)

    def member_ids(self, organization_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(
            self._session.execute(
                select(organization_member.c.user_id).where(
                    organization_member.c.organization_id == organization_id
                )
            ).scalars()
        )

    def org_admins(self, organization_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(
            self._session.execute(
                select(organization_member.c.user_id).where(
                    organization_member.c.organization_id == organization_id,
                    organization_member.c.org_role == OrgRole.ORG_ADMIN.value,
                )
            ).scalars()
        )

    def add_member(self, membership: Membership, added_by: uuid.UUID) -> bool:
        inserted = self._session.execute(
            insert(organization_member)
            .values(
                organization_id=membership.organization_id,
                user_id=membership.user_id,
                org_role=membership.org_role.value,
                added_at=membership.added_at,
                added_by=added_by,
            )
            .on_conflict_do_nothing()
            .returning(organization_member.c.user_id)
        ).first()
        return inserted is not None

    def set_org_role(self, organization_id: uuid.UUID, user_id: uuid.UUID, org_role: OrgRole) -> None:
        self._session.execute(
            update(organization_member)
            .where(
                organization_member.c.organization_id == organization_id,
                organization_member.c.user_id == user_id,
            )
            .values(org_role=org_role.value)
        )

    def remove_member(self, organization_id: uuid.UUID, user_id: uuid.UUID) -> list[uuid.UUID]:
        teams: list[uuid.UUID] = list(
            self._session.execute(
                select(team_member.c.team_id)
                .where(team_member.c.organization_id == organization_id, team_member.c.user_id == user_id)
                .order_by(team_member.c.team_id)
            ).scalars()
        )
        # The team places go with the membership (ON DELETE CASCADE of the composite key).
        self._session.execute(
            delete(organization_member).where(
                organization_member.c.organization_id == organization_id,
                organization_member.c.user_id == user_id,
            )
        )
        return teams

    # -- teams ----------------------------------------------------------------------------------
    def _teams(
        self, *conditions: Any, for_update: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[Team]:
        query = select(team).where(*conditions).order_by(func.lower(team.c.name), team.c.id)
        if for_update:
            query = query.with_for_update()
        if offset or limit is not None:
            query = query.offset(offset).limit(limit)
        rows = self._session.execute(query).all()
        if not rows:
            return []
        members: dict[uuid.UUID, set[uuid.UUID]] = {row.id: set() for row in rows}
        for team_id, user_id in self._session.execute(
            select(team_member.c.team_id, team_member.c.user_id).where(
                team_member.c.team_id.in_(list(members))
            )
        ).all():
            members[uuid.UUID(str(team_id))].add(uuid.UUID(str(user_id)))
        return [
            Team(
                id=row.id,
                organization_id=row.organization_id,
                name=str(row.name),
                description=row.description,
                created_at=row.created_at,
                members=frozenset(members[row.id]),
            )
            for row in rows
        ]

    def teams(self, organization_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Team], int]:
        condition = team.c.organization_id == organization_id
        return self._teams(condition, offset=offset, limit=limit), self._count(team, condition)

    def get_team(
        self, organization_id: uuid.UUID, team_id: uuid.UUID, *, for_update: bool = False
    ) -> Team | None:
        found = self._teams(
            team.c.organization_id == organization_id, team.c.id == team_id, for_update=for_update
        )
        return found[0] if found else None

    def add_team(self, team_: Team, created_by: uuid.UUID) -> bool:
        inserted = self._session.execute(
            insert(team)
            .values(
                id=team_.id,
                organization_id=team_.organization_id,
                name=team_.name,
                description=team_.description,
                created_at=team_.created_at,
                created_by=created_by,
            )
            .on_conflict_do_nothing()
            .returning(team.c.id)
        ).first()
        return inserted is not None

    def save_team(self, team_: Team) -> bool:
        return self._guarded(
            update(team).where(team.c.id == team_.id).values(name=team_.name, description=team_.description)
        )

    def delete_team(self, team_id: uuid.UUID) -> None:
        self._session.execute(delete(team_member).where(team_member.c.team_id == team_id))
        self._session.execute(delete(team).where(team.c.id == team_id))

    def add_team_member(self, team_: Team, user_id: uuid.UUID, added_by: uuid.UUID) -> bool:
        inserted = self._session.execute(
            insert(team_member)
            .values(
                team_id=team_.id, organization_id=team_.organization_id, user_id=user_id, added_by=added_by
            )
            .on_conflict_do_nothing()
            .returning(team_member.c.user_id)
        ).first()
        return inserted is not None

    def remove_team_member(self, team_: Team, user_id: uuid.UUID) -> bool:
        removed = self._session.execute(
            delete(team_member)
            .where(team_member.c.team_id == team_.id, team_member.c.user_id == user_id)
            .returning(team_member.c.user_id)
        ).first()
        return removed is not None

    # -- reads for other contexts ---------------------------------------------------------------
    def team_organization(self, team_id: uuid.UUID) -> uuid.UUID | None:
        found: uuid.UUID | None = self._session.execute(
            select(team.c.organization_id).where(team.c.id == team_id)
        ).scalar_one_or_none()
        return found

    def team_members(self, team_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(
            self._session.execute(
                select(team_member.c.user_id).where(team_member.c.team_id == team_id)
            ).scalars()
        )

    # -- invitations ----------------------------------------------------------------------------
    def add_invitation(self, invitation: Invitation) -> bool:
        inserted = self._session.execute(
            insert(organization_invitation)
            .values(
                id=invitation.id,
                organization_id=invitation.organization_id,
                user_id=invitation.user_id,
                org_role=invitation.org_role.value,
                status=invitation.status.value,
                invited_by=invitation.invited_by,
                created_at=invitation.created_at,
                expires_at=invitation.expires_at,
            )
            .on_conflict_do_nothing()
            .returning(organization_invitation.c.id)
        ).first()
        return inserted is not None

    def get_invitation(self, invitation_id: uuid.UUID, *, for_update: bool = False) -> Invitation | None:
        query = select(organization_invitation).where(organization_invitation.c.id == invitation_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else _invitation(row)

    def pending_invitation(
        self, organization_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
    ) -> Invitation | None:
        query = select(organization_invitation).where(
            organization_invitation.c.organization_id == organization_id,
            organization_invitation.c.user_id == user_id,
            organization_invitation.c.status == InvitationStatus.PENDING.value,
        )
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else _invitation(row)

    def save_invitation(self, invitation: Invitation) -> None:
        self._session.execute(
            update(organization_invitation)
            .where(organization_invitation.c.id == invitation.id)
            .values(
                status=invitation.status.value,
                decided_at=invitation.decided_at,
                decided_by=invitation.decided_by,
            )
        )

    def invitations_to(
        self, organization_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[list[Invitation], int]:
        return self._invitations(organization_invitation.c.organization_id == organization_id, offset, limit)

    def invitations_for(self, user_id: uuid.UUID, *, offset: int, limit: int) -> tuple[list[Invitation], int]:
        return self._invitations(organization_invitation.c.user_id == user_id, offset, limit)

    def _invitations(self, condition: Any, offset: int, limit: int) -> tuple[list[Invitation], int]:
        rows = self._session.execute(
            select(organization_invitation)
            .where(condition)
            .order_by(organization_invitation.c.created_at.desc(), organization_invitation.c.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [_invitation(r) for r in rows], self._count(organization_invitation, condition)

    def _count(self, table: Any, condition: Any) -> int:
        return int(
            self._session.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
        )

    # -- helpers --------------------------------------------------------------------------------
    def _guarded(self, statement: Any) -> bool:
        """Run an UPDATE that may break a unique index; False (and nothing changed) if it does."""
        try:
            with self._session.begin_nested():
                self._session.execute(statement)
        except IntegrityError:
            return False
        return True
