"""Organizations themselves: listing, reading, registering, changing their details and
their status (suspend, reactivate, close).

Platform managers (`organization:manage` at scope `all`) register organizations and change
their status; an organization's admins change its details while it is active; its members
read it. The name, registration number and VAT number are unique across organizations
(409 `RES_002`, naming the clashing fields).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.organization_access import (
    MANAGE,
    audit_actor,
    for_change,
    is_platform_manager,
    name_or_number_taken,
    organization_or_404,
    standing_towards,
)
from elcorp.governance.application.ports import GovernanceUnitOfWork, UserDirectory
from elcorp.governance.domain.organizations import (
    Membership,
    Organization,
    OrganizationStatus,
    OrgRole,
    ensure_manager,
)
from elcorp.shared.application.audit import Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, ValidationFailed

# The audit action of each status an organization is moved to.
STATUS_ACTION = {
    OrganizationStatus.SUSPENDED: "organization.suspended",
    OrganizationStatus.ACTIVE: "organization.reactivated",
    OrganizationStatus.CLOSED: "organization.closed",
}


def organization_audit(organization: Organization) -> dict[str, object]:
    return {
        "name": organization.name,
        "registration_number": organization.registration_number,
        "vat_number": organization.vat_number,
        "status": organization.status.value,
    }


class OrganizationRegistry:
    def __init__(
        self,
        uow: Callable[[], GovernanceUnitOfWork],
        access: AccessControl,
        users: UserDirectory,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._clock = clock

    # -- reads -----------------------------------------------------------------------------
    def list_organizations(
        self, actor: uuid.UUID, page: PageRequest, *, status: str | None, text: str | None
    ) -> Page[Organization]:
        """Platform managers: every organization, filtered. Anyone else: their own one."""
        with self._uow() as uow:
            if is_platform_manager(self._access, actor):
                found, total = uow.organizations.search(
                    status=status, text=text, offset=page.offset, limit=page.per_page
                )
                return Page(found, page.page, page.per_page, total, offset=page.offset)
            membership = uow.organizations.membership_of(actor)
            own = None if membership is None else uow.organizations.get(membership.organization_id)
        matches = own is not None and (status is None or own.status.value == status)
        matches = matches and (not text or (own is not None and text.lower() in own.name.lower()))
        items = [own] if matches and own is not None and page.offset == 0 else []
        return Page(items, page.page, page.per_page, 1 if matches else 0, offset=page.offset)

    def get_organization(self, actor: uuid.UUID, organization_id: uuid.UUID) -> Organization:
        with self._uow() as uow:
            standing_towards(self._access, uow, actor, organization_id)
            return organization_or_404(uow, organization_id)

    # -- changes ---------------------------------------------------------------------------
    def create_organization(
        self,
        actor: uuid.UUID,
        *,
        name: str,
        registration_number: str | None,
        vat_number: str | None,
        admin_user_id: uuid.UUID | None = None,
    ) -> Organization:
        """A new, active organization; `admin_user_id` becomes its first org_admin."""
        if not is_platform_manager(self._access, actor):
            raise AccessDenied(f"Creating organizations needs {MANAGE} with scope all")
        now = self._clock.now()
        organization = Organization.register(
            name=name, registration_number=registration_number, vat_number=vat_number, now=now
        )
        if admin_user_id is not None and not self._users.exists(admin_user_id):
            raise ValidationFailed(details=[{"field": "admin_user_id", "message": "no such user"}])
        with self._uow() as uow:
            _ensure_unique(uow, organization)
            if not uow.organizations.add(organization, actor):
                raise name_or_number_taken()
            after = organization_audit(organization)
            if admin_user_id is not None:
                first = Membership(organization.id, admin_user_id, OrgRole.ORG_ADMIN, now)
                _add_first_admin(uow, first, actor)
                after["admin_user_id"] = str(admin_user_id)
            uow.audit.record(
                "organization.created",
                audit_actor(self._access, actor),
                Resource("organization", str(organization.id)),
                Changes(after=after),
            )
            uow.commit()
        return organization

    def update_organization(
        self, actor: uuid.UUID, organization_id: uuid.UUID, changes: Mapping[str, str | None]
    ) -> Organization:
        """Change the name, registration number or VAT number (not the status)."""
        with self._uow() as uow:
            standing, before = for_change(self._access, uow, actor, organization_id)
            before.ensure_changeable_by(standing)
            after = before.with_details(self._clock.now(), changes)
            if replace(after, updated_at=before.updated_at) == before:
                return before
            _ensure_unique(uow, after)
            if not uow.organizations.save(after):
                raise name_or_number_taken()
            uow.audit.record(
                "organization.updated",
                audit_actor(self._access, actor),
                Resource("organization", str(organization_id)),
                Changes(organization_audit(before), organization_audit(after)),
            )
            uow.commit()
        return after

    def change_status(
        self, actor: uuid.UUID, organization_id: uuid.UUID, target: OrganizationStatus
    ) -> Organization:
        """Suspend, reactivate or close (platform managers only)."""
        with self._uow() as uow:
            standing, before = for_change(self._access, uow, actor, organization_id)
            ensure_manager(standing)
            now = self._clock.now()
            if target is OrganizationStatus.SUSPENDED:
                after = before.suspend(now)
            elif target is OrganizationStatus.ACTIVE:
                after = before.reactivate(now)
            else:
                after = before.close(now)
            uow.organizations.save(after)
            uow.audit.record(
                STATUS_ACTION[target],
                audit_actor(self._access, actor),
                Resource("organization", str(organization_id)),
                Changes({"status": before.status.value}, {"status": after.status.value}),
            )
            uow.commit()
        return after


def _add_first_admin(uow: GovernanceUnitOfWork, first: Membership, actor: uuid.UUID) -> None:
    if not uow.organizations.add_member(first, actor):
        raise AlreadyExists(
            "The user already belongs to an organization",
            details=[{"field": "admin_user_id"}],
        )


def _ensure_unique(uow: GovernanceUnitOfWork, organization: Organization) -> None:
    clashes = uow.organizations.clashes(organization)
    if clashes:
        raise AlreadyExists(
            "Another organization already uses this " + " and ".join(c.replace("_", " ") for c in clashes),
            details=[{"field": c} for c in clashes],
        )
