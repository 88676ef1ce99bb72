"""The policy engine over HTTP: stored policies (list, read, replace) and evaluation, with
every change and every deny audited."""

from __future__ import annotations

import uuid

import pytest

from support.audit import audit_entries
from support.identity import grant_roles, signed_in, staff_with_mfa

POLICIES = "/api/v1/policies"
EVALUATE = f"{POLICIES}/evaluate"
SEEDED = [
    "ownership",
    "organization_scope",
    "amount_threshold",
    "segregation_of_duties",
    "business_hours",
    "data_classification",
]
BUSINESS_HOURS = {
    "actions": ["role:manage"],
    "weekdays": ["mon", "tue", "wed", "thu", "fri"],
    "start_hour": 8,
    "end_hour": 17,
    "timezone": "Africa/Windhoek",
}


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def customer(client):
    return signed_in(client)


def evaluate(client, admin, user_id: str, action: str, resource: dict, **extra):
    response = client.post(
        EVALUATE,
        headers=admin.auth,
        json={"user_id": user_id, "action": action, "resource": resource, **extra},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def enable_business_hours(client, admin) -> None:
    response = client.put(f"{POLICIES}/business_hours", headers=admin.auth, json={"enabled": True})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["enabled"] is True


# -- access ---------------------------------------------------------------------------------
def test_policies_need_a_token_and_policy_manage(client, container):
    assert client.get(POLICIES).status_code == 401
    anyone = {"user_id": str(uuid.uuid4()), "action": "user:read", "resource": {"type": "user"}}
    assert client.post(EVALUATE, json=anyone).status_code == 401
    staff = staff_with_mfa(client, container, "staff")
    for response in (
        client.get(POLICIES, headers=staff.auth),
        client.get(f"{POLICIES}/ownership", headers=staff.auth),
        client.put(f"{POLICIES}/ownership", headers=staff.auth, json={"enabled": False}),
        client.post(
            EVALUATE,
            headers=staff.auth,
            json={"user_id": staff.id, "action": "user:read", "resource": {"type": "user"}},
        ),
    ):
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["error"]["code"] == "ACC_001"


# -- reads ----------------------------------------------------------------------------------
def test_lists_the_six_seeded_policies_in_order(client, admin):
    response = client.get(POLICIES, headers=admin.auth)
    assert response.status_code == 200
    body = response.get_json()
    assert [p["name"] for p in body["data"]] == SEEDED
    assert [p["position"] for p in body["data"]] == [1, 2, 3, 4, 5, 6]
    assert body["meta"] == {"has_more": False, "next_cursor": None, "limit": 100, "total": 6}
    by_name = {p["name"]: p for p in body["data"]}
    assert {n for n, p in by_name.items() if not p["enabled"]} == {"business_hours"}
    assert by_name["amount_threshold"]["params"] == {
        "actions": ["payment:approve"],
        "thresholds": {"NAD": "50000.00"},
        "approval_permission": "payment:approve",
    }
    assert by_name["business_hours"]["params"] == BUSINESS_HOURS
    assert set(by_name["ownership"]) == {
        "name",
        "kind",
        "enabled",
        "position",
        "params",
        "updated_at",
        "updated_by",
    }


def test_gets_one_policy_and_answers_404_for_an_unknown_name(client, admin):
    response = client.get(f"{POLICIES}/segregation_of_duties", headers=admin.auth)
    assert response.status_code == 200
    assert response.get_json()["data"]["params"] == {"actions": ["payment:approve"]}
    missing = client.get(f"{POLICIES}/no_such_policy", headers=admin.auth)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "RES_001"


# -- changes --------------------------------------------------------------------------------
def test_put_replaces_params_in_canonical_form_and_is_audited(client, container, admin):
    response = client.put(
        f"{POLICIES}/amount_threshold",
        headers=admin.auth,
        json={
            "params": {
                "actions": ["payment:approve"],
                "thresholds": {"nad": "25000", "USD": "1000.50"},
                "approval_permission": "payment:approve",
            }
        },
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["params"]["thresholds"] == {"NAD": "25000", "USD": "1000.50"}
    assert data["enabled"] is True
    assert data["updated_by"] == admin.id
    assert client.get(f"{POLICIES}/amount_threshold", headers=admin.auth).get_json()["data"] == data

    [entry] = audit_entries(container, "policy.updated")
    assert entry["actor_id"] == admin.id
    assert entry["resource_type"] == "access_policy"
    assert entry["resource_id"] == "amount_threshold"
    assert entry["changes"]["before"]["params"]["thresholds"] == {"NAD": "50000.00"}
    assert entry["changes"]["after"]["params"]["thresholds"] == {"NAD": "25000", "USD": "1000.50"}


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("amount_threshold", {"actions": ["payment:approve"], "thresholds": {"NAD": 50000.5}}, "params"),
        ("business_hours", {**BUSINESS_HOURS, "weekdays": ["mon", "someday"]}, "params.weekdays"),
        ("business_hours", {**BUSINESS_HOURS, "start_hour": 18}, "params.end_hour"),
        ("ownership", {"actions": ["not a permission"]}, "params.actions"),
        ("data_classification", {"levels": ["secret"]}, "params.levels"),
        ("segregation_of_duties", {"actions": ["payment:approve"], "extra": 1}, "params.extra"),
    ],
)
def test_put_refuses_bad_params_and_changes_nothing(client, container, admin, name, params, field):
    before = client.get(f"{POLICIES}/{name}", headers=admin.auth).get_json()["data"]
    response = client.put(f"{POLICIES}/{name}", headers=admin.auth, json={"enabled": False, "params": params})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert body["error"]["code"] == "VAL_001"
    assert any(item["field"].startswith(field) for item in body["error"]["details"]), body
    assert client.get(f"{POLICIES}/{name}", headers=admin.auth).get_json()["data"] == before
    assert audit_entries(container, "policy.updated") == []


