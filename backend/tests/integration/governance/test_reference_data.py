"""`elcorp seed`: the access-control reference data the code declares (rbac.py) is loaded
where the database lacks it, never changed where it is present, and a second run changes
nothing."""

from __future__ import annotations

import uuid

from click.testing import CliRunner
from sqlalchemy import text

from elcorp.bootstrap import run_seeders
from elcorp.governance.domain.rbac import CATALOGUE, DEFAULT_GRANTS, SYSTEM_ROLES
from elcorp.governance.infrastructure.grants import RedisGrantsCache
from elcorp.governance.infrastructure.reference_data import AccessControlReferenceData
from support.identity import signed_in, staff_with_mfa

GRANT_COUNT = sum(len(granted) for granted in DEFAULT_GRANTS.values())
ALL_PRESENT = (
    f"access control: {len(SYSTEM_ROLES)} system roles, {len(CATALOGUE)} permissions, "
    f"{GRANT_COUNT} system-role grants as declared; all present, nothing added"
)
SNAPSHOT = """
    SELECT r.id, r.name, r.description, r.is_system_role, p.id, p.name, p.description, p.category, rp.scope
    FROM role r
    LEFT JOIN role_permission rp ON rp.role_id = r.id
    LEFT JOIN permission p ON p.id = rp.permission_id
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, p.id, p.name, p.description, p.category, NULL FROM permission p
    ORDER BY 2, 6
"""
DECLARED = """
    SELECT r.name, p.name, rp.scope FROM role_permission rp
    JOIN role r ON r.id = rp.role_id JOIN permission p ON p.id = rp.permission_id
    WHERE r.is_system_role
"""


def snapshot(container) -> list[tuple]:
    with container.session_factory() as session:
        return [tuple(row) for row in session.execute(text(SNAPSHOT))]


def loader(container) -> AccessControlReferenceData:
    return AccessControlReferenceData(container.session_factory, RedisGrantsCache(container.redis))


def test_on_a_migrated_database_everything_is_present_and_nothing_changes(container):
    before = snapshot(container)
    assert run_seeders(container) == [ALL_PRESENT]
    assert snapshot(container) == before


def test_what_went_missing_is_put_back_as_declared_and_a_second_run_changes_nothing(container):
    with container.session_factory() as session:
        session.execute(text("DELETE FROM permission WHERE name = 'risk:read'"))  # with its grants
        session.execute(
            text(
                "DELETE FROM role_permission WHERE role_id = (SELECT id FROM role WHERE name = 'user')"
                " AND permission_id = (SELECT id FROM permission WHERE name = 'invoice:read')"
            )
        )
        session.commit()

    holders_of_risk_read = sum("risk:read" in granted for granted in DEFAULT_GRANTS.values())
    assert loader(container).load() == (
        f"access control: {len(SYSTEM_ROLES)} system roles, {len(CATALOGUE)} permissions, "
        f"{GRANT_COUNT} system-role grants as declared; added 0 roles, 1 permissions, "
        f"{holders_of_risk_read + 1} grants"
    )
    with container.session_factory() as session:
        granted = {(role, name, scope) for role, name, scope in session.execute(text(DECLARED))}
        restored = session.execute(
            text("SELECT description, category FROM permission WHERE name = 'risk:read'")
        ).one()
    declared = {
        (role, name, scope.value) for role, grants in DEFAULT_GRANTS.items() for name, scope in grants.items()
    }
    assert granted == declared
    spec = next(spec for spec in CATALOGUE if spec.name == "risk:read")
    assert tuple(restored) == (spec.description, spec.category)

    after_first = snapshot(container)
    assert loader(container).load() == ALL_PRESENT
    assert snapshot(container) == after_first


def test_a_role_changed_by_an_administrator_is_left_as_it_is(container):
    with container.session_factory() as session:
        session.execute(text("INSERT INTO role (name, description) VALUES ('auditor', 'External auditor')"))
        session.execute(
            text("UPDATE permission SET description = 'Read the risk register' WHERE name = 'risk:read'")
        )
        session.commit()
    before = snapshot(container)
    assert loader(container).load() == ALL_PRESENT
    assert snapshot(container) == before


def test_a_holder_of_a_regranted_role_gets_the_grant_on_the_next_request(client, container):
    signed_in(client)  # someone for staff to see
    staff = staff_with_mfa(client, container, "staff")
    with container.session_factory() as session:
        session.execute(
            text(
                "DELETE FROM role_permission WHERE role_id = (SELECT id FROM role WHERE name = 'staff')"
                " AND permission_id = (SELECT id FROM permission WHERE name = 'user:read')"
            )
        )
        session.commit()
    container.access.forget(uuid.UUID(staff.id))
    assert client.get("/api/v1/users", headers=staff.auth).status_code == 403  # and now cached
    assert container.redis.exists(f"rbac:grants:{staff.id}")

    loader(container).load()

    assert not container.redis.exists(f"rbac:grants:{staff.id}")
    assert client.get("/api/v1/users", headers=staff.auth).status_code == 200


def test_the_seed_command_prints_what_it_loaded(container, monkeypatch):
    import elcorp.bootstrap
    import elcorp.cli

    monkeypatch.setattr(elcorp.cli, "_settings", lambda: container.settings)
    monkeypatch.setattr(elcorp.bootstrap, "bootstrap", lambda settings: container)
    first = CliRunner().invoke(elcorp.cli.main, ["seed"])
    second = CliRunner().invoke(elcorp.cli.main, ["seed"])
    assert first.exit_code == 0, first.output
    assert first.output == second.output == f"seed: {ALL_PRESENT}\n"
