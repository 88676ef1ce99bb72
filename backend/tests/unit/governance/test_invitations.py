"""Organization invitations (domain/invitations.py): who answers, once, before expiry; one
pending invitation at a time; one organization per user; direct adds. No I/O."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from elcorp.governance.domain.invitations import (
    AlreadyInAnOrganization,
    Invitation,
    InvitationAlreadyPending,
    InvitationAnswer,
    InvitationExpired,
    InvitationNotPending,
    InvitationRequired,
    InvitationStatus,
    ensure_direct_add_allowed,
    ensure_free_to_join,
    ensure_not_a_member_yet,
    ensure_not_invited_twice,
)
from elcorp.governance.domain.organizations import Membership, OrgRole, Standing
from elcorp.shared.domain.errors import AccessDenied, NotFound, ValidationFailed

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ORG, OTHER_ORG = uuid.uuid4(), uuid.uuid4()
ADMIN, INVITEE = uuid.uuid4(), uuid.uuid4()


def invitation(ttl: timedelta = timedelta(days=7)) -> Invitation:
    return Invitation.send(ORG, INVITEE, OrgRole.MEMBER, invited_by=ADMIN, now=NOW, ttl=ttl)


def test_a_new_invitation_is_pending_until_it_expires():
    sent = invitation()
    assert sent.status_at(NOW) is InvitationStatus.PENDING
    assert sent.expires_at == NOW + timedelta(days=7)
    assert sent.status_at(NOW + timedelta(days=7)) is InvitationStatus.EXPIRED


@pytest.mark.parametrize("answer", list(InvitationAnswer))
def test_only_the_invitee_answers_anybody_else_is_told_it_does_not_exist(answer):
    with pytest.raises(NotFound):
        invitation().answer(answer, by=ADMIN, now=NOW)
    decided = invitation().answer(answer, by=INVITEE, now=NOW)
    assert (decided.status, decided.decided_by, decided.decided_at) == (answer.outcome, INVITEE, NOW)


def test_an_invitation_is_answered_once():
    accepted = invitation().answer(InvitationAnswer.ACCEPT, by=INVITEE, now=NOW)
    with pytest.raises(InvitationNotPending) as again:
        accepted.answer(InvitationAnswer.DECLINE, by=INVITEE, now=NOW)
    assert again.value.code == "GOV_005"
    assert again.value.details == {"status": "accepted"}


def test_an_expired_invitation_cannot_be_answered_but_lapses_to_make_room():
    later = NOW + timedelta(days=8)
    with pytest.raises(InvitationExpired) as late:
        invitation().answer(InvitationAnswer.ACCEPT, by=INVITEE, now=later)
    assert late.value.code == "GOV_006"
    lapsed = invitation().lapse(later)
    assert (lapsed.status, lapsed.decided_at) == (InvitationStatus.EXPIRED, later)
    with pytest.raises(InvitationNotPending):
        invitation().lapse(NOW)  # still open: nothing to lapse


def test_admins_cancel_an_open_invitation_members_do_not():
    with pytest.raises(AccessDenied):
        invitation().cancel(by=INVITEE, standing=Standing.MEMBER, now=NOW)
    for standing in (Standing.ADMIN, Standing.MANAGER):
        cancelled = invitation().cancel(by=ADMIN, standing=standing, now=NOW)
        assert cancelled.status is InvitationStatus.CANCELLED
    with pytest.raises(InvitationNotPending):
        cancelled.cancel(by=ADMIN, standing=Standing.ADMIN, now=NOW)


def test_one_open_invitation_per_user_and_organization():
    with pytest.raises(InvitationAlreadyPending) as twice:
        ensure_not_invited_twice(invitation(), NOW)
    assert twice.value.code == "GOV_004"
    ensure_not_invited_twice(None, NOW)
    ensure_not_invited_twice(invitation(), NOW + timedelta(days=7))  # lapsed: a new one may go


def test_one_organization_per_user():
    elsewhere = Membership(OTHER_ORG, INVITEE, OrgRole.MEMBER, NOW)
    ensure_not_a_member_yet(elsewhere, ORG)  # may be invited; must leave before accepting
    with pytest.raises(AlreadyInAnOrganization):
        ensure_not_a_member_yet(Membership(ORG, INVITEE, OrgRole.MEMBER, NOW), ORG)
    with pytest.raises(AlreadyInAnOrganization) as taken:
        ensure_free_to_join(elsewhere)
    assert taken.value.code == "GOV_007"
    ensure_free_to_join(None)


def test_only_platform_managers_add_directly_and_only_with_a_reason():
    for standing in (Standing.ADMIN, Standing.MEMBER):
        with pytest.raises(InvitationRequired) as refused:
            ensure_direct_add_allowed(standing, "because")
        assert refused.value.code == "GOV_008"
    for reason in (None, "", "   ", "x" * 501):
        with pytest.raises(ValidationFailed):
            ensure_direct_add_allowed(Standing.MANAGER, reason)
    assert ensure_direct_add_allowed(Standing.MANAGER, "  account merge  ") == "account merge"
