"""The organizations API keeps the one API contract: creations answer 201 with a `Location`
that reads the new resource back, deletes 204 with no body, every list pages with `cursor`
and `limit` (`meta.has_more`, `meta.next_cursor`) and keeps its older parameters
(`page`/`per_page`, `search`) as aliases, and an unknown query parameter is a 422 naming it."""

from __future__ import annotations

import pytest

from integration.governance.test_organizations import (
    MINE,
    ORGS,
    invite,
    join_by_invitation,
    new_org,
    new_team,
    put_member,
)
from support.identity import signed_in, staff_with_mfa


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def org(client, admin):
    """An organization with an org admin."""
    org_admin = signed_in(client)
    return {"org": new_org(client, admin, "Namib Logistics", admin_user_id=org_admin.id), "admin": org_admin}


def walk(client, caller, url: str, limit: int, **query) -> tuple[list[dict], list[dict]]:
    """Every page of a list, following `next_cursor`: the items and each page's meta."""
    items, metas, cursor = [], [], None
    while True:
        params = {"limit": limit, **query, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, headers=caller.auth, query_string=params)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items += body["data"]
        metas.append(body["meta"])
        cursor = body["meta"]["next_cursor"]
        assert body["meta"]["has_more"] is (cursor is not None)
        if cursor is None:
            return items, metas


# -- 201 + Location --------------------------------------------------------------------------
def test_creations_answer_201_with_a_location_that_reads_the_resource_back(client, admin, org):
    created = client.post(ORGS, headers=admin.auth, json={"name": "Swakop Fisheries"})
    assert created.status_code == 201
    assert created.headers["Location"] == f"{ORGS}/{created.get_json()['data']['id']}"
    read = client.get(created.headers["Location"], headers=admin.auth)
    assert read.get_json()["data"] == created.get_json()["data"]

    a, a_admin = org["org"], org["admin"]
    team = new_team(client, a_admin, a, "Dispatch")
    assert team.status_code == 201
    assert team.headers["Location"] == f"{ORGS}/{a['id']}/teams/{team.get_json()['data']['id']}"
    assert (
        client.get(team.headers["Location"], headers=a_admin.auth).get_json()["data"]
        == team.get_json()["data"]
    )

    sent = invite(client, a_admin, a, signed_in(client))
    assert sent.status_code == 201
    location = sent.headers["Location"]
    assert location == f"{ORGS}/{a['id']}/invitations/{sent.get_json()['data']['id']}"
    assert client.get(location, headers=a_admin.auth).get_json()["data"] == sent.get_json()["data"]


def test_an_invitation_is_read_by_its_organizations_admins_only(client, admin, org):
    a, a_admin = org["org"], org["admin"]
    member = signed_in(client)
    join_by_invitation(client, a_admin, a, member)
    invitee = signed_in(client)
    url = invite(client, a_admin, a, invitee).headers["Location"]

    assert client.get(url, headers=admin.auth).status_code == 200  # platform manager
    assert client.get(url, headers=member.auth).get_json()["error"]["code"] == "ACC_001"
    other = new_org(client, admin, "Kunene Traders", admin_user_id=signed_in(client).id)
    wrong_org = url.replace(a["id"], other["id"])
    assert client.get(wrong_org, headers=admin.auth).status_code == 404
    assert client.get(url, headers=invitee.auth).status_code == 404  # the invitee reads /me/...


def test_a_direct_add_answers_201_with_location_and_a_role_change_200(client, admin, org):
    a, newcomer = org["org"], signed_in(client)
    added = put_member(client, admin, a, newcomer, reason="migrated from the old system")
    assert added.status_code == 201
    assert added.headers["Location"] == f"{ORGS}/{a['id']}/members/{newcomer.id}"
    changed = put_member(client, admin, a, newcomer, "org_admin")
    assert changed.status_code == 200
    assert "Location" not in changed.headers
    assert changed.get_json()["data"]["org_role"] == "org_admin"


