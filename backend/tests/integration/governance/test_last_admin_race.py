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


def test_two_admins_removing_each_other_leave_one_admin(committed):
    container, client = committed
    for _ in range(ROUNDS):
        first, second = signed_in(client), signed_in(client)
        with container.session_factory() as session:  # only these two are administrators
            session.execute(
                text("DELETE FROM user_role USING role WHERE role.id = role_id AND name = 'admin'")
            )
            session.commit()
        for user in (first, second):
            grant_roles(container, user, "admin")
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def demote(actor, target, barrier=barrier, outcomes=outcomes) -> None:
            barrier.wait()
            try:
                container.roles.assign_roles(uuid.UUID(actor.id), uuid.UUID(target.id), ["user"])
                outcomes[actor.id] = "ok"
            except DomainError as error:
                outcomes[actor.id] = error.code.value

        threads = [
            threading.Thread(target=demote, args=(first, second)),
            threading.Thread(target=demote, args=(second, first)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values())[-1] == "ok", outcomes
        assert list(outcomes.values()).count("ok") == 1, outcomes
        with container.session_factory() as session:
            admins = session.execute(
                text("SELECT count(*) FROM user_role JOIN role ON role.id = role_id WHERE name = 'admin'")
            ).scalar()
        assert admins == 1


def test_two_admins_deleting_each_other_leave_one_admin(committed):
    container, client = committed
    for _ in range(ROUNDS):
        first, second = signed_in(client), signed_in(client)
        with container.session_factory() as session:
            session.execute(
                text("DELETE FROM user_role USING role WHERE role.id = role_id AND name = 'admin'")
            )
            session.commit()
        for user in (first, second):
            grant_roles(container, user, "admin")
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def delete(actor, target, barrier=barrier, outcomes=outcomes) -> None:
            principal = Principal(uuid.UUID(actor.id), uuid.uuid4(), "jti", 0.0, mfa=True)
            barrier.wait()
            try:
                container.identity.admin.delete_user(principal, uuid.UUID(target.id), "test")
                outcomes[actor.id] = "ok"
            except DomainError as error:
                outcomes[actor.id] = error.code.value

        threads = [
            threading.Thread(target=delete, args=(first, second)),
            threading.Thread(target=delete, args=(second, first)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == ["RES_005", "ok"], outcomes
