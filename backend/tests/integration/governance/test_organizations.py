"""Organizations, members and teams over HTTP: who may read and change what (platform
managers, org admins, members, outsiders), one organization per user, team members inside
the organization, the last org_admin, closed organizations, the audit trail, and the
organization scope of grants (an org-scoped staff member cannot see another
organization's users)."""

from __future__ import annotations

import uuid

import pytest

from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa

ORGS = "/api/v1/organizations"
INVITATIONS = "/api/v1/organizations/invitations"
MINE = "/api/v1/me/organization-invitations"


def new_org(client, manager, name: str, **extra) -> dict:
    response = client.post(ORGS, headers=manager.auth, json={"name": name, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def put_member(client, caller, org: dict, user, role: str = "member", **extra):
    return client.put(
        f"{ORGS}/{org['id']}/members/{user.id}", headers=caller.auth, json={"org_role": role, **extra}
    )


def invite(client, caller, org: dict, user, role: str = "member"):
    return client.post(
        f"{ORGS}/{org['id']}/invitations", headers=caller.auth, json={"user_id": user.id, "org_role": role}
    )


def answer(client, user, invitation_id: str, verb: str = "accept"):
    return client.post(f"{INVITATIONS}/{invitation_id}/{verb}", headers=user.auth)


def join_by_invitation(client, inviter, org: dict, user, role: str = "member") -> dict:
    """The org admin invites, the user accepts: the only way an org admin brings someone in."""
    sent = invite(client, inviter, org, user, role)
    assert sent.status_code == 201, sent.get_json()
    accepted = answer(client, user, sent.get_json()["data"]["id"])
    assert accepted.status_code == 200, accepted.get_json()
    return accepted.get_json()["data"]


def new_team(client, caller, org: dict, name: str, **extra):
    return client.post(f"{ORGS}/{org['id']}/teams", headers=caller.auth, json={"name": name, **extra})


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def world(client, admin):
    """Organizations A and B, each with an org admin; A also has a plain member."""
    a_admin, b_admin, a_member = signed_in(client), signed_in(client), signed_in(client)
    a = new_org(client, admin, "Namib Logistics", admin_user_id=a_admin.id)
    b = new_org(client, admin, "Kunene Traders", admin_user_id=b_admin.id)
    join_by_invitation(client, a_admin, a, a_member)
    return {"a": a, "b": b, "a_admin": a_admin, "b_admin": b_admin, "a_member": a_member}


# -- platform managers ----------------------------------------------------------------------
def test_a_manager_creates_reads_lists_and_updates_organizations(client, container, admin):
    first = signed_in(client)
    created = client.post(
        ORGS,
        headers=admin.auth,
        json={
            "name": "  Windhoek Motors  ",
            "registration_number": "cc/2015/01234",
            "vat_number": " 1234567  ",
            "admin_user_id": first.id,
        },
    )
    assert created.status_code == 201, created.get_json()
    org = created.get_json()["data"]
    assert set(org) == {
        "id",
        "name",
        "registration_number",
        "vat_number",
        "status",
        "created_at",
        "updated_at",
    }
    assert (org["name"], org["registration_number"], org["vat_number"], org["status"]) == (
        "Windhoek Motors",
        "CC/2015/01234",
        "1234567",
        "active",
    )
    members = client.get(f"{ORGS}/{org['id']}/members", headers=admin.auth).get_json()["data"]
    assert [(m["user_id"], m["org_role"]) for m in members] == [(first.id, "org_admin")]

    new_org(client, admin, "Swakop Fisheries")
    new_org(client, admin, "Oshakati Builders")
    listed = client.get(ORGS, headers=admin.auth, query_string={"per_page": 2})
    assert listed.status_code == 200
    meta = listed.get_json()["meta"]
    assert (meta["has_more"], meta["limit"], meta["total"]) == (True, 2, 3)
    assert isinstance(meta["next_cursor"], str)
    assert [o["name"] for o in listed.get_json()["data"]] == ["Oshakati Builders", "Swakop Fisheries"]
    searched = client.get(ORGS, headers=admin.auth, query_string={"q": "MOTOR"}).get_json()
    assert [o["id"] for o in searched["data"]] == [org["id"]]

    patched = client.patch(
        f"{ORGS}/{org['id']}",
        headers=admin.auth,
        json={"name": "Windhoek Motors (Pty) Ltd", "vat_number": None},
    )
    assert patched.status_code == 200, patched.get_json()
    assert (patched.get_json()["data"]["name"], patched.get_json()["data"]["vat_number"]) == (
        "Windhoek Motors (Pty) Ltd",
        None,
    )
    assert (
        client.get(f"{ORGS}/{org['id']}", headers=admin.auth).get_json()["data"] == patched.get_json()["data"]
    )

    (made,) = [e for e in audit_entries(container, "organization.created") if e["resource_id"] == org["id"]]
    assert made["actor_id"] == admin.id
    assert made["changes"]["after"]["admin_user_id"] == first.id
    (changed,) = audit_entries(container, "organization.updated")
    assert changed["changes"]["before"]["vat_number"] == "1234567"
    assert changed["changes"]["after"]["vat_number"] is None


def test_names_and_registration_numbers_are_unique_and_checked(client, admin):
    new_org(client, admin, "Namib Logistics", registration_number="2019/0456")
    same_name = client.post(ORGS, headers=admin.auth, json={"name": "NAMIB logistics"})
    assert same_name.status_code == 409
    assert same_name.get_json()["error"]["code"] == "RES_002"
    assert same_name.get_json()["error"]["details"] == [{"field": "name"}]
    same_number = client.post(
        ORGS, headers=admin.auth, json={"name": "Other", "registration_number": "2019/0456"}
    )
    assert same_number.status_code == 409
    for body in (
        {"name": "x"},
        {"name": "   "},
        {"name": "Ok name", "vat_number": "12#34"},
        {"name": "Ok name", "registration_number": "x" * 41},
        {"name": "Ok name", "status": "closed"},
    ):
        refused = client.post(ORGS, headers=admin.auth, json=body)
        assert refused.status_code == 422, body
        assert refused.get_json()["error"]["code"] == "VAL_001"


def test_only_organization_managers_create_or_change_status(client, world):
    customer = signed_in(client)
    a_admin, a = world["a_admin"], world["a"]
    for caller in (customer, a_admin):
        created = client.post(ORGS, headers=caller.auth, json={"name": "Sneaky Holdings"})
        assert created.status_code == 403
        assert created.get_json()["error"]["code"] == "ACC_001"
        for verb in ("suspend", "reactivate", "close"):
            assert client.post(f"{ORGS}/{a['id']}/{verb}", headers=caller.auth).status_code == 403
    assert client.get(ORGS).status_code == 401


# -- org admins, members, outsiders ----------------------------------------------------------
def test_an_org_admin_manages_their_own_organization_only(client, world):
    a, b, a_admin = world["a"], world["b"], world["a_admin"]
    newcomer = signed_in(client)

    listed = client.get(ORGS, headers=a_admin.auth).get_json()
    assert [o["id"] for o in listed["data"]] == [a["id"]]
    assert (
        client.patch(f"{ORGS}/{a['id']}", headers=a_admin.auth, json={"vat_number": "99887766"}).status_code
        == 200
    )
    join_by_invitation(client, a_admin, a, newcomer)
    assert new_team(client, a_admin, a, "Dispatch").status_code == 201

    b_team = new_team(client, world["b_admin"], b, "Sales").get_json()["data"]
    for method, path, body in (
        ("get", f"{ORGS}/{b['id']}", None),
        ("patch", f"{ORGS}/{b['id']}", {"name": "Taken Over"}),
        ("get", f"{ORGS}/{b['id']}/members", None),
        ("put", f"{ORGS}/{b['id']}/members/{signed_in(client).id}", {"org_role": "member"}),
        ("post", f"{ORGS}/{b['id']}/invitations", {"user_id": signed_in(client).id}),
        ("get", f"{ORGS}/{b['id']}/invitations", None),
        ("delete", f"{ORGS}/{b['id']}/members/{world['b_admin'].id}", None),
        ("get", f"{ORGS}/{b['id']}/teams", None),
        ("post", f"{ORGS}/{b['id']}/teams", {"name": "Trojan"}),
        ("get", f"{ORGS}/{b['id']}/teams/{b_team['id']}", None),
        ("patch", f"{ORGS}/{b['id']}/teams/{b_team['id']}", {"name": "Renamed"}),
        ("delete", f"{ORGS}/{b['id']}/teams/{b_team['id']}", None),
        ("put", f"{ORGS}/{b['id']}/teams/{b_team['id']}/members/{a_admin.id}", None),
        ("get", f"{ORGS}/{uuid.uuid4()}", None),
    ):
        response = getattr(client, method)(path, headers=a_admin.auth, json=body)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "RES_001"
    # Nothing changed in B.
    assert (
        client.get(f"{ORGS}/{b['id']}", headers=world["b_admin"].auth).get_json()["data"]["name"]
        == "Kunene Traders"
    )
    teams = client.get(f"{ORGS}/{b['id']}/teams", headers=world["b_admin"].auth).get_json()["data"]
    assert [(t["name"], t["members"]) for t in teams] == [("Sales", [])]


def test_a_member_reads_their_organization_but_cannot_change_it(client, world):
    a, member = world["a"], world["a_member"]
    team = new_team(client, world["a_admin"], a, "Dispatch").get_json()["data"]
    assert client.get(f"{ORGS}/{a['id']}", headers=member.auth).status_code == 200
    members = client.get(f"{ORGS}/{a['id']}/members", headers=member.auth).get_json()
    assert {m["user_id"] for m in members["data"]} == {world["a_admin"].id, member.id}
    assert set(members["data"][0]) == {"user_id", "org_role", "added_at"}
    assert client.get(f"{ORGS}/{a['id']}/teams", headers=member.auth).get_json()["meta"] == {
        "has_more": False,
        "next_cursor": None,
        "limit": 20,
        "total": 1,
    }
    for method, path, body in (
        ("patch", f"{ORGS}/{a['id']}", {"name": "Mine Now"}),
        ("put", f"{ORGS}/{a['id']}/members/{member.id}", {"org_role": "org_admin"}),
        ("post", f"{ORGS}/{a['id']}/invitations", {"user_id": signed_in(client).id}),
        ("get", f"{ORGS}/{a['id']}/invitations", None),
        ("delete", f"{ORGS}/{a['id']}/members/{world['a_admin'].id}", None),
        ("post", f"{ORGS}/{a['id']}/teams", {"name": "Rogue"}),
        ("patch", f"{ORGS}/{a['id']}/teams/{team['id']}", {"name": "Rogue"}),
        ("delete", f"{ORGS}/{a['id']}/teams/{team['id']}", None),
        ("put", f"{ORGS}/{a['id']}/teams/{team['id']}/members/{member.id}", None),
    ):
        response = getattr(client, method)(path, headers=member.auth, json=body)
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "ACC_001"
    roles = client.get(f"{ORGS}/{a['id']}/members", headers=member.auth).get_json()["data"]
    assert {m["user_id"]: m["org_role"] for m in roles}[member.id] == "member"


def test_a_user_belongs_to_one_organization_only(client, admin, world):
    refused = put_member(client, admin, world["b"], world["a_member"], reason="branch merger")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "RES_002"
    also = client.post(ORGS, headers=world["a_admin"].auth, json={"name": "x"})  # not a manager: 403 first
    assert also.status_code == 403


def test_a_manager_cannot_make_a_member_of_another_organization_the_first_admin(client, admin, world):
    refused = client.post(
        ORGS, headers=admin.auth, json={"name": "Third Co", "admin_user_id": world["a_member"].id}
    )
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "RES_002"
    names = [o["name"] for o in client.get(ORGS, headers=admin.auth).get_json()["data"]]
    assert "Third Co" not in names  # the whole creation rolled back


def test_adding_an_unknown_user_is_422(client, admin, world):
    response = client.put(
        f"{ORGS}/{world['a']['id']}/members/{uuid.uuid4()}",
        headers=admin.auth,
        json={"org_role": "member", "reason": "migrated from the old system"},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == [{"field": "user_id", "message": "no such user"}]
    invited = client.post(
        f"{ORGS}/{world['a']['id']}/invitations",
        headers=world["a_admin"].auth,
        json={"user_id": str(uuid.uuid4())},
    )
    assert invited.status_code == 422
    assert invited.get_json()["error"]["details"] == [{"field": "user_id", "message": "no such user"}]
    created = client.post(
        ORGS, headers=admin.auth, json={"name": "Ghost Co", "admin_user_id": str(uuid.uuid4())}
    )
    assert created.status_code == 422


def test_put_member_changes_a_role_and_is_idempotent(client, container, world):
    a, a_admin, member = world["a"], world["a_admin"], world["a_member"]
    promoted = put_member(client, a_admin, a, member, "org_admin")
    assert promoted.status_code == 200
    assert promoted.get_json()["data"]["org_role"] == "org_admin"
    again = put_member(client, a_admin, a, member, "org_admin")
    assert again.status_code == 200
    (entry,) = audit_entries(container, "organization.member_role_changed")
    assert entry["changes"] == {
        "before": {"user_id": member.id, "org_role": "member"},
        "after": {"user_id": member.id, "org_role": "org_admin"},
    }
    # The promoted member now manages the organization.
    assert new_team(client, member, a, "Promoted Team").status_code == 201


# -- teams ----------------------------------------------------------------------------------
def test_team_members_must_belong_to_the_organization(client, world):
    a, a_admin, member = world["a"], world["a_admin"], world["a_member"]
    team = new_team(client, a_admin, a, "Dispatch", description="Trucks and drivers").get_json()["data"]
    assert set(team) == {"id", "organization_id", "name", "description", "members", "created_at"}
    url = f"{ORGS}/{a['id']}/teams/{team['id']}/members"

    for outsider in (world["b_admin"].id, signed_in(client).id, str(uuid.uuid4())):
        refused = client.put(f"{url}/{outsider}", headers=a_admin.auth)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["details"][0]["field"] == "user_id"

    added = client.put(f"{url}/{member.id}", headers=a_admin.auth)
    assert added.status_code == 201
    assert added.get_json()["data"]["members"] == [member.id]
    assert client.put(f"{url}/{member.id}", headers=a_admin.auth).status_code == 200

    # Leaving the organization means leaving its teams.
    assert client.delete(f"{ORGS}/{a['id']}/members/{member.id}", headers=a_admin.auth).status_code == 204
    got = client.get(f"{ORGS}/{a['id']}/teams/{team['id']}", headers=a_admin.auth).get_json()["data"]
    assert got["members"] == []


def test_teams_are_renamed_deleted_and_unique_per_organization(client, world):
    a, a_admin = world["a"], world["a_admin"]
    team = new_team(client, a_admin, a, "Dispatch").get_json()["data"]
    duplicate = new_team(client, a_admin, a, "DISPATCH")
    assert duplicate.status_code == 409
    assert duplicate.get_json()["error"]["code"] == "RES_002"
    assert new_team(client, world["b_admin"], world["b"], "Dispatch").status_code == 201  # per organization
    other = new_team(client, a_admin, a, "Workshop").get_json()["data"]
    clash = client.patch(
        f"{ORGS}/{a['id']}/teams/{other['id']}", headers=a_admin.auth, json={"name": "dispatch"}
    )
    assert clash.status_code == 409

    url = f"{ORGS}/{a['id']}/teams/{team['id']}"
    renamed = client.patch(url, headers=a_admin.auth, json={"name": "Logistics", "description": "Routes"})
    assert renamed.status_code == 200
    assert (renamed.get_json()["data"]["name"], renamed.get_json()["data"]["description"]) == (
        "Logistics",
        "Routes",
    )
    assert client.put(f"{url}/members/{world['a_member'].id}", headers=a_admin.auth).status_code == 201
    assert client.delete(f"{url}/members/{world['a_member'].id}", headers=a_admin.auth).status_code == 204
    assert client.delete(f"{url}/members/{world['a_member'].id}", headers=a_admin.auth).status_code == 404
    deleted = client.delete(url, headers=a_admin.auth)
    assert deleted.status_code == 204
    assert client.get(url, headers=a_admin.auth).status_code == 404


# -- the last org_admin -----------------------------------------------------------------------
def test_an_organization_keeps_at_least_one_org_admin(client, admin, world):
    a, a_admin, member = world["a"], world["a_admin"], world["a_member"]
    for caller in (a_admin, admin):
        demoted = put_member(client, caller, a, a_admin, "member")
        assert demoted.status_code == 409
        assert demoted.get_json()["error"]["code"] == "RES_005"
        removed = client.delete(f"{ORGS}/{a['id']}/members/{a_admin.id}", headers=caller.auth)
        assert removed.status_code == 409
    assert put_member(client, a_admin, a, member, "org_admin").status_code == 200
    stepped_down = put_member(client, a_admin, a, a_admin, "member")
    assert stepped_down.status_code == 200
    assert client.delete(f"{ORGS}/{a['id']}/members/{member.id}", headers=member.auth).status_code == 409


# -- status: suspended and closed --------------------------------------------------------------
def test_status_transitions_and_a_closed_organization_is_read_only(client, container, admin, world):
    a, a_admin, member = world["a"], world["a_admin"], world["a_member"]
    team = new_team(client, a_admin, a, "Dispatch").get_json()["data"]
    url = f"{ORGS}/{a['id']}"

    suspended = client.post(f"{url}/suspend", headers=admin.auth)
    assert suspended.status_code == 200
    assert suspended.get_json()["data"]["status"] == "suspended"
    twice = client.post(f"{url}/suspend", headers=admin.auth)
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "RES_005"
    # Suspended: its org admins may only read; platform managers may still change it.
    frozen = client.patch(url, headers=a_admin.auth, json={"name": "Namib Logistics 2"})
    assert frozen.status_code == 409
    assert client.get(url, headers=a_admin.auth).status_code == 200
    assert client.patch(url, headers=admin.auth, json={"vat_number": "555"}).status_code == 200
    assert (
        client.get(ORGS, headers=admin.auth, query_string={"status": "suspended"}).get_json()["meta"]["total"]
        == 1
    )
    assert client.post(f"{url}/reactivate", headers=admin.auth).get_json()["data"]["status"] == "active"

    closed = client.post(f"{url}/close", headers=admin.auth)
    assert closed.status_code == 200
    assert closed.get_json()["data"]["status"] == "closed"
    for caller in (admin, a_admin):
        for method, path, body in (
            ("patch", url, {"name": "Reborn"}),
            ("put", f"{url}/members/{signed_in(client).id}", {"org_role": "member"}),
            ("put", f"{url}/members/{member.id}", {"org_role": "org_admin"}),
            ("post", f"{url}/teams", {"name": "New"}),
            ("patch", f"{url}/teams/{team['id']}", {"name": "New"}),
            ("delete", f"{url}/teams/{team['id']}", None),
            ("put", f"{url}/teams/{team['id']}/members/{member.id}", None),
        ):
            response = getattr(client, method)(path, headers=caller.auth, json=body)
            assert response.status_code == 409, (caller.id, method, path)
            assert response.get_json()["error"]["code"] == "RES_005"
        assert client.get(url, headers=caller.auth).status_code == 200
    for verb in ("reactivate", "suspend", "close"):
        assert client.post(f"{url}/{verb}", headers=admin.auth).status_code == 409
    # An org admin cannot remove members of a closed organization...
    assert client.delete(f"{url}/members/{member.id}", headers=a_admin.auth).status_code == 409
    # ...but a platform manager releases them, even the last org admin, so they may join another.
    for user in (member, a_admin):
        assert client.delete(f"{url}/members/{user.id}", headers=admin.auth).status_code == 204
    join_by_invitation(client, world["b_admin"], world["b"], a_admin)
    statuses = [e["changes"]["after"]["status"] for e in audit_entries(container, "organization.suspended")]
    assert statuses == ["suspended"]
    assert len(audit_entries(container, "organization.reactivated")) == 1
    (entry,) = audit_entries(container, "organization.closed")
    assert entry["changes"] == {"before": {"status": "active"}, "after": {"status": "closed"}}


# -- the audit trail ------------------------------------------------------------------------------
def test_every_change_is_audited_with_its_actor(client, container, admin, world):
    a, a_admin, member = world["a"], world["a_admin"], world["a_member"]
    newcomer = signed_in(client)
    join_by_invitation(client, a_admin, a, newcomer)
    assert put_member(client, a_admin, a, newcomer, "org_admin").status_code == 200
    team = new_team(client, a_admin, a, "Dispatch").get_json()["data"]
    team_url = f"{ORGS}/{a['id']}/teams/{team['id']}"
    assert client.patch(team_url, headers=a_admin.auth, json={"description": "Trucks"}).status_code == 200
    assert client.put(f"{team_url}/members/{member.id}", headers=a_admin.auth).status_code == 201
    assert client.delete(f"{team_url}/members/{member.id}", headers=a_admin.auth).status_code == 204
    assert client.put(f"{team_url}/members/{newcomer.id}", headers=a_admin.auth).status_code == 201
    assert client.delete(f"{ORGS}/{a['id']}/members/{newcomer.id}", headers=a_admin.auth).status_code == 204
    assert client.delete(team_url, headers=a_admin.auth).status_code == 204
    assert (
        client.patch(f"{ORGS}/{a['id']}", headers=a_admin.auth, json={"name": "Namib Freight"}).status_code
        == 200
    )

    expected = {
        "organization.invitation_sent": ("organization", a["id"]),
        "organization.member_role_changed": ("organization", a["id"]),
        "organization.member_removed": ("organization", a["id"]),
        "organization.updated": ("organization", a["id"]),
        "team.created": ("team", team["id"]),
        "team.updated": ("team", team["id"]),
        "team.member_added": ("team", team["id"]),
        "team.member_removed": ("team", team["id"]),
        "team.deleted": ("team", team["id"]),
    }
    for action, (resource_type, resource_id) in expected.items():
        entries = [e for e in audit_entries(container, action) if e["actor_id"] == a_admin.id]
        assert entries, action
        assert all((e["resource_type"], e["resource_id"]) == (resource_type, resource_id) for e in entries), (
            action
        )
    (removed,) = audit_entries(container, "organization.member_removed")
    assert removed["changes"]["before"] == {
        "user_id": newcomer.id,
        "org_role": "org_admin",
        "teams": [team["id"]],
    }
    # The invitee joins by accepting: the membership is theirs, recorded with them as actor.
    (added,) = [
        e for e in audit_entries(container, "organization.member_added") if e["actor_id"] == newcomer.id
    ]
    assert added["changes"]["after"]["user_id"] == newcomer.id
    assert added["changes"]["after"]["org_role"] == "member"
    (gone,) = audit_entries(container, "team.deleted")
    assert gone["changes"]["before"]["name"] == "Dispatch"
    # A request that changes nothing writes nothing.
    before = len(audit_entries(container, "organization.updated"))
    assert (
        client.patch(f"{ORGS}/{a['id']}", headers=a_admin.auth, json={"name": "Namib Freight"}).status_code
        == 200
    )
    assert len(audit_entries(container, "organization.updated")) == before


# -- organization scope of grants ------------------------------------------------------------------
def test_an_org_scoped_staff_member_gets_404_for_another_organizations_users(client, container, admin, world):
    role = client.post(
        "/api/v1/roles",
        headers=admin.auth,
        json={"name": "branch-desk", "permissions": ["user:read"], "scopes": {"user:read": "organization"}},
    )
    assert role.status_code == 201, role.get_json()
    assert role.get_json()["data"]["scopes"] == {"user:read": "organization"}
    desk = staff_with_mfa(client, container, "branch-desk")
    assert (
        put_member(client, admin, world["a"], desk, reason="branch desk staffed by head office").status_code
        == 201
    )

    in_b = client.get(f"/api/v1/users/{world['b_admin'].id}", headers=desk.auth)
    assert in_b.status_code == 404
    assert in_b.get_json()["error"]["code"] == "RES_001"
    outside = client.get(f"/api/v1/users/{signed_in(client).id}", headers=desk.auth)
    assert outside.status_code == 404
    in_a = client.get(f"/api/v1/users/{world['a_member'].id}", headers=desk.auth)
    assert in_a.status_code == 200
    assert in_a.get_json()["data"]["id"] == world["a_member"].id

    listed = client.get("/api/v1/users", headers=desk.auth, query_string={"per_page": 100}).get_json()
    expected = {world["a_admin"].id, world["a_member"].id, desk.id}
    assert {u["id"] for u in listed["data"]} == expected
    assert listed["meta"]["total"] == 3
    by_role = client.get("/api/v1/users", headers=desk.auth, query_string={"role": "admin"}).get_json()
    assert by_role["data"] == []


def test_an_org_scoped_grant_outside_any_organization_reaches_only_oneself(client, container, admin, world):
    client.post(
        "/api/v1/roles",
        headers=admin.auth,
        json={"name": "branch-desk", "permissions": ["user:read"], "scopes": {"user:read": "organization"}},
    )
    loner = staff_with_mfa(client, container, "branch-desk")
    assert client.get(f"/api/v1/users/{world['a_member'].id}", headers=loner.auth).status_code == 404
    assert client.get(f"/api/v1/users/{loner.id}", headers=loner.auth).status_code == 200
    listed = client.get("/api/v1/users", headers=loner.auth).get_json()
    assert [u["id"] for u in listed["data"]] == [loner.id]


def test_policy_evaluation_knows_the_subjects_organization(client, container, admin, world):
    client.post(
        "/api/v1/roles",
        headers=admin.auth,
        json={
            "name": "reporter",
            "permissions": ["user:update"],
            "scopes": {"user:update": "organization"},
        },
    )
    desk = staff_with_mfa(
        client, container, "staff", "reporter"
    )  # the organization_scope policy governs `staff`
    assert (
        put_member(client, admin, world["a"], desk, reason="branch desk staffed by head office").status_code
        == 201
    )

    def evaluate(organization_id: str) -> dict:
        response = client.post(
            "/api/v1/policies/evaluate",
            headers=admin.auth,
            json={
                "user_id": desk.id,
                "action": "user:update",
                "resource": {"type": "user", "organization_id": organization_id},
            },
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()["data"]

    assert evaluate(world["a"]["id"])["allowed"] is True
    denied = evaluate(world["b"]["id"])
    assert denied["allowed"] is False
    assert "another organization" in denied["reason"]


def test_the_routes_are_in_the_openapi_document_with_bearer_security(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    orgs_path = "/api/v1/organizations"
    base = orgs_path + "/{organization_id}"
    expected = {
        "/api/v1/organizations": {"get", "post"},
        base: {"get", "patch"},
        f"{base}/suspend": {"post"},
        f"{base}/reactivate": {"post"},
        f"{base}/close": {"post"},
        f"{base}/members": {"get"},
        f"{base}/members/{{user_id}}": {"put", "delete"},
        f"{base}/invitations": {"get", "post"},
        f"{base}/invitations/{{invitation_id}}": {"get"},
        f"{base}/invitations/{{invitation_id}}/cancel": {"post"},
        "/api/v1/me/organization-invitations": {"get"},
        "/api/v1/organizations/invitations/{invitation_id}/accept": {"post"},
        "/api/v1/organizations/invitations/{invitation_id}/decline": {"post"},
        f"{base}/teams": {"get", "post"},
        f"{base}/teams/{{team_id}}": {"get", "patch", "delete"},
        f"{base}/teams/{{team_id}}/members/{{user_id}}": {"put", "delete"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method]["security"] == [{"bearerAuth": []}]
            assert paths[path][method]["tags"] == ["governance"]
    assert document["components"]["schemas"]["CreateOrganizationBody"]["additionalProperties"] is False
    # Creations declare 201 with Location, deletes 204, lists the list envelope.
    for path, method in ((orgs_path, "post"), (f"{base}/teams", "post"), (f"{base}/invitations", "post")):
        assert "Location" in paths[path][method]["responses"]["201"]["headers"], path
    for path in (
        f"{base}/members/{{user_id}}",
        f"{base}/teams/{{team_id}}",
        f"{base}/teams/{{team_id}}/members/{{user_id}}",
    ):
        assert set(paths[path]["delete"]["responses"]) & {"200", "201", "204"} == {"204"}, path
    for path in (f"{base}/members/{{user_id}}", f"{base}/teams/{{team_id}}/members/{{user_id}}"):
        assert {"200", "201"} <= set(paths[path]["put"]["responses"]), path
    listed = paths[f"{base}/members"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["$ref"].endswith("/OrganizationMemberList")
    assert {p["name"] for p in paths[orgs_path]["get"]["parameters"]} >= {"cursor", "limit", "q", "status"}
    member = document["components"]["schemas"]["OrganizationMember"]
    assert set(member["properties"]) == {"user_id", "org_role", "added_at"}
