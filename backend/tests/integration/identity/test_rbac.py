"""The RBAC core: seeded roles and permissions, deny by default, no stale permissions."""

from __future__ import annotations

from sqlalchemy import text

from elcorp.governance.domain.rbac import CATALOGUE, DEFAULT_GRANTS
from support.identity import grant_roles, signed_in, staff_with_mfa

GRANTS_OF = "SELECT count(*) FROM role_permission rp JOIN role r ON r.id = rp.role_id WHERE r.name = :role"


def test_migration_seeds_the_clients_roles_and_permissions(container):
    with container.session_factory() as session:
        roles = set(session.execute(text("SELECT name FROM role WHERE is_system_role")).scalars())
        admin_perms = session.execute(text(GRANTS_OF), {"role": "admin"}).scalar()
        seeded = set(session.execute(text("SELECT name FROM permission")).scalars())
        guest = session.execute(text(GRANTS_OF), {"role": "guest"}).scalar()
    assert roles == {"admin", "staff", "user", "guest"}
    assert seeded == {p.name for p in CATALOGUE}  # the migrations seed the catalogue, no more
    assert admin_perms == len(seeded)
    assert guest == 0


def test_permissions_are_denied_by_default(client, container):
    guest = signed_in(client)
    grant_roles(container, guest, "guest")
    response = client.get("/api/v1/users", headers=guest.auth)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACC_001"


def test_a_revoked_role_stops_working_on_the_very_next_request(client, container):
    signed_in(client)  # someone else to see
    staff = staff_with_mfa(client, container, "staff")
    assert client.get("/api/v1/users", headers=staff.auth).get_json()["meta"]["total"] == 2  # scope: all
    assert container.redis.exists(f"rbac:grants:{staff.id}")  # cached
    grant_roles(container, staff, "user")
    listed = client.get("/api/v1/users", headers=staff.auth).get_json()
    assert listed["meta"]["total"] == 1  # scope: own - the cache did not serve stale grants


def test_staff_without_an_mfa_session_must_enrol_first(client, container):
    staff = signed_in(client)
    grant_roles(container, staff, "staff")
    response = client.get("/api/v1/users", headers=staff.auth)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "AUTH_006"


def test_the_migrations_seed_exactly_the_default_grants(container):
    with container.session_factory() as session:
        rows = session.execute(
            text(
                "SELECT r.name, p.name, rp.scope FROM role_permission rp "
                "JOIN role r ON r.id = rp.role_id JOIN permission p ON p.id = rp.permission_id "
                "WHERE r.is_system_role"
            )
        ).all()
    seeded: dict[str, dict[str, str]] = {}
    for role_name, permission_name, scope in rows:
        seeded.setdefault(role_name, {})[permission_name] = scope
    expected = {
        role: {p: s.value for p, s in grants.items()} for role, grants in DEFAULT_GRANTS.items() if grants
    }
    assert seeded == expected
