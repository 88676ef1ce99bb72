"""Two administrators, each removing the other's `admin` role at the same moment, in their
own transactions on a database committed for real: the role row lock lets exactly one
succeed, so the platform is never left without an administrator."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import text

from elcorp.identity.application.results import Principal
from elcorp.main import create_app
from elcorp.shared.domain.errors import DomainError
from support.committed import committed_container
from support.identity import grant_roles, signed_in

ROUNDS = 5


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_admin_race", pool_size=8
    ) as container:
        yield container, create_app(container=container).test_client()


def race(container, client, act) -> dict[str, str]:
    """Two fresh users, the only administrators, each running `act(actor, target)` against
    the other at the same moment; returns each actor's outcome (`ok` or an error code)."""
    first, second = signed_in(client), signed_in(client)
    with container.session_factory() as session:
        session.execute(text("DELETE FROM user_role USING role WHERE role.id = role_id AND name = 'admin'"))
        session.commit()
    for user in (first, second):
        grant_roles(container, user, "admin")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(actor, target) -> None:
        barrier.wait()
        try:
            act(actor, target)
            outcomes[actor.id] = "ok"
        except DomainError as error:
            outcomes[actor.id] = str(error.code)

    threads = [threading.Thread(target=run, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_admins_removing_each_other_leave_one_admin(committed):
    container, client = committed

    def demote(actor, target) -> None:
        container.roles.assign_roles(uuid.UUID(actor.id), uuid.UUID(target.id), ["user"])

    for _ in range(ROUNDS):
        outcomes = race(container, client, demote)
        refused = [o for o in outcomes.values() if o != "ok"]
        # The loser is refused as the last administrator, or (once demoted) as no longer
        # holding the admin role's permissions itself.
        assert len(refused) == 1 and refused[0] in ("RES_005", "ACC_001"), outcomes
        with container.session_factory() as session:
            admins = session.execute(
                text("SELECT count(*) FROM user_role JOIN role ON role.id = role_id WHERE name = 'admin'")
            ).scalar()
        assert admins == 1


def test_two_admins_deleting_each_other_leave_one_admin(committed):
    container, client = committed

    def delete(actor, target) -> None:
        principal = Principal(uuid.UUID(actor.id), uuid.uuid4(), "jti", 0.0, mfa=True)
        container.identity.admin.delete_user(principal, uuid.UUID(target.id), "test")

    for _ in range(ROUNDS):
        outcomes = race(container, client, delete)
        assert sorted(outcomes.values()) == ["RES_005", "ok"], outcomes
