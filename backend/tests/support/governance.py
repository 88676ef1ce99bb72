"""Organizations and memberships written straight into the tables, for tests of other
features that only need them to exist."""

from __future__ import annotations

import uuid

from sqlalchemy import text


def make_organization(container, name: str) -> uuid.UUID:
    with container.session_factory() as session:
        org_id: uuid.UUID = session.execute(
            text("INSERT INTO organization (name) VALUES (:name) RETURNING id"), {"name": name}
        ).scalar_one()
        session.commit()
    return org_id


def join(container, org_id: uuid.UUID | str, *users, org_role: str = "member") -> None:
    with container.session_factory() as session:
        for user in users:
            session.execute(
                text(
                    "INSERT INTO organization_member (organization_id, user_id, org_role) VALUES (:o, :u, :r)"
                ),
                {"o": org_id, "u": user.id, "r": org_role},
            )
        session.commit()


def make_team(container, org_id: uuid.UUID | str, name: str, *members) -> uuid.UUID:
    """A team of the organization with these members (who must already belong to it)."""
    with container.session_factory() as session:
        team_id: uuid.UUID = session.execute(
            text("INSERT INTO team (organization_id, name) VALUES (:o, :n) RETURNING id"),
            {"o": org_id, "n": name},
        ).scalar_one()
        for user in members:
            session.execute(
                text("INSERT INTO team_member (team_id, organization_id, user_id) VALUES (:t, :o, :u)"),
                {"t": team_id, "o": org_id, "u": user.id},
            )
        session.commit()
    return team_id