def test_put_refuses_unknown_fields_and_unknown_policies(client, admin):
    extra = client.put(f"{POLICIES}/ownership", headers=admin.auth, json={"kind": "business_hours"})
    assert extra.status_code == 422
    missing = client.put(f"{POLICIES}/nothing_here", headers=admin.auth, json={"enabled": True})
    assert missing.status_code == 404


# -- evaluation -----------------------------------------------------------------------------
def test_an_owner_may_read_their_own_account(client, container, admin, customer):
    result = evaluate(client, admin, customer.id, "user:read", {"type": "user", "owner_id": customer.id})
    assert result["allowed"] is True
    assert result["reason"] == "allowed"
    assert result["approval_required"] is False
    assert result["alert"] is False
    assert [d["policy"] for d in result["trace"]] == ["rbac", *[n for n in SEEDED if n != "business_hours"]]
    assert result["trace"][1] == {
        "effect": "allow",
        "policy": "ownership",
        "reason": "the subject owns the resource",
        "approval_required": False,
        "required_permission": None,
        "alert": False,
        "emergency_override": False,
    }
    assert result["emergency_override"] is False
    assert audit_entries(container, "policy.denied") == []


def test_rbac_denies_a_permission_the_user_lacks_and_the_deny_is_audited(client, container, admin, customer):
    result = evaluate(client, admin, customer.id, "payment:approve", {"type": "payment"})
    assert result["allowed"] is False
    assert result["trace"][0]["policy"] == "rbac"
    assert result["trace"][0]["effect"] == "deny"
    assert "rbac: no role grants payment:approve" in result["reason"]

    [entry] = audit_entries(container, "policy.denied")
    assert entry["actor_id"] == admin.id
    assert entry["resource_type"] == "payment"
    assert entry["reason"] == result["reason"]
    assert entry["changes"]["after"]["subject_id"] == customer.id
    assert entry["changes"]["after"]["action"] == "payment:approve"
    assert entry["changes"]["after"]["trace"] == result["trace"]


def test_someone_elses_account_is_denied_by_ownership(client, container, admin, customer):
    other = str(uuid.uuid4())
    result = evaluate(client, admin, customer.id, "user:read", {"type": "user", "owner_id": other})
    assert result["allowed"] is False
    assert result["reason"] == "ownership: the resource belongs to someone else"
    assert len(audit_entries(container, "policy.denied")) == 1


def test_the_maker_may_not_approve_their_own_payment(client, container, admin):
    checker = signed_in(client)
    grant_roles(container, checker, "staff")
    payment = {"type": "payment", "id": str(uuid.uuid4()), "amount": "100.00", "currency": "NAD"}

    own = evaluate(client, admin, checker.id, "payment:approve", {**payment, "maker_id": checker.id})
    assert own["allowed"] is False
    assert own["reason"] == "segregation_of_duties: the maker may not also be the checker"

    other = evaluate(client, admin, checker.id, "payment:approve", {**payment, "maker_id": str(uuid.uuid4())})
    assert other["allowed"] is True
    assert other["approval_required"] is False

    [entry] = audit_entries(container, "policy.denied")
    assert entry["resource_id"] == payment["id"]
    assert entry["changes"]["after"]["resource"]["amount"] == "100.00"


