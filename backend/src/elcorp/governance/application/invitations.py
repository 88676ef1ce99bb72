"""Organization invitations: how a user joins an organization, with their consent.

- An organization's admins (org admins; platform managers for any organization) invite an
  existing user while the organization is open to changes by them (active; suspended:
  platform managers only); they list, read and cancel its invitations. Plain members get 403,
  anybody else 404, as for the organization's other routes.
- The invitee lists their invitations and accepts or declines one; an invitation of
  someone else is a 404, whatever its state. Accepting makes the membership, with the
  invited `org_role`, in the same transaction; it needs the organization to be active and
  the invitee to belong to no organization yet (409 `GOV_007`).
- Every change is audited in its own transaction (`organization.invitation_sent`,
  `_cancelled`, `_accepted`, `_declined`, and `organization.member_added` on acceptance,
  with the invitee as actor); a new invitation raises `OrganizationInvitationSent` through
  the outbox, and the worker mails the invitee (invitation_mail.py).
- Locks: the organization's row first, then the invitation's, then the invitee's
  membership, as every other change to an organization does; so two answers to one
  invitation apply one after the other (the second gets 409 `GOV_005`), and of two
  acceptances by one user of invitations to two organizations, the database's one-row-
  per-user membership key lets one win (the other gets 409 `GOV_007`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.organizations import audit_actor, standing_towards
from elcorp.governance.application.ports import GovernanceUnitOfWork, UserDirectory
from elcorp.governance.domain.invitations import (
    DEFAULT_TTL,
    AlreadyInAnOrganization,
    Invitation,
    InvitationAlreadyPending,
    InvitationAnswer,
    InvitationStatus,
    OrganizationInvitationSent,
    ensure_free_to_join,
    ensure_not_a_member_yet,
    ensure_not_invited_twice,
)
from elcorp.governance.domain.organizations import (
    Membership,
    Organization,
    OrganizationStatus,
    OrgRole,
    Standing,
)
from elcorp.shared.application.audit import Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, Conflict, NotFound, ValidationFailed


@dataclass(frozen=True, slots=True)
class InvitationView:
    """An invitation as read now: its organization's name and its status at this moment
    (a pending invitation past its expiry reads `expired`)."""

    invitation: Invitation
    organization_name: str
    status: InvitationStatus


def _facts(invitation: Invitation) -> dict[str, object]:
    return {
        "invitation_id": str(invitation.id),
        "user_id": str(invitation.user_id),
        "org_role": invitation.org_role.value,
        "status": invitation.status.value,
        "expires_at": invitation.expires_at.isoformat(),
    }


class OrganizationInvitations:
    def __init__(
        self,
        uow: Callable[[], GovernanceUnitOfWork],
        access: AccessControl,
        users: UserDirectory,
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._ttl = ttl
        self._clock = clock or SystemClock()

    # -- the organization's side ----------------------------------------------------------
    def invite(
        self, actor: uuid.UUID, organization_id: uuid.UUID, user_id: uuid.UUID, org_role: OrgRole
    ) -> InvitationView:
        """Invite an existing user to join with `org_role`; they become a member only when
        they accept. A lapsed invitation of the same user is stored as expired first."""
        with self._uow() as uow:
            standing = standing_towards(self._access, uow, actor, organization_id)
            organization = self._organization(uow, organization_id, for_update=True)
            organization.ensure_changeable_by(standing)
            if not self._users.exists(user_id):
                raise ValidationFailed(details=[{"field": "user_id", "message": "no such user"}])
            store = uow.organizations
            ensure_not_a_member_yet(store.membership_of(user_id), organization_id)
            now = self._clock.now()
            pending = store.pending_invitation(organization_id, user_id, for_update=True)
            ensure_not_invited_twice(pending, now)
            if pending is not None:
                store.save_invitation(pending.lapse(now))
            invitation = Invitation.send(
                organization_id, user_id, org_role, invited_by=actor, now=now, ttl=self._ttl
            )
            if not store.add_invitation(invitation):
                raise InvitationAlreadyPending()
            uow.audit.record(
                "organization.invitation_sent",
                audit_actor(self._access, actor),
                Resource("organization", str(organization_id)),
                Changes(after=_facts(invitation)),
            )
            uow.publish(
                OrganizationInvitationSent(
                    occurred_at=now,
                    invitation_id=invitation.id,
                    organization_id=organization_id,
                    user_id=user_id,
                    org_role=org_role.value,
                    expires_at=invitation.expires_at,
                )
            )
            uow.commit()
        return InvitationView(invitation, organization.name, invitation.status)

    def invitations_to(
        self, actor: uuid.UUID, organization_id: uuid.UUID, page: PageRequest
    ) -> Page[InvitationView]:
        """A page of the organization's invitations, newest first: for its admins only."""
        with self._uow() as uow:
            organization = self._as_admin(uow, actor, organization_id)
            found, total = uow.organizations.invitations_to(
                organization_id, offset=page.offset, limit=page.per_page
            )
        now = self._clock.now()
        views = [InvitationView(i, organization.name, i.status_at(now)) for i in found]
        return Page(views, page.page, page.per_page, total, offset=page.offset)

    def invitation_to(
        self, actor: uuid.UUID, organization_id: uuid.UUID, invitation_id: uuid.UUID
    ) -> InvitationView:
        """One of the organization's invitations: for its admins only (404 for another
        organization's)."""
        with self._uow() as uow:
            organization = self._as_admin(uow, actor, organization_id)
            invitation = uow.organizations.get_invitation(invitation_id)
        if invitation is None or invitation.organization_id != organization_id:
            raise NotFound("Invitation not found")
        return InvitationView(invitation, organization.name, invitation.status_at(self._clock.now()))

    def cancel(
        self, actor: uuid.UUID, organization_id: uuid.UUID, invitation_id: uuid.UUID
    ) -> InvitationView:
        """Withdraw a pending invitation (any admin of the organization, even once it is
        suspended or closed: withdrawing never lets anybody in)."""
        with self._uow() as uow:
            standing = standing_towards(self._access, uow, actor, organization_id)
            organization = self._organization(uow, organization_id, for_update=True)
            invitation = uow.organizations.get_invitation(invitation_id, for_update=True)
            if invitation is None or invitation.organization_id != organization_id:
                raise NotFound("Invitation not found")
            cancelled = invitation.cancel(by=actor, standing=standing, now=self._clock.now())
            uow.organizations.save_invitation(cancelled)
            uow.audit.record(
                "organization.invitation_cancelled",
                audit_actor(self._access, actor),
                Resource("organization", str(organization_id)),
                Changes(before={"status": invitation.status.value}, after=_facts(cancelled)),
            )
            uow.commit()
        return InvitationView(cancelled, organization.name, cancelled.status)

    # -- the invitee's side ---------------------------------------------------------------
    def my_invitations(self, actor: uuid.UUID, page: PageRequest) -> Page[InvitationView]:
        """A page of the caller's invitations, newest first, whatever their state."""
        with self._uow() as uow:
            found, total = uow.organizations.invitations_for(actor, offset=page.offset, limit=page.per_page)
            names = {i.organization_id: self._organization(uow, i.organization_id).name for i in found}
        now = self._clock.now()
        views = [InvitationView(i, names[i.organization_id], i.status_at(now)) for i in found]
        return Page(views, page.page, page.per_page, total, offset=page.offset)

    def answer(self, actor: uuid.UUID, invitation_id: uuid.UUID, answer: InvitationAnswer) -> InvitationView:
        """The invitee accepts (the membership is made now) or declines."""
        with self._uow() as uow:
            store = uow.organizations
            seen = store.get_invitation(invitation_id)
            if seen is None or seen.user_id != actor:
                raise NotFound("Invitation not found")
            organization = self._organization(uow, seen.organization_id, for_update=True)
            invitation = store.get_invitation(invitation_id, for_update=True)
            if invitation is None:
                raise NotFound("Invitation not found")
            now = self._clock.now()
            decided = invitation.answer(answer, by=actor, now=now)
            resource = Resource("organization", str(organization.id))
            who = audit_actor(self._access, actor)
            if answer is InvitationAnswer.ACCEPT:
                self._join(uow, organization, invitation, now)
                uow.audit.record(
                    "organization.member_added",
                    who,
                    resource,
                    Changes(
                        after={
                            "user_id": str(actor),
                            "org_role": invitation.org_role.value,
                            "invitation_id": str(invitation.id),
                        }
                    ),
                )
            store.save_invitation(decided)
            uow.audit.record(
                f"organization.invitation_{decided.status.value}",
                who,
                resource,
                Changes(before={"status": invitation.status.value}, after=_facts(decided)),
            )
            uow.commit()
        return InvitationView(decided, organization.name, decided.status)

    # -- helpers ---------------------------------------------------------------------------
    def _as_admin(
        self, uow: GovernanceUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID
    ) -> Organization:
        """The organization, once the caller is one of its admins (403 for a plain member,
        404 for anybody else)."""
        standing = standing_towards(self._access, uow, actor, organization_id)
        if standing is Standing.MEMBER:
            raise AccessDenied("Only the organization's administrators see its invitations")
        return self._organization(uow, organization_id)

    @staticmethod
    def _join(
        uow: GovernanceUnitOfWork, organization: Organization, invitation: Invitation, now: datetime
    ) -> None:
        if organization.status is not OrganizationStatus.ACTIVE:
            raise Conflict(
                f"The organization is {organization.status.value}: it takes no new members",
                details={"status": organization.status.value},
            )
        store = uow.organizations
        ensure_free_to_join(store.membership_of(invitation.user_id, for_update=True))
        membership = Membership(organization.id, invitation.user_id, invitation.org_role, now)
        # Another acceptance by the same user may have committed meanwhile: the membership
        # key (one row per user) lets only one in.
        if not store.add_member(membership, invitation.invited_by or invitation.user_id):
            raise AlreadyInAnOrganization(
                "You already belong to an organization: leave it before accepting this invitation"
            )

    @staticmethod
    def _organization(
        uow: GovernanceUnitOfWork, organization_id: uuid.UUID, *, for_update: bool = False
    ) -> Organization:
        found = uow.organizations.get(organization_id, for_update=for_update)
        if found is None:
            raise NotFound("Organization not found")
        return found
