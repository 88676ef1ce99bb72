"""Organizations and teams: who belongs where, and who may change what.

- An organization is `active`, `suspended` or `closed`. Suspension is reversible; closing
  is final and leaves the organization read-only (it is never deleted: invoices and
  service requests keep pointing at it).
- A user belongs to at most one organization, as `org_admin` (manages its details, members
  and teams) or `member` (reads them).
- A team lives inside one organization; its members must be members of that organization.
- An organization that has an `org_admin` keeps one: the last one cannot be demoted or
  removed while the organization is open.

Who may do what is decided by the caller's `Standing` towards one organization: platform
managers (`organization:manage` at scope `all`) change any organization; its org admins
change their own one while it is active; members only read; anybody else is told the
organization does not exist (404, so ids cannot be probed).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from elcorp.shared.domain.errors import AccessDenied, Conflict, NotFound, ValidationFailed

NAME_MIN, NAME_MAX = 2, 200
DESCRIPTION_MAX = 1000
# Registration and VAT numbers are loosely checked: Namibian BIPA numbers look like
# `CC/2015/01234` or `2019/0456`, VAT numbers are digits, foreign ones vary. Letters, digits,
# spaces, `/` and `-`, 1 to 40 characters, starting with a letter or digit. Stored trimmed,
# upper-cased, runs of spaces collapsed to one, so one company cannot be registered twice
# under two spellings.
REFERENCE_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9 /-]{0,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")


class OrganizationStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class OrgRole(StrEnum):
    ORG_ADMIN = "org_admin"
    MEMBER = "member"


class Standing(StrEnum):
    """What the caller is to one organization."""

    MANAGER = "manager"  # holds organization:manage at scope `all`
    ADMIN = "admin"  # its org_admin (or holds organization:manage scoped to it)
    MEMBER = "member"


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"field": field_name, "message": message}])


def clean_name(value: str, field_name: str = "name") -> str:
    """A display name: trimmed, 2 to 200 characters, no control characters."""
    name = value.strip()
    if _CONTROL.search(name):
        raise _invalid(field_name, "must not contain control characters")
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise _invalid(field_name, f"must be {NAME_MIN} to {NAME_MAX} characters long")
    return name


def clean_reference(value: str | None, field_name: str) -> str | None:
    """A registration or VAT number in its stored form, or None when not given."""
    if value is None:
        return None
    cleaned = _SPACES.sub(" ", value.strip().upper())
    if not REFERENCE_NUMBER.fullmatch(cleaned):
        raise _invalid(
            field_name, "use 1 to 40 letters, digits, spaces, / or -, starting with a letter or digit"
        )
    return cleaned


def clean_description(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > DESCRIPTION_MAX:
        raise _invalid("description", f"must be at most {DESCRIPTION_MAX} characters long")
    return text or None


@dataclass(frozen=True, slots=True)
class Organization:
    """A customer business, bank or branch. Its verbs return the changed organization."""

    id: uuid.UUID
    name: str
    registration_number: str | None
    vat_number: str | None
    status: OrganizationStatus
    created_at: datetime
    updated_at: datetime

    @classmethod
    def register(
        cls,
        *,
        name: str,
        registration_number: str | None,
        vat_number: str | None,
        now: datetime,
        organization_id: uuid.UUID | None = None,
    ) -> Organization:
        return cls(
            id=organization_id or uuid.uuid4(),
            name=clean_name(name),
            registration_number=clean_reference(registration_number, "registration_number"),
            vat_number=clean_reference(vat_number, "vat_number"),
            status=OrganizationStatus.ACTIVE,
            created_at=now,
            updated_at=now,
        )

    @property
    def is_closed(self) -> bool:
        return self.status is OrganizationStatus.CLOSED

    def ensure_changeable_by(self, standing: Standing) -> None:
        """Closed: read-only for everybody. Suspended: only platform managers change it."""
        if self.is_closed:
            raise Conflict("The organization is closed: it can no longer be changed")
        if self.status is OrganizationStatus.SUSPENDED and standing is not Standing.MANAGER:
            raise Conflict("The organization is suspended: only a platform administrator can change it")
        if standing is Standing.MEMBER:
            raise _not_allowed()

    def ensure_member_removable_by(self, standing: Standing) -> None:
        """As `ensure_changeable_by`, except that platform managers may release the members
        of a closed organization: a user belongs to one organization at most, so its
        members could otherwise never join another one."""
        if self.is_closed and standing is Standing.MANAGER:
            return
        self.ensure_changeable_by(standing)

    def with_details(self, now: datetime, changes: Mapping[str, str | None]) -> Organization:
        """New details: `changes` maps `name`, `registration_number` or `vat_number` to a
        value; None clears a reference number (a name cannot be cleared)."""
        name = changes.get("name", self.name)
        if name is None:
            raise _invalid("name", "an organization must have a name")
        return replace(
            self,
            name=clean_name(name),
            registration_number=clean_reference(
                changes.get("registration_number", self.registration_number), "registration_number"
            ),
            vat_number=clean_reference(changes.get("vat_number", self.vat_number), "vat_number"),
            updated_at=now,
        )

    def suspend(self, now: datetime) -> Organization:
        return self._move(OrganizationStatus.SUSPENDED, {OrganizationStatus.ACTIVE}, now)

    def reactivate(self, now: datetime) -> Organization:
        return self._move(OrganizationStatus.ACTIVE, {OrganizationStatus.SUSPENDED}, now)

    def close(self, now: datetime) -> Organization:
        return self._move(
            OrganizationStatus.CLOSED, {OrganizationStatus.ACTIVE, OrganizationStatus.SUSPENDED}, now
        )

    def _move(
        self, target: OrganizationStatus, allowed_from: set[OrganizationStatus], now: datetime
    ) -> Organization:
        if self.status not in allowed_from:
            raise Conflict(
                f"The organization is {self.status.value}: it cannot become {target.value}",
                details={"status": self.status.value},
            )
        return replace(self, status=target, updated_at=now)


@dataclass(frozen=True, slots=True)
class Membership:
    """One user's place in an organization."""

    organization_id: uuid.UUID
    user_id: uuid.UUID
    org_role: OrgRole
    added_at: datetime