def test_an_amount_above_the_threshold_needs_approval(client, container, admin):
    checker = signed_in(client)
    grant_roles(container, checker, "staff")
    payment = {"type": "payment", "maker_id": str(uuid.uuid4()), "currency": "NAD"}
    above = evaluate(client, admin, checker.id, "payment:approve", {**payment, "amount": "50000.01"})
    assert above["allowed"] is True
    assert above["approval_required"] is True
    threshold = next(d for d in above["trace"] if d["policy"] == "amount_threshold")
    assert threshold["required_permission"] == "payment:approve"
    at_limit = evaluate(client, admin, checker.id, "payment:approve", {**payment, "amount": "50000.00"})
    assert at_limit["approval_required"] is False
    assert audit_entries(container, "policy.denied") == []


def test_restricted_data_is_denied_to_a_non_admin(client, container, admin):
    staff = signed_in(client)
    grant_roles(container, staff, "staff")
    resource = {"type": "user", "id": str(uuid.uuid4()), "classification": "restricted"}
    denied = evaluate(client, admin, staff.id, "user:read", resource)
    assert denied["allowed"] is False
    assert denied["reason"] == "data_classification: the resource is restricted"
    allowed = evaluate(client, admin, admin.id, "user:read", resource)
    assert allowed["allowed"] is True
    assert len(audit_entries(container, "policy.denied")) == 1


def test_business_hours_are_off_by_default(client, admin):
    result = evaluate(client, admin, admin.id, "role:manage", {"type": "role"}, at="2026-05-02T10:00:00Z")
    assert result["allowed"] is True
    assert "business_hours" not in [d["policy"] for d in result["trace"]]


@pytest.mark.parametrize(
    ("at", "allowed", "reason"),
    [
        ("2026-05-05T08:00:00+02:00", True, "tue 2026-05-05 08:00 Africa/Windhoek is within business hours"),
        ("2026-05-05T14:59:00Z", True, "tue 2026-05-05 16:59 Africa/Windhoek is within business hours"),
        ("2026-05-05T15:00:00Z", False, "is outside 08:00-17:00"),
        ("2026-05-02T10:00:00+02:00", False, "sat 2026-05-02 10:00 Africa/Windhoek is not a business day"),
        ("2026-05-01T10:00:00+02:00", False, "fri 2026-05-01 10:00 Africa/Windhoek is a public holiday"),
        ("2026-08-26T09:30:00+02:00", False, "is a public holiday"),  # Heroes' Day, a Wednesday
    ],
)
def test_business_hours_follow_the_windhoek_clock_and_namibian_holidays(
    client, container, admin, at, allowed, reason
):
    enable_business_hours(client, admin)
    result = evaluate(client, admin, admin.id, "role:manage", {"type": "role"}, at=at)
    assert result["allowed"] is allowed
    decision = next(d for d in result["trace"] if d["policy"] == "business_hours")
    assert reason in decision["reason"]
    assert decision["emergency_override"] is (not allowed) and result["emergency_override"] is (not allowed)
    denied = audit_entries(container, "policy.denied")
    assert len(denied) == (0 if allowed else 1)
    if not allowed:
        assert "business_hours" in denied[0]["reason"]


def test_an_emergency_reason_lets_the_action_through_with_an_alert(client, container, admin):
    enable_business_hours(client, admin)
    result = evaluate(
        client,
        admin,
        admin.id,
        "role:manage",
        {"type": "role"},
        at="2026-05-01T22:00:00+02:00",
        emergency_reason="INC-42: revoke a compromised administrator",
    )
    assert result["allowed"] is True
    assert result["alert"] is True
    decision = next(d for d in result["trace"] if d["policy"] == "business_hours")
    assert decision["alert"] is True
    assert "emergency access: INC-42" in decision["reason"]
    assert audit_entries(container, "policy.denied") == []


def test_evaluate_answers_404_for_an_unknown_user_and_422_for_bad_input(client, admin):
    missing = client.post(
        EVALUATE,
        headers=admin.auth,
        json={"user_id": str(uuid.uuid4()), "action": "user:read", "resource": {"type": "user"}},
    )
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "RES_001"
    for body in (
        {"user_id": admin.id, "action": "read everything", "resource": {"type": "user"}},
        {"user_id": admin.id, "action": "user:read", "resource": {"type": "user", "amount": 10.5}},
        {"user_id": admin.id, "action": "user:read", "resource": {"type": "user", "amount": "1e9"}},
        {
            "user_id": admin.id,
            "action": "user:read",
            "resource": {"type": "user", "classification": "secret"},
        },
        {
            "user_id": admin.id,
            "action": "user:read",
            "resource": {"type": "user"},
            "at": "2026-05-01T10:00:00",
        },
        {"user_id": admin.id, "action": "user:read", "resource": {"type": "user"}, "is_admin": True},
    ):
        response = client.post(EVALUATE, headers=admin.auth, json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.get_json()["error"]["code"] == "VAL_001"
