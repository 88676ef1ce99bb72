"""Joining an organization takes the user's consent: an org admin invites, the invitee
accepts or declines; only platform managers add a user directly, with a reason. Expiry,
cancellation, re-invitation, answers by the wrong person, answering twice, one
organization per user, the audit trail and the invitee's mail."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa
from support.mail import mails

ORGS = "/api/v1/organizations"
INVITATIONS = "/api/v1/organizations/invitations"
MINE = "/api/v1/me/organization-invitations"


def new_org(client, manager, name: str, **extra) -> dict:
    response = client.post(ORGS, headers=manager.auth, json={"name": name, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def invite(client, caller, org: dict, user, role: str = "member"):
    return client.post(
        f"{ORGS}/{org['id']}/invitations", headers=caller.auth, json={"user_id": user.id, "org_role": role}
    )


def invited(client, caller, org: dict, user, role: str = "member") -> dict:
    response = invite(client, caller, org, user, role)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def answer(client, user, invitation_id: str, verb: str = "accept"):
    return client.post(f"{INVITATIONS}/{invitation_id}/{verb}", headers=user.auth)


def cancel(client, caller, org: dict, invitation_id: str):
    return client.post(f"{ORGS}/{org['id']}/invitations/{invitation_id}/cancel", headers=caller.auth)


def member_ids(client, caller, org: dict) -> dict[str, str]:
    response = client.get(f"{ORGS}/{org['id']}/members", headers=caller.auth)
    assert response.status_code == 200, response.get_json()
    return {m["user_id"]: m["org_role"] for m in response.get_json()["data"]}


def invitation_mails(settings, user) -> list:
    return [m for m in mails(settings, user.email) if str(m["Subject"]).startswith("Invitation to join")]


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def world(client, admin):
    """Organizations A and B, each with an org admin, and a user in no organization."""
    a_admin, b_admin = signed_in(client), signed_in(client)
    return {
        "a": new_org(client, admin, "Namib Logistics", admin_user_id=a_admin.id),
        "b": new_org(client, admin, "Kunene Traders", admin_user_id=b_admin.id),
        "a_admin": a_admin,
        "b_admin": b_admin,
        "user": signed_in(client),
    }


# -- no membership without consent ------------------------------------------------------------
def test_an_org_admin_cannot_add_a_user_without_their_consent(client, container, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    refused = client.put(
        f"{ORGS}/{a['id']}/members/{user.id}", headers=a_admin.auth, json={"org_role": "member"}
    )
    assert refused.status_code == 403
    assert error_code(refused) == "GOV_008"
    assert user.id not in member_ids(client, a_admin, a)
    assert [
        e for e in audit_entries(container, "organization.member_added") if e["actor_id"] == a_admin.id
    ] == []


def test_a_platform_manager_adds_a_user_directly_only_with_a_reason(client, container, admin, world):
    a, user = world["a"], world["user"]
    url = f"{ORGS}/{a['id']}/members/{user.id}"
    missing = client.put(url, headers=admin.auth, json={"org_role": "member"})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"] == [
        {"field": "reason", "message": "required to add a user without an invitation"}
    ]
    assert user.id not in member_ids(client, admin, a)
    added = client.put(
        url, headers=admin.auth, json={"org_role": "member", "reason": "ticket 4711: account merge"}
    )
    assert added.status_code == 201, added.get_json()
    (entry,) = audit_entries(container, "organization.member_added")[-1:]
    assert (entry["actor_id"], entry["reason"]) == (admin.id, "ticket 4711: account merge")
    assert entry["changes"]["after"] == {"user_id": user.id, "org_role": "member"}


def test_an_invited_user_becomes_a_member_only_when_they_accept(client, container, settings, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    invitation = invited(client, a_admin, a, user, "org_admin")
    assert set(invitation) == {
        "id",
        "organization_id",
        "organization_name",
        "user_id",
        "org_role",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "decided_at",
    }
    assert (invitation["status"], invitation["org_role"], invitation["invited_by"]) == (
        "pending",
        "org_admin",
        a_admin.id,
    )
    assert user.id not in member_ids(client, a_admin, a)
    assert client.get(f"{ORGS}/{a['id']}", headers=user.auth).status_code == 404  # not in yet

    mine = client.get(MINE, headers=user.auth).get_json()
    assert [(i["id"], i["organization_name"], i["status"]) for i in mine["data"]] == [
        (invitation["id"], "Namib Logistics", "pending")
    ]
    listed = client.get(f"{ORGS}/{a['id']}/invitations", headers=a_admin.auth).get_json()["data"]
    assert [i["id"] for i in listed] == [invitation["id"]]

    container.outbox.dispatch_pending()  # the worker mails the invitee
    (mail,) = invitation_mails(settings, user)
    assert mail["Subject"] == "Invitation to join Namib Logistics"
    assert f"/api/v1/organizations/invitations/{invitation['id']}/accept" in mail.get_content()

    accepted = answer(client, user, invitation["id"])
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["data"]["status"] == "accepted"
    assert member_ids(client, a_admin, a)[user.id] == "org_admin"
    assert client.get(f"{ORGS}/{a['id']}", headers=user.auth).status_code == 200

    (sent,) = audit_entries(container, "organization.invitation_sent")
    assert (sent["actor_id"], sent["resource_id"]) == (a_admin.id, a["id"])
    assert sent["changes"]["after"]["user_id"] == user.id
    (done,) = audit_entries(container, "organization.invitation_accepted")
    assert done["actor_id"] == user.id
    (joined,) = [e for e in audit_entries(container, "organization.member_added") if e["actor_id"] == user.id]
    assert joined["changes"]["after"] == {
        "user_id": user.id,
        "org_role": "org_admin",
        "invitation_id": invitation["id"],
    }


def test_the_invitee_may_decline_and_nothing_changes(client, container, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    invitation = invited(client, a_admin, a, user)
    declined = answer(client, user, invitation["id"], "decline")
    assert declined.status_code == 200
    assert declined.get_json()["data"]["status"] == "declined"
    assert user.id not in member_ids(client, a_admin, a)
    (entry,) = audit_entries(container, "organization.invitation_declined")
    assert entry["actor_id"] == user.id


def test_nobody_but_the_invitee_may_answer_an_invitation(client, admin, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    invitation = invited(client, a_admin, a, user)
    for somebody in (signed_in(client), a_admin, world["b_admin"], admin):
        for verb in ("accept", "decline"):
            response = answer(client, somebody, invitation["id"], verb)
            assert response.status_code == 404, (somebody.id, verb)
            assert error_code(response) == "RES_001"
    assert client.get(MINE, headers=world["b_admin"].auth).get_json()["data"] == []
    assert answer(client, user, str(uuid.uuid4())).status_code == 404
    assert client.get(MINE, headers=user.auth).get_json()["data"][0]["status"] == "pending"


def test_an_invitation_is_answered_once(client, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    invitation = invited(client, a_admin, a, user)
    assert answer(client, user, invitation["id"]).status_code == 200
    for verb in ("accept", "decline"):
        again = answer(client, user, invitation["id"], verb)
        assert again.status_code == 409
        assert error_code(again) == "GOV_005"
        assert again.get_json()["error"]["details"] == {"status": "accepted"}
    assert cancel(client, a_admin, a, invitation["id"]).status_code == 409
    assert member_ids(client, a_admin, a)[user.id] == "member"


def test_the_inviter_cancels_a_pending_invitation(client, container, settings, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    invitation = invited(client, a_admin, a, user)
    assert cancel(client, world["b_admin"], world["b"], invitation["id"]).status_code == 404  # not B's
    assert (
        cancel(client, world["b_admin"], a, invitation["id"]).status_code == 404
    )  # B's admin is an outsider
    cancelled = cancel(client, a_admin, a, invitation["id"])
    assert cancelled.status_code == 200
    assert cancelled.get_json()["data"]["status"] == "cancelled"
    container.outbox.dispatch_pending()
    assert invitation_mails(settings, user) == []  # withdrawn before the worker ran: no mail
    refused = answer(client, user, invitation["id"])
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert {k: error[k] for k in ("code", "message", "details")} == {
        "code": "GOV_005",
        "message": "This invitation was already cancelled",
        "details": {"status": "cancelled"},
    }
    assert user.id not in member_ids(client, a_admin, a)
    (entry,) = audit_entries(container, "organization.invitation_cancelled")
    assert entry["actor_id"] == a_admin.id


def test_a_plain_member_neither_invites_nor_cancels(client, world):
    a, a_admin, member = world["a"], world["a_admin"], signed_in(client)
    assert answer(client, member, invited(client, a_admin, a, member)["id"]).status_code == 200
    invitation = invited(client, a_admin, a, world["user"])
    for response in (
        invite(client, member, a, signed_in(client)),
        cancel(client, member, a, invitation["id"]),
        client.get(f"{ORGS}/{a['id']}/invitations", headers=member.auth),
    ):
        assert response.status_code == 403
        assert error_code(response) == "ACC_001"


def test_one_pending_invitation_at_a_time_and_a_new_one_after_decline_or_cancel(client, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    first = invited(client, a_admin, a, user)
    twice = invite(client, a_admin, a, user)
    assert twice.status_code == 409
    assert error_code(twice) == "GOV_004"
    assert twice.get_json()["error"]["details"] == {"invitation_id": first["id"]}
    assert cancel(client, a_admin, a, first["id"]).status_code == 200
    second = invited(client, a_admin, a, user)
    assert answer(client, user, second["id"], "decline").status_code == 200
    third = invited(client, a_admin, a, user, "org_admin")
    assert answer(client, user, third["id"]).status_code == 200
    assert member_ids(client, a_admin, a)[user.id] == "org_admin"
    statuses = [i["status"] for i in client.get(MINE, headers=user.auth).get_json()["data"]]
    assert statuses == ["accepted", "declined", "cancelled"]  # newest first


def test_an_expired_invitation_cannot_be_accepted_and_may_be_renewed(client, container, world):
    a, a_admin, user = world["a"], world["a_admin"], world["user"]
    invitation = invited(client, a_admin, a, user)
    with container.session_factory() as session:  # eight days pass
        session.execute(
            text(
                "UPDATE organization_invitation SET created_at = created_at - interval '8 days', "
                "expires_at = expires_at - interval '8 days' WHERE id = :id"
            ),
            {"id": invitation["id"]},
        )
        session.commit()
    late = answer(client, user, invitation["id"])
    assert late.status_code == 409
    assert error_code(late) == "GOV_006"
    assert user.id not in member_ids(client, a_admin, a)
    assert client.get(MINE, headers=user.auth).get_json()["data"][0]["status"] == "expired"
    renewed = invited(client, a_admin, a, user)
    assert answer(client, user, renewed["id"]).status_code == 200
    listed = client.get(f"{ORGS}/{a['id']}/invitations", headers=a_admin.auth).get_json()["data"]
    assert [i["status"] for i in listed] == ["accepted", "expired"]


def test_invitations_expire_after_the_configured_days(client, world):
    sent = invited(client, world["a_admin"], world["a"], world["user"])
    created, expires = (sent[k].replace("Z", "+00:00") for k in ("created_at", "expires_at"))
    assert datetime.fromisoformat(expires) - datetime.fromisoformat(created) == timedelta(days=7)


def test_a_member_of_another_organization_cannot_accept_until_they_leave(client, world):
    a, b, a_admin, b_admin, user = world["a"], world["b"], world["a_admin"], world["b_admin"], world["user"]
    assert answer(client, user, invited(client, a_admin, a, user)["id"]).status_code == 200
    to_b = invited(client, b_admin, b, user)  # inviting is allowed: it reveals nothing about A
    refused = answer(client, user, to_b["id"])
    assert refused.status_code == 409
    assert error_code(refused) == "GOV_007"
    assert refused.get_json()["error"]["details"] == {"organization_id": a["id"]}
    assert user.id not in member_ids(client, b_admin, b)
    assert client.delete(f"{ORGS}/{a['id']}/members/{user.id}", headers=a_admin.auth).status_code == 204
    assert answer(client, user, to_b["id"]).status_code == 200
    assert user.id in member_ids(client, b_admin, b)


def test_a_current_member_is_not_invited_again(client, world):
    a, a_admin = world["a"], world["a_admin"]
    refused = invite(client, a_admin, a, a_admin)
    assert refused.status_code == 409
    assert error_code(refused) == "GOV_007"


def test_an_invitation_to_a_closed_organization_cannot_be_accepted(client, admin, world):
    a, user = world["a"], world["user"]
    invitation = invited(client, world["a_admin"], a, user)
    assert client.post(f"{ORGS}/{a['id']}/close", headers=admin.auth).status_code == 200
    refused = answer(client, user, invitation["id"])
    assert refused.status_code == 409
    assert error_code(refused) == "RES_005"
    assert invite(client, world["a_admin"], a, signed_in(client)).status_code == 409
    assert answer(client, user, invitation["id"], "decline").status_code == 200
