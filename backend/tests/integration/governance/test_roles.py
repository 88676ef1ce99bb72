"""Role administration: custom roles, the permission catalogue, role assignments, and the
guards against privilege escalation."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from elcorp.governance.domain.rbac import CATALOGUE
from support.audit import audit_entries
from support.identity import grant_roles, signed_in, staff_with_mfa

ROLES = "/api/v1/roles"


def role_named(client, admin, name: str) -> dict:
    found = [r for r in client.get(ROLES, headers=admin.auth).get_json()["data"] if r["name"] == name]
    assert len(found) == 1
    return found[0]


def create(client, caller, name: str, permissions: list[str], **extra):
    return client.post(ROLES, headers=caller.auth, json={"name": name, "permissions": permissions, **extra})


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def manager(client, container, admin):
    """A role manager who holds only role:manage and user:read (a custom role: privileged
    grants need an MFA session, whatever the role is called)."""
    assert create(client, admin, "role-manager", ["role:manage", "user:read"]).status_code == 201
    return staff_with_mfa(client, container, "role-manager")


# -- reads --------------------------------------------------------------------------------
def test_lists_the_system_roles_with_sorted_permissions(client, admin):
    response = client.get(ROLES, headers=admin.auth)
    assert response.status_code == 200
    body = response.get_json()
    by_name = {r["name"]: r for r in body["data"]}
    assert set(by_name) == {"admin", "staff", "user", "guest"}
    assert body["meta"] == {"has_more": False, "next_cursor": None, "limit": 100, "total": 4}
    assert all(r["is_system_role"] for r in by_name.values())
    assert set(by_name["admin"]) == {"id", "name", "description", "permissions", "scopes", "is_system_role"}
    assert set(by_name["admin"]["permissions"]) == {spec.name for spec in CATALOGUE}
    assert "organization:manage" in by_name["admin"]["permissions"]
    assert by_name["admin"]["permissions"] == sorted(by_name["admin"]["permissions"])
    assert by_name["user"]["permissions"] == [
        "invoice:read",
        "payment:create",
        "service_request:create",
        "service_request:read",
        "user:read",
        "vehicle:read",
        "vehicle:register",
        "vehicle:transfer",
    ]
    assert set(by_name["user"]["scopes"].values()) == {"own"}
    assert set(by_name["admin"]["scopes"].values()) == {"all"}
    assert by_name["guest"]["permissions"] == []


def test_gets_one_role_and_answers_404_for_an_unknown_id(client, admin):
    staff = role_named(client, admin, "staff")
    response = client.get(f"{ROLES}/{staff['id']}", headers=admin.auth)
    assert response.status_code == 200
    assert response.get_json()["data"] == staff
    missing = client.get(f"{ROLES}/{uuid.uuid4()}", headers=admin.auth)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "RES_001"


def test_the_permission_catalogue_is_grouped_by_category(client, admin):
    response = client.get("/api/v1/permissions", headers=admin.auth)
    assert response.status_code == 200
    body = response.get_json()
    assert [g["category"] for g in body["data"]] == ["compliance", "governance", "identity", "payments"]
    assert body["meta"] == {"has_more": False, "next_cursor": None, "limit": 100, "total": 4}
    assert sum(len(g["permissions"]) for g in body["data"]) == len(CATALOGUE)
    governance = next(g for g in body["data"] if g["category"] == "governance")
    assert [p["name"] for p in governance["permissions"]] == [
        "organization:manage",
        "policy:manage",
        "role:manage",
        "service_request:approve",
        "service_request:create",
        "service_request:manage",
        "service_request:read",
        "webhook:manage",
        "workflow:manage",
    ]
    assert all(p["description"] for g in body["data"] for p in g["permissions"])


ROUTES = [
    ("get", ROLES, None),
    ("post", ROLES, {"name": "x-role", "permissions": []}),
    ("get", f"{ROLES}/{uuid.uuid4()}", None),
    ("patch", f"{ROLES}/{uuid.uuid4()}", {"description": "x"}),
    ("delete", f"{ROLES}/{uuid.uuid4()}", None),
    ("get", "/api/v1/permissions", None),
    ("put", f"/api/v1/users/{uuid.uuid4()}/roles", {"roles": ["user"]}),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_needs_a_token_and_role_manage(client, method, path, body):
    anonymous = getattr(client, method)(path, json=body)
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "AUTH_004"
    customer = signed_in(client)
    refused = getattr(client, method)(path, headers=customer.auth, json=body)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "ACC_001"


# -- create, change, delete -----------------------------------------------------------------
def test_create_patch_and_delete_a_custom_role_each_audited(client, container, admin):
    created = create(client, admin, "auditor", ["audit:view", "user:read"], description="Reads the trail")
    assert created.status_code == 201, created.get_json()
    role = created.get_json()["data"]
    assert role["name"] == "auditor"
    assert role["description"] == "Reads the trail"
    assert role["permissions"] == ["audit:view", "user:read"]
    assert role["scopes"] == {"audit:view": "all", "user:read": "all"}
    assert role["is_system_role"] is False
    uuid.UUID(role["id"])
    assert created.headers["Location"] == f"{ROLES}/{role['id']}"
    assert client.get(created.headers["Location"], headers=admin.auth).get_json()["data"] == role

    patched = client.patch(
        f"{ROLES}/{role['id']}",
        headers=admin.auth,
        json={"name": "trail-reader", "permissions": ["audit:view", "audit:export"]},
    )
    assert patched.status_code == 200, patched.get_json()
    data = patched.get_json()["data"]
    assert (data["name"], data["description"]) == ("trail-reader", "Reads the trail")  # kept
    assert data["permissions"] == ["audit:export", "audit:view"]
    cleared = client.patch(f"{ROLES}/{role['id']}", headers=admin.auth, json={"description": None})
    assert cleared.get_json()["data"]["description"] is None

    deleted = client.delete(f"{ROLES}/{role['id']}", headers=admin.auth)
    assert deleted.status_code == 204
    assert deleted.data == b""
    assert client.get(f"{ROLES}/{role['id']}", headers=admin.auth).status_code == 404

    (made,) = audit_entries(container, "role.created")
    assert made["actor_id"] == admin.id
    assert made["actor_roles"] == ["admin"]
    assert (made["resource_type"], made["resource_id"]) == ("role", role["id"])
    assert made["changes"]["after"]["permissions"] == ["audit:view", "user:read"]
    first, second = audit_entries(container, "role.updated")
    assert first["changes"]["before"]["name"] == "auditor"
    assert first["changes"]["after"] == {
        "name": "trail-reader",
        "description": "Reads the trail",
        "permissions": ["audit:export", "audit:view"],
        "scopes": {"audit:export": "all", "audit:view": "all"},
    }
    assert second["changes"]["after"]["description"] is None
    (gone,) = audit_entries(container, "role.deleted")
    assert gone["actor_id"] == admin.id
    assert gone["changes"]["before"]["name"] == "trail-reader"


def test_a_duplicate_name_is_409(client, admin):
    assert create(client, admin, "auditor", []).status_code == 201
    again = create(client, admin, "auditor", ["audit:view"])
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "RES_002"
    system = create(client, admin, "admin", [])
    assert system.status_code == 409
    other = create(client, admin, "other", []).get_json()["data"]
    renamed = client.patch(f"{ROLES}/{other['id']}", headers=admin.auth, json={"name": "auditor"})
    assert renamed.status_code == 409
    assert renamed.get_json()["error"]["code"] == "RES_002"


def test_an_unknown_permission_is_422_and_nothing_is_stored(client, admin):
    response = create(client, admin, "auditor", ["audit:view", "vault:open"])
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert body["error"]["details"][0]["field"] == "permissions"
    assert all(r["name"] != "auditor" for r in client.get(ROLES, headers=admin.auth).get_json()["data"])
    role = create(client, admin, "auditor", []).get_json()["data"]
    patched = client.patch(f"{ROLES}/{role['id']}", headers=admin.auth, json={"permissions": ["x:y"]})
    assert patched.status_code == 422


@pytest.mark.parametrize("name", ["Auditor", "a b", "-x", "x-", "ab!", "a", "x" * 65, "über"])
def test_a_role_name_must_be_a_lower_case_slug(client, admin, name):
    response = create(client, admin, name, [])
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_001"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", ROLES, {"name": "auditor", "permissions": [], "is_system_role": True}),
        ("post", ROLES, {"name": "auditor", "permissions": [], "id": str(uuid.uuid4())}),
        ("patch", "{role}", {"is_system_role": True}),
        ("patch", "{role}", {"scope": "all"}),
        ("put", "/api/v1/users/{user}/roles", {"roles": ["user"], "assigned_by": str(uuid.uuid4())}),
    ],
)
def test_unknown_body_fields_are_refused(client, admin, method, path, body):
    role = create(client, admin, "target", []).get_json()["data"]
    url = path.format(role=f"{ROLES}/{role['id']}", user=admin.id)
    response = getattr(client, method)(url, headers=admin.auth, json=body)
    assert response.status_code == 422
    assert response.get_json()["status"] == "validation_error"
    stored = client.get(f"{ROLES}/{role['id']}", headers=admin.auth).get_json()["data"]
    assert stored["is_system_role"] is False
    assert client.get("/api/v1/me", headers=admin.auth).get_json()["data"]["roles"] == ["admin"]


# -- system roles -------------------------------------------------------------------------
def test_system_roles_cannot_be_renamed_regranted_or_deleted(client, admin):
    staff = role_named(client, admin, "staff")
    url = f"{ROLES}/{staff['id']}"
    for body in (
        {"name": "support"},
        {"permissions": ["user:read"]},
        {"permissions": staff["permissions"] + ["report:generate"]},
    ):
        response = client.patch(url, headers=admin.auth, json=body)
        assert response.status_code == 409, body
        assert response.get_json()["error"]["code"] == "RES_005"
    deleted = client.delete(url, headers=admin.auth)
    assert deleted.status_code == 409
    assert deleted.get_json()["error"]["code"] == "RES_005"
    assert client.get(url, headers=admin.auth).get_json()["data"] == staff
    # The description is not a grant: it may be reworded.
    reworded = client.patch(url, headers=admin.auth, json={"description": "Support desk"})
    assert reworded.status_code == 200
    assert reworded.get_json()["data"]["permissions"] == staff["permissions"]


# -- escalation ---------------------------------------------------------------------------
def test_a_manager_cannot_create_a_role_with_a_permission_they_lack(client, manager):
    refused = create(client, manager, "auditor", ["user:read", "audit:view"])
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "ACC_001"
    allowed = create(client, manager, "reader", ["user:read"])
    assert allowed.status_code == 201


def test_a_manager_cannot_patch_a_permission_they_lack_into_or_out_of_a_role(client, admin, manager):
    reader = create(client, manager, "reader", ["user:read"]).get_json()["data"]
    added = client.patch(
        f"{ROLES}/{reader['id']}", headers=manager.auth, json={"permissions": ["user:read", "audit:view"]}
    )
    assert added.status_code == 403
    assert added.get_json()["error"]["code"] == "ACC_001"
    auditor = create(client, admin, "auditor", ["audit:view", "user:read"]).get_json()["data"]
    removed = client.patch(
        f"{ROLES}/{auditor['id']}", headers=manager.auth, json={"permissions": ["user:read"]}
    )
    assert removed.status_code == 403
    deleted = client.delete(f"{ROLES}/{auditor['id']}", headers=manager.auth)
    assert deleted.status_code == 403
    assert client.get(f"{ROLES}/{reader['id']}", headers=admin.auth).get_json()["data"]["permissions"] == [
        "user:read"
    ]
    assert client.get(f"{ROLES}/{auditor['id']}", headers=admin.auth).get_json()["data"]["permissions"] == [
        "audit:view",
        "user:read",
    ]


def test_a_manager_cannot_assign_a_role_carrying_a_permission_they_lack(client, container, manager):
    customer = signed_in(client)
    url = f"/api/v1/users/{customer.id}/roles"
    for roles in (["user", "staff"], ["admin"], ["user", "role-manager", "staff"]):
        refused = client.put(url, headers=manager.auth, json={"roles": roles})
        assert refused.status_code == 403, roles
        assert refused.get_json()["error"]["code"] == "ACC_001"
    # Even a role the manager cannot grant at scope `all`: their user:read would have to be wider.
    assert client.get("/api/v1/me", headers=customer.auth).get_json()["data"]["roles"] == ["user"]
    reader = create(client, manager, "reader", ["user:read"]).get_json()["data"]
    allowed = client.put(url, headers=manager.auth, json={"roles": ["user", reader["name"]]})
    assert allowed.status_code == 200, allowed.get_json()
    assert allowed.get_json()["data"] == {"user_id": customer.id, "roles": ["reader", "user"]}


def test_removing_a_role_carrying_a_permission_the_manager_lacks_is_refused(client, container, manager):
    staff = signed_in(client)
    grant_roles(container, staff, "staff")
    refused = client.put(f"/api/v1/users/{staff.id}/roles", headers=manager.auth, json={"roles": ["user"]})
    assert refused.status_code == 403


# -- assignment -----------------------------------------------------------------------------
def test_the_last_active_admin_cannot_lose_the_admin_role(client, container, admin):
    url = f"/api/v1/users/{admin.id}/roles"
    refused = client.put(url, headers=admin.auth, json={"roles": ["user"]})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "RES_005"
    # A locked second administrator is not an active one.
    other = signed_in(client)
    grant_roles(container, other, "admin")
    locked = client.patch(f"/api/v1/users/{other.id}", headers=admin.auth, json={"status": "locked"})
    assert locked.status_code == 200
    assert client.put(url, headers=admin.auth, json={"roles": ["user"]}).status_code == 409
    client.patch(f"/api/v1/users/{other.id}", headers=admin.auth, json={"status": "active"})
    stepped_down = client.put(url, headers=admin.auth, json={"roles": ["staff"]})
    assert stepped_down.status_code == 200, stepped_down.get_json()
    assert client.get("/api/v1/me", headers=admin.auth).get_json()["data"]["roles"] == ["staff"]


def test_assignment_is_audited_with_assigned_by_and_before_after(client, container, admin):
    customer = signed_in(client)
    response = client.put(
        f"/api/v1/users/{customer.id}/roles", headers=admin.auth, json={"roles": ["user", "staff"]}
    )
    assert response.status_code == 200
    assert response.get_json()["data"]["roles"] == ["staff", "user"]
    (entry,) = audit_entries(container, "user.roles_assigned")
    assert entry["actor_id"] == admin.id
    assert (entry["resource_type"], entry["resource_id"]) == ("user", customer.id)
    assert entry["changes"] == {
        "before": {"roles": ["user"]},
        "after": {"roles": ["staff", "user"], "assigned_by": admin.id},
    }
    with container.session_factory() as session:
        assigned_by = set(
            session.execute(
                text("SELECT assigned_by::text FROM user_role WHERE user_id = :id"), {"id": customer.id}
            ).scalars()
        )
    assert assigned_by == {admin.id}


def test_assignment_to_an_unknown_user_is_404_and_an_unknown_role_422(client, admin):
    missing = client.put(f"/api/v1/users/{uuid.uuid4()}/roles", headers=admin.auth, json={"roles": ["user"]})
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "RES_001"
    customer = signed_in(client)
    unknown = client.put(f"/api/v1/users/{customer.id}/roles", headers=admin.auth, json={"roles": ["wizard"]})
    assert unknown.status_code == 422


# -- effect on the next request -------------------------------------------------------------
def test_an_assigned_role_works_and_a_revoked_permission_stops_on_the_next_request(client, container, admin):
    auditor = create(client, admin, "auditor", ["audit:view"]).get_json()["data"]
    customer = staff_with_mfa(client, container, "user")
    assert client.get("/api/v1/audit-logs", headers=customer.auth).status_code == 403  # now cached
    assert container.redis.exists(f"rbac:grants:{customer.id}")
    assigned = client.put(
        f"/api/v1/users/{customer.id}/roles", headers=admin.auth, json={"roles": ["user", "auditor"]}
    )
    assert assigned.status_code == 200
    assert client.get("/api/v1/audit-logs", headers=customer.auth).status_code == 200
    assert container.redis.exists(f"rbac:grants:{customer.id}")

    patched = client.patch(
        f"{ROLES}/{auditor['id']}", headers=admin.auth, json={"permissions": ["user:read"]}
    )
    assert patched.status_code == 200
    response = client.get("/api/v1/audit-logs", headers=customer.auth)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACC_001"


def test_deleting_an_assigned_role_removes_its_assignments_at_once(client, container, admin):
    auditor = create(client, admin, "auditor", ["audit:view"]).get_json()["data"]
    customer = staff_with_mfa(client, container, "user", "auditor")
    assert client.get("/api/v1/audit-logs", headers=customer.auth).status_code == 200  # cached
    deleted = client.delete(f"{ROLES}/{auditor['id']}", headers=admin.auth)
    assert deleted.status_code == 204
    assert client.get("/api/v1/audit-logs", headers=customer.auth).status_code == 403
    assert client.get("/api/v1/me", headers=customer.auth).get_json()["data"]["roles"] == ["user"]
    (entry,) = audit_entries(container, "role.deleted")
    assert entry["changes"]["before"]["holders"] == [customer.id]


def test_the_routes_are_in_the_openapi_document_with_bearer_security(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    expected = {
        "/api/v1/roles": {"get", "post"},
        "/api/v1/roles/{role_id}": {"get", "patch", "delete"},
        "/api/v1/permissions": {"get"},
        "/api/v1/users/{user_id}/roles": {"put"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method]["security"] == [{"bearerAuth": []}]
    create_schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["CreateRoleBody"]
    assert create_schema["additionalProperties"] is False
    roles, one = paths["/api/v1/roles"], paths["/api/v1/roles/{role_id}"]
    assert roles["post"]["operationId"] == "createRole" and "201" in roles["post"]["responses"]
    assert "Location" in roles["post"]["responses"]["201"]["headers"]
    assert roles["get"]["operationId"] == "listRoles" and roles["get"]["summary"] == "List the roles by name."
    assert one["delete"]["operationId"] == "deleteRole" and "204" in one["delete"]["responses"]
    assert "409" in one["delete"]["responses"]
    assert paths["/api/v1/users/{user_id}/roles"]["put"]["operationId"] == "assignRoles"


def test_the_role_list_walks_by_cursor_keeps_the_old_aliases_and_refuses_unknown_parameters(client, admin):
    first = client.get(ROLES, headers=admin.auth, query_string={"limit": 3}).get_json()
    assert [r["name"] for r in first["data"]] == ["admin", "guest", "staff"]
    assert first["meta"]["has_more"] is True and first["meta"]["limit"] == 3
    rest = client.get(
        ROLES, headers=admin.auth, query_string={"limit": 3, "cursor": first["meta"]["next_cursor"]}
    ).get_json()
    assert [r["name"] for r in rest["data"]] == ["user"]
    assert rest["meta"] == {"has_more": False, "next_cursor": None, "limit": 3, "total": 4}
    alias = client.get(ROLES, headers=admin.auth, query_string={"per_page": 2, "page": 2}).get_json()
    assert [r["name"] for r in alias["data"]] == ["staff", "user"]
    unknown = client.get(ROLES, headers=admin.auth, query_string={"colour": "red"})
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"][0]["field"] == "colour"


# -- grant scopes -------------------------------------------------------------------------
def test_a_role_grants_a_permission_at_a_scope_and_round_trips_it(client, container, admin):
    created = create(
        client, admin, "branch-desk", ["user:read", "audit:view"], scopes={"user:read": "organization"}
    )
    assert created.status_code == 201, created.get_json()
    role = created.get_json()["data"]
    assert role["scopes"] == {"audit:view": "all", "user:read": "organization"}
    assert client.get(f"{ROLES}/{role['id']}", headers=admin.auth).get_json()["data"] == role

    # Without `scopes`, a kept permission keeps its scope and a new one gets `all`.
    added = client.patch(
        f"{ROLES}/{role['id']}", headers=admin.auth, json={"permissions": ["user:read", "user:update"]}
    )
    assert added.status_code == 200, added.get_json()
    assert added.get_json()["data"]["scopes"] == {"user:read": "organization", "user:update": "all"}
    # With `scopes` alone, the map is complete: what it leaves out is `all`.
    rescoped = client.patch(
        f"{ROLES}/{role['id']}", headers=admin.auth, json={"scopes": {"user:update": "own"}}
    )
    assert rescoped.status_code == 200, rescoped.get_json()
    assert rescoped.get_json()["data"]["scopes"] == {"user:read": "all", "user:update": "own"}

    entries = audit_entries(container, "role.updated")
    assert entries[-1]["changes"]["before"]["scopes"] == {"user:read": "organization", "user:update": "all"}
    assert entries[-1]["changes"]["after"]["scopes"] == {"user:read": "all", "user:update": "own"}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "desk", "permissions": ["user:read"], "scopes": {"user:read": "branch"}},
        {"name": "desk", "permissions": ["user:read"], "scopes": {"audit:view": "own"}},
    ],
)
def test_an_unknown_scope_or_a_scope_for_a_permission_not_granted_is_422(client, admin, body):
    response = client.post(ROLES, headers=admin.auth, json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "VAL_001"


def test_a_system_role_cannot_be_rescoped(client, admin):
    user_role = role_named(client, admin, "user")
    response = client.patch(
        f"{ROLES}/{user_role['id']}", headers=admin.auth, json={"scopes": {"user:read": "all"}}
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "RES_005"


def test_a_manager_holding_a_permission_at_organization_scope_cannot_grant_it_wider(client, container, admin):
    assert (
        create(
            client,
            admin,
            "org-role-manager",
            ["role:manage", "user:read"],
            scopes={"user:read": "organization"},
        ).status_code
        == 201
    )
    manager = staff_with_mfa(client, container, "org-role-manager")

    wider = create(client, manager, "reader", ["user:read"])  # scope `all` by default
    assert wider.status_code == 403
    assert wider.get_json()["error"]["code"] == "ACC_001"
    explicit = create(client, manager, "reader", ["user:read"], scopes={"user:read": "all"})
    assert explicit.status_code == 403
    same = create(client, manager, "reader", ["user:read"], scopes={"user:read": "organization"})
    assert same.status_code == 201, same.get_json()
    narrower = create(client, manager, "self-reader", ["user:read"], scopes={"user:read": "own"})
    assert narrower.status_code == 201

    # Widening an existing grant, or narrowing one wider than the manager's, is refused too.
    reader = same.get_json()["data"]
    widened = client.patch(
        f"{ROLES}/{reader['id']}", headers=manager.auth, json={"scopes": {"user:read": "all"}}
    )
    assert widened.status_code == 403
    global_reader = create(client, admin, "global-reader", ["user:read"]).get_json()["data"]
    narrowed = client.patch(
        f"{ROLES}/{global_reader['id']}", headers=manager.auth, json={"scopes": {"user:read": "organization"}}
    )
    assert narrowed.status_code == 403
    assert client.get(f"{ROLES}/{global_reader['id']}", headers=admin.auth).get_json()["data"]["scopes"] == {
        "user:read": "all"
    }


# -- issue 17: MFA follows privileges; scopes follow what each permission supports ---------------
def test_a_custom_privileged_role_is_refused_without_mfa(client, container, admin):
    """Item 2: a role not named in MFA_REQUIRED_ROLES still needs MFA for privileged grants."""
    assert create(client, admin, "finance", ["role:manage", "payment:approve"]).status_code == 201
    clerk = signed_in(client)
    grant_roles(container, clerk, "user", "finance")
    refused = create(client, clerk, "helper", ["payment:approve"])
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "AUTH_006"
    granted = client.put(f"/api/v1/users/{clerk.id}/roles", headers=clerk.auth, json={"roles": ["finance"]})
    assert granted.status_code == 403
    assert granted.get_json()["error"]["code"] == "AUTH_006"
    assert client.get("/api/v1/me", headers=clerk.auth).get_json()["data"]["roles"] == ["finance", "user"]


@pytest.mark.parametrize(
    ("permission", "scope"),
    [
        ("incident:read", "own"),
        ("privacy:read", "own"),
        ("sla:read", "organization"),
        ("audit:export", "organization"),
    ],
)
def test_the_role_api_refuses_a_scope_the_permission_does_not_support(client, admin, permission, scope):
    """Item 3: a scope its use cases cannot filter by is refused, not silently widened."""
    response = create(client, admin, "narrow", [permission], scopes={permission: scope})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "scopes"
    assert f"{permission} at {scope}" in response.get_json()["error"]["details"][0]["message"]


def test_the_catalogue_lists_each_permissions_scopes_and_privilege(client, admin):
    groups = client.get("/api/v1/permissions", headers=admin.auth).get_json()["data"]
    by_name = {p["name"]: p for g in groups for p in g["permissions"]}
    assert by_name["incident:read"]["scopes"] == ["all"]
    assert by_name["user:read"]["scopes"] == ["own", "organization", "all"]
    assert by_name["payment:approve"]["privileged"] is True
    assert by_name["vehicle:read"]["privileged"] is False
