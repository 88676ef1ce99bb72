"""A deleted account leaves its organization and its teams (through the outbox)."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from elcorp.identity.application.results import Principal
from support.audit import audit_entries
from support.governance import join, make_organization
from support.identity import grant_roles, signed_in


def test_deleting_an_account_ends_its_membership_and_team_places(client, container):
    admin = signed_in(client)
    grant_roles(container, admin, "admin")
    member, other = signed_in(client), signed_in(client)
    org = make_organization(container, "Deletion Test Ltd")
    join(container, org, member, org_role="org_admin")
    join(container, org, other)
    with container.session_factory() as session:
        team = session.execute(
            text("INSERT INTO team (organization_id, name) VALUES (:o, 'Tellers') RETURNING id"), {"o": org}
        ).scalar_one()
        session.execute(
            text("INSERT INTO team_member (team_id, organization_id, user_id) VALUES (:t, :o, :u)"),
            {"t": team, "o": org, "u": member.id},
        )
        session.commit()

    principal = Principal(uuid.UUID(admin.id), uuid.uuid4(), "jti", 0.0, mfa=True)
    container.identity.admin.delete_user(principal, uuid.UUID(member.id), "left the company")
    container.outbox.dispatch_pending()

    with container.session_factory() as session:
        members = set(
            session.execute(
                text("SELECT user_id::text FROM organization_member WHERE organization_id = :o"), {"o": org}
            ).scalars()
        )
        places = session.execute(
            text("SELECT count(*) FROM team_member WHERE user_id = :u"), {"u": member.id}
        ).scalar()
    assert members == {other.id}
    assert places == 0
    (entry,) = [
        e for e in audit_entries(container, "organization.member_removed") if e["resource_id"] == str(org)
    ]
    assert entry["changes"]["before"]["user_id"] == member.id
    assert entry["reason"] == "account deleted" and entry["actor_id"] == "system"
    container.outbox.dispatch_pending()  # a second delivery changes nothing
