"""The invitee's mail: sent by an outbox handler in the Celery worker when a user is invited
to an organization, if the invitation is still pending when the worker runs (one cancelled
in the meantime sends nothing). The body names the organization, the role offered, the
expiry and the routes to answer; nothing else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from elcorp.governance.application.ports import GovernanceUnitOfWork
from elcorp.governance.domain.invitations import OrganizationInvitationSent
from elcorp.shared.application.mail import Contacts, EmailSender
from elcorp.shared.domain.clock import Clock, SystemClock

logger = logging.getLogger(__name__)


@dataclass
class InvitationMailer:
    uow: Callable[[], GovernanceUnitOfWork]
    contacts: Contacts
    sender: EmailSender
    public_base_url: str
    clock: Clock = field(default_factory=SystemClock)

    def on_invited(self, event: OrganizationInvitationSent) -> None:
        """Tell the invitee they were invited, and how to accept or decline."""
        with self.uow() as uow:
            invitation = uow.organizations.get_invitation(event.invitation_id)
            organization = None if invitation is None else uow.organizations.get(invitation.organization_id)
        if invitation is None or organization is None or not invitation.is_open_at(self.clock.now()):
            return
        base = f"{self.public_base_url}/api/v1/organizations/invitations/{invitation.id}"
        role = "an administrator" if invitation.org_role.value == "org_admin" else "a member"
        body = (
            f"You are invited to join {organization.name} on Elcorp as {role}.\n\n"
            f"Nothing changes unless you accept. The invitation expires on "
            f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC.\n\n"
            f"Accept:  POST {base}/accept\nDecline: POST {base}/decline\n"
            f"Your invitations: GET {self.public_base_url}/api/v1/me/organization-invitations\n\n"
            "If you did not expect this invitation, decline it or ignore this message.\n"
        )
        for user_id, address in sorted(self.contacts.addresses(frozenset({invitation.user_id})).items()):
            self.sender.send(address, f"Invitation to join {organization.name}", body)
            logger.info(
                "organization.invitation_notified user_id=%s invitation_id=%s", user_id, invitation.id
            )
