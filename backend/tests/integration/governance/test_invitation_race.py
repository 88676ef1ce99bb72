"""Two acceptances at the same moment, in their own transactions on a database committed for
real: one invitation accepted twice makes one membership (the other answer gets 409
`GOV_005`), and one user accepting invitations to two organizations at once ends up in one
of them (the other gets 409 `GOV_007`)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import text

from elcorp.governance.domain.invitations import InvitationAnswer
from elcorp.governance.domain.organizations import OrgRole
from elcorp.main import create_app
from elcorp.shared.domain.errors import DomainError
from support.committed import committed_container
from support.governance import join, make_organization
from support.identity import signed_in

ROUNDS = 3


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_invitation_race", pool_size=8
    ) as container:
        yield container, create_app(container=container).test_client()


def at_once(*acts: Callable[[], object]) -> list[str]:
    """Run the acts in threads released together; each outcome is `ok` or an error code."""
    barrier = threading.Barrier(len(acts))
    outcomes: list[str] = [""] * len(acts)

    def run(n: int, act: Callable[[], object]) -> None:
        barrier.wait()
        try:
            act()
            outcomes[n] = "ok"
        except DomainError as error:
            outcomes[n] = str(error.code)

    threads = [threading.Thread(target=run, args=(n, act)) for n, act in enumerate(acts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def organization_with_admin(container, client, name: str) -> tuple[uuid.UUID, uuid.UUID]:
    org_id, org_admin = make_organization(container, name), signed_in(client)
    join(container, org_id, org_admin, org_role="org_admin")
    return org_id, uuid.UUID(org_admin.id)


def memberships(container, user_id: uuid.UUID) -> int:
    with container.session_factory() as session:
        return int(
            session.execute(
                text("SELECT count(*) FROM organization_member WHERE user_id = :u"), {"u": user_id}
            ).scalar_one()
        )


def test_one_invitation_accepted_twice_at_once_is_accepted_once(committed):
    container, client = committed
    invitations = container.organization_invitations
    for round_ in range(ROUNDS):
        org_id, org_admin = organization_with_admin(container, client, f"Race Co {round_}")
        user = uuid.UUID(signed_in(client).id)
        sent = invitations.invite(org_admin, org_id, user, OrgRole.MEMBER).invitation

        def accept(sent_id: uuid.UUID = sent.id, invitee: uuid.UUID = user) -> None:
            invitations.answer(invitee, sent_id, InvitationAnswer.ACCEPT)

        assert sorted(at_once(accept, accept)) == ["GOV_005", "ok"]
        assert memberships(container, user) == 1


def test_invitations_to_two_organizations_accepted_at_once_make_one_membership(committed):
    container, client = committed
    invitations = container.organization_invitations
    for round_ in range(ROUNDS):
        first, first_admin = organization_with_admin(container, client, f"North Co {round_}")
        second, second_admin = organization_with_admin(container, client, f"South Co {round_}")
        user = uuid.UUID(signed_in(client).id)
        to_first = invitations.invite(first_admin, first, user, OrgRole.MEMBER).invitation
        to_second = invitations.invite(second_admin, second, user, OrgRole.MEMBER).invitation

        outcomes = at_once(
            lambda i=to_first.id, u=user: invitations.answer(u, i, InvitationAnswer.ACCEPT),
            lambda i=to_second.id, u=user: invitations.answer(u, i, InvitationAnswer.ACCEPT),
        )
        assert sorted(outcomes) == ["GOV_007", "ok"]
        assert memberships(container, user) == 1
