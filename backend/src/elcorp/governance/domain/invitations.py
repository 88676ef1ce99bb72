"""Invitations to join an organization: nobody becomes a member without saying yes.

- An org admin (or a platform manager) invites an existing user with the `org_role` they
  would get. The invitation is `pending` until the invitee accepts or declines it, an
  admin of the organization cancels it, or it lapses `ttl` after it was sent (`expired`).
- Only the invitee answers; to anybody else the invitation does not exist (404, so ids
  cannot be probed). A decided or lapsed invitation cannot be answered again (409
  `GOV_005`, `GOV_006`).
- One pending invitation per user and organization (409 `GOV_004`); a new one may be sent
  once the last was declined, cancelled or has lapsed.
- A user belongs to one organization at most: a member of this organization is not invited
  (409 `GOV_007`), and a member of another one cannot accept before leaving it (409
  `GOV_007`).
- Adding a user directly, without their consent, is for platform managers only, with a
  reason for the audit trail (403 `GOV_008` for anyone else).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from elcorp.governance.domain.organizations import Membership, OrgRole, Standing
from elcorp.shared.domain.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from elcorp.shared.domain.events import DomainEvent

DEFAULT_TTL = timedelta(days=7)
REASON_MAX = 500


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class InvitationAnswer(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"

    @property
    def outcome(self) -> InvitationStatus:
        return InvitationStatus.ACCEPTED if self is InvitationAnswer.ACCEPT else InvitationStatus.DECLINED


class InvitationAlreadyPending(Conflict):
    code = "GOV_004"
    default_message = "The user already has a pending invitation to this organization"


class InvitationNotPending(Conflict):
    code = "GOV_005"
    default_message = "This invitation is no longer pending"


class InvitationExpired(Conflict):
    code = "GOV_006"
    default_message = "This invitation has expired: ask for a new one"


class AlreadyInAnOrganization(Conflict):
    code = "GOV_007"
    default_message = "The user already belongs to an organization"


class InvitationRequired(AccessDenied):
    code = "GOV_008"
    default_message = (
        "A user joins an organization by accepting an invitation: "
        "POST /organizations/{id}/invitations (direct adds are for platform managers, with a reason)"
    )


@dataclass(frozen=True, kw_only=True)
class OrganizationInvitationSent(DomainEvent):
    """A user was invited to an organization: the invitee is told by mail (outbox)."""

    event_type = "governance.OrganizationInvitationSent"
    invitation_id: uuid.UUID
    organization_id: uuid.UUID
    user_id: uuid.UUID
    org_role: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Invitation:
    """One invitation of one user to one organization. Its verbs return the decided one."""

    id: uuid.UUID
    organization_id: uuid.UUID
    user_id: uuid.UUID
    org_role: OrgRole
    status: InvitationStatus
    invited_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None = None
    decided_by: uuid.UUID | None = None

    @classmethod
    def send(
        cls,
        organization_id: uuid.UUID,
        user_id: uuid.UUID,
        org_role: OrgRole,
        *,
        invited_by: uuid.UUID,
        now: datetime,
        ttl: timedelta = DEFAULT_TTL,
    ) -> Invitation:
        """A new pending invitation, good for `ttl`."""
        if ttl <= timedelta(0):
            raise ValueError("an invitation must be good for some time")
        return cls(
            id=uuid.uuid4(),
            organization_id=organization_id,
            user_id=user_id,
            org_role=org_role,
            status=InvitationStatus.PENDING,
            invited_by=invited_by,
            created_at=now,
            expires_at=now + ttl,
        )

    def status_at(self, now: datetime) -> InvitationStatus:
        """The status as seen at `now`: a pending invitation past its expiry has lapsed."""
        if self.status is InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.status

    def is_open_at(self, now: datetime) -> bool:
        return self.status_at(now) is InvitationStatus.PENDING

    def answer(self, answer: InvitationAnswer, *, by: uuid.UUID, now: datetime) -> Invitation:
        """The invitee accepts or declines; anybody else is told it does not exist."""
        if by != self.user_id:
            raise NotFound("Invitation not found")
        self._ensure_open(now)
        return replace(self, status=answer.outcome, decided_at=now, decided_by=by)

    def cancel(self, *, by: uuid.UUID, standing: Standing, now: datetime) -> Invitation:
        """An admin of the organization (or a platform manager) withdraws it."""
        if standing is Standing.MEMBER:
            raise AccessDenied("Only the organization's administrators cancel its invitations")
        self._ensure_open(now)
        return replace(self, status=InvitationStatus.CANCELLED, decided_at=now, decided_by=by)

    def lapse(self, now: datetime) -> Invitation:
        """Store a pending invitation past its expiry as `expired` (so a new one can be sent)."""
        if self.status_at(now) is not InvitationStatus.EXPIRED or self.status is not InvitationStatus.PENDING:
            raise InvitationNotPending(details={"status": self.status_at(now).value})
        return replace(self, status=InvitationStatus.EXPIRED, decided_at=now)

    def _ensure_open(self, now: datetime) -> None:
        status = self.status_at(now)
        if status is InvitationStatus.EXPIRED:
            raise InvitationExpired(
                details={"status": status.value, "expires_at": self.expires_at.isoformat()}
            )
        if status is not InvitationStatus.PENDING:
            raise InvitationNotPending(
                f"This invitation was already {status.value}", details={"status": status.value}
            )


# --------------------------------------------------------------------------- the rules
def ensure_not_invited_twice(pending: Invitation | None, now: datetime) -> None:
    """One open invitation per user and organization (409 `GOV_004`)."""
    if pending is not None and pending.is_open_at(now):
        raise InvitationAlreadyPending(details={"invitation_id": str(pending.id)})


def ensure_not_a_member_yet(membership: Membership | None, organization_id: uuid.UUID) -> None:
    """Inviting a member of this very organization is pointless (409 `GOV_007`); a member of
    another one may be invited, but must leave it before accepting."""
    if membership is not None and membership.organization_id == organization_id:
        raise AlreadyInAnOrganization("The user is already a member of this organization")


def ensure_free_to_join(membership: Membership | None) -> None:
    """A user belongs to one organization at most: leave the current one first (409 `GOV_007`)."""
    if membership is not None:
        raise AlreadyInAnOrganization(
            "You already belong to an organization: leave it before accepting this invitation",
            details={"organization_id": str(membership.organization_id)},
        )


def ensure_direct_add_allowed(standing: Standing, reason: str | None) -> str:
    """Adding a user without their consent: platform managers only (403 `GOV_008`), and
    with a reason, kept in the audit trail (422 otherwise). Returns the trimmed reason."""
    if standing is not Standing.MANAGER:
        raise InvitationRequired()
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(
            details=[{"field": "reason", "message": "required to add a user without an invitation"}]
        )
    if len(text) > REASON_MAX:
        raise ValidationFailed(details=[{"field": "reason", "message": f"at most {REASON_MAX} characters"}])
    return text
