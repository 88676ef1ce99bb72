"""GET /audit-logs by reach: a global `audit:view` grant sees every entry; an organization-
scoped one sees the entries made by or about the members of the reader's organization (and
about the organization itself); an `own` one, or a reader in no organization, only their own."""

from __future__ import annotations

import uuid

import pytest

from elcorp.shared.application.audit import Actor, Resource
from support.governance import join, make_organization
from support.identity import signed_in, staff_with_mfa

LOGS = "/api/v1/audit-logs"


def record(container, action: str, actor: str, resource_type: str, resource_id: str) -> None:
    with container.uow() as uow:
        uow.audit.record(action, Actor(id=actor), Resource(resource_type, resource_id))
        uow.commit()


def actions_seen(client, reader) -> set[str]:
    response = client.get(LOGS, headers=reader.auth, query_string={"limit": 100})
    assert response.status_code == 200, response.get_json()
    return {e["action"] for e in response.get_json()["data"] if e["action"].startswith("scope.")}


@pytest.fixture
def world(client, container):
    """Organizations A and B with a member each, the entries about them, and an entry by a
    platform administrator about nobody in either."""
    a, b = (str(make_organization(container, name)) for name in ("Scope A", "Scope B"))
    in_a, in_b = signed_in(client), signed_in(client)
    join(container, a, in_a)
    join(container, b, in_b)
    record(container, "scope.by_a_member", in_a.id, "service_request", str(uuid.uuid4()))
    record(container, "scope.about_a_member", "system", "user", in_a.id)
    record(container, "scope.about_a", "system", "organization", a)
    record(container, "scope.by_b_member", in_b.id, "service_request", str(uuid.uuid4()))
    record(container, "scope.about_b", "system", "organization", b)
    record(container, "scope.elsewhere", "system", "role", str(uuid.uuid4()))
    return {"a": a, "b": b, "in_a": in_a, "in_b": in_b}


def test_a_global_grant_sees_every_entry(client, container, world):
    staff = staff_with_mfa(client, container, "staff")  # audit:view, scope all
    assert actions_seen(client, staff) == {
        "scope.by_a_member",
        "scope.about_a_member",
        "scope.about_a",
        "scope.by_b_member",
        "scope.about_b",
        "scope.elsewhere",
    }


def test_an_organization_scoped_reader_sees_only_entries_about_their_organization(client, container, world):
    admin = staff_with_mfa(client, container, "admin")
    created = client.post(
        "/api/v1/roles",
        headers=admin.auth,
        json={
            "name": "branch-auditor",
            "permissions": ["audit:view"],
            "scopes": {"audit:view": "organization"},
        },
    )
    assert created.status_code == 201, created.get_json()
    auditor = staff_with_mfa(client, container, "branch-auditor")
    join(container, world["a"], auditor)
    assert actions_seen(client, auditor) == {"scope.by_a_member", "scope.about_a_member", "scope.about_a"}

    lost = client.get(LOGS, headers=auditor.auth, query_string={"actor_id": world["in_b"].id})
    assert lost.status_code == 200 and lost.get_json()["data"] == []  # a filter cannot widen the reach


def test_a_scoped_reader_in_no_organization_sees_only_their_own_entries(client, container, world):
    admin = staff_with_mfa(client, container, "admin")
    client.post(
        "/api/v1/roles",
        headers=admin.auth,
        json={
            "name": "loose-auditor",
            "permissions": ["audit:view"],
            "scopes": {"audit:view": "organization"},
        },
    )
    loner = staff_with_mfa(client, container, "loose-auditor")
    record(container, "scope.by_loner", loner.id, "service_request", str(uuid.uuid4()))
    assert actions_seen(client, loner) == {"scope.by_loner"}