# -- 204 --------------------------------------------------------------------------------------
def test_deletes_answer_204_with_no_body(client, org):
    a, a_admin = org["org"], org["admin"]
    member = signed_in(client)
    join_by_invitation(client, a_admin, a, member)
    team = new_team(client, a_admin, a, "Dispatch").get_json()["data"]
    team_url = f"{ORGS}/{a['id']}/teams/{team['id']}"
    assert client.put(f"{team_url}/members/{member.id}", headers=a_admin.auth).status_code == 201

    for url in (f"{team_url}/members/{member.id}", team_url, f"{ORGS}/{a['id']}/members/{member.id}"):
        deleted = client.delete(url, headers=a_admin.auth)
        assert (deleted.status_code, deleted.data) == (204, b""), url
    assert client.get(team_url, headers=a_admin.auth).status_code == 404
    members = client.get(f"{ORGS}/{a['id']}/members", headers=a_admin.auth).get_json()["data"]
    assert [m["user_id"] for m in members] == [a_admin.id]


# -- lists ------------------------------------------------------------------------------------
def test_organizations_are_walked_with_a_cursor_and_the_old_parameters_still_work(client, admin):
    names = ["Alpha Freight", "Bravo Mining", "Charlie Motors", "Delta Fisheries", "Echo Builders"]
    for name in names:
        new_org(client, admin, name)

    items, metas = walk(client, admin, ORGS, 2)
    assert [o["name"] for o in items] == names
    assert [m["has_more"] for m in metas] == [True, True, False]
    assert all(m["limit"] == 2 and m["total"] == 5 for m in metas)

    paged = client.get(ORGS, headers=admin.auth, query_string={"page": 2, "per_page": 2}).get_json()
    assert [o["name"] for o in paged["data"]] == names[2:4]
    assert paged["meta"]["has_more"] is True
    for alias in ("q", "search"):
        found = client.get(ORGS, headers=admin.auth, query_string={alias: "MOTOR"}).get_json()
        assert [o["name"] for o in found["data"]] == ["Charlie Motors"], alias


def test_members_teams_and_invitations_are_paginated(client, admin, org):
    a, a_admin = org["org"], org["admin"]
    users = [signed_in(client) for _ in range(3)]
    for user in users:
        join_by_invitation(client, a_admin, a, user)
    for name in ("Workshop", "Dispatch", "Archive"):
        new_team(client, a_admin, a, name)

    members, metas = walk(client, a_admin, f"{ORGS}/{a['id']}/members", 3)
    assert [m["user_id"] for m in members] == [a_admin.id] + [u.id for u in users]
    assert [m["has_more"] for m in metas] == [True, False]
    teams, _ = walk(client, users[0], f"{ORGS}/{a['id']}/teams", 2)
    assert [t["name"] for t in teams] == ["Archive", "Dispatch", "Workshop"]
    invitations, metas = walk(client, a_admin, f"{ORGS}/{a['id']}/invitations", 2)
    assert [i["user_id"] for i in invitations] == [u.id for u in reversed(users)]  # newest first
    assert metas[0]["total"] == 3

    other = new_org(client, admin, "Kunene Traders", admin_user_id=signed_in(client).id)
    invite(client, admin, other, users[0])
    mine, metas = walk(client, users[0], MINE, 1)
    assert [i["organization_name"] for i in mine] == ["Kunene Traders", "Namib Logistics"]
    assert [m["has_more"] for m in metas] == [True, False]


@pytest.mark.parametrize(
    "path",
    ["", "/{org}/members", "/{org}/teams", "/{org}/invitations", "mine"],
)
def test_an_unknown_query_parameter_is_refused_with_422_naming_it(client, org, path):
    a, a_admin = org["org"], org["admin"]
    url = MINE if path == "mine" else ORGS + path.format(org=a["id"])
    refused = client.get(url, headers=a_admin.auth, query_string={"sort": "name"})
    assert refused.status_code == 422
    body = refused.get_json()
    assert (body["status"], body["error"]["code"]) == ("validation_error", "VAL_001")
    assert [d["field"] for d in body["error"]["details"]] == ["sort"]