@dataclass(frozen=True, slots=True)
class Team:
    """A group inside one organization; service requests can be assigned to it."""

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    description: str | None
    created_at: datetime
    members: frozenset[uuid.UUID] = field(default_factory=frozenset)

    @classmethod
    def form(
        cls,
        organization_id: uuid.UUID,
        *,
        name: str,
        description: str | None,
        now: datetime,
        team_id: uuid.UUID | None = None,
    ) -> Team:
        return cls(
            id=team_id or uuid.uuid4(),
            organization_id=organization_id,
            name=clean_name(name),
            description=clean_description(description),
            created_at=now,
        )

    def with_details(self, changes: Mapping[str, str | None]) -> Team:
        """A new `name` and/or `description` (None clears the description)."""
        name = changes.get("name", self.name)
        if name is None:
            raise _invalid("name", "a team must have a name")
        return replace(
            self,
            name=clean_name(name),
            description=clean_description(changes.get("description", self.description)),
        )


# --------------------------------------------------------------------------- the rules
def standing_of(
    organization_id: uuid.UUID,
    *,
    is_platform_manager: bool,
    membership: Membership | None,
    holds_scoped_manage: bool = False,
) -> Standing:
    """The caller's standing towards `organization_id`; NotFound for outsiders (never 403:
    an outsider cannot tell an existing organization from an unknown id)."""
    if is_platform_manager:
        return Standing.MANAGER
    if membership is None or membership.organization_id != organization_id:
        raise NotFound("Organization not found")
    if membership.org_role is OrgRole.ORG_ADMIN or holds_scoped_manage:
        return Standing.ADMIN
    return Standing.MEMBER


def ensure_manager(standing: Standing) -> None:
    """Status changes and creation belong to platform managers."""
    if standing is not Standing.MANAGER:
        raise _not_allowed()


def ensure_an_org_admin_remains(before: Collection[uuid.UUID], after: Collection[uuid.UUID]) -> None:
    """An organization that has an org_admin keeps at least one (409 otherwise): promote
    another member before demoting or removing the last one."""
    if before and not after:
        raise Conflict("An organization must keep at least one org_admin: appoint another one first")


def ensure_team_member_belongs(team: Team, membership: Membership | None) -> None:
    """A team member must be a member of the team's organization."""
    if membership is None or membership.organization_id != team.organization_id:
        raise _invalid("user_id", "the user is not a member of the team's organization")


def _not_allowed() -> AccessDenied:
    return AccessDenied("Only the organization's administrators can change it")
