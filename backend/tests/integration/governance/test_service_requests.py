"""Service requests over HTTP on real PostgreSQL: the workflow commands, approval chains
(distinct approvers, no self-approval, versions pinned at submission), visibility (own,
organization, all), comments, list filters, the policy engine, notifications and the
4-hourly approval reminder."""

from __future__ import annotations

import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from support.audit import audit_entries
from support.governance import join, make_organization, make_team
from support.identity import grant_roles, signed_in, staff_with_mfa

REQUESTS = "/api/v1/service-requests"
CATEGORIES = "/api/v1/service-request-categories"


# -- helpers ------------------------------------------------------------------------------


def open_request(client, user, **body):
    payload = {"category": "general", "title": "New SIM card for the branch", **body}
    response = client.post(REQUESTS, headers=user.auth, json=payload)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert response.headers["Location"] == f"{REQUESTS}/{data['id']}"
    return data


def act(client, user, request_id: str, command: str, body: dict | None = None):
    return client.post(f"{REQUESTS}/{request_id}/{command}", headers=user.auth, json=body or {})


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()["data"]


def mails_to(settings, address: str) -> list[email.message.EmailMessage]:
    directory = Path(settings.VAR_DIR) / "mail"
    found = []
    for path in directory.glob("*.eml") if directory.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if str(message["To"]).strip().lower() == address.lower():
            found.append(message)
    return found


def subjects_to(settings, address: str) -> list[str]:
    return sorted(str(m["Subject"]) for m in mails_to(settings, address))


def outbox_events(container, event_type: str) -> list[dict]:
    with container.session_factory() as session:
        return list(
            session.execute(
                text("SELECT payload FROM outbox_message WHERE event_type = :t ORDER BY occurred_at"),
                {"t": event_type},
            ).scalars()
        )


def scoped_role(container, name: str, grants: dict[str, str]) -> None:
    """A custom role granting each permission at the given scope (straight into the tables)."""
    with container.session_factory() as session:
        role_id = session.execute(
            text("INSERT INTO role (name, description) VALUES (:n, 'test role') RETURNING id"), {"n": name}
        ).scalar_one()
        for permission, scope in grants.items():
            session.execute(
                text(
                    "INSERT INTO role_permission (role_id, permission_id, scope) "
                    "SELECT :r, id, :s FROM permission WHERE name = :p"
                ),
                {"r": role_id, "s": scope, "p": permission},
            )
        session.commit()


@pytest.fixture
def customer(client):
    return signed_in(client)


@pytest.fixture
def staff(client, container):
    return staff_with_mfa(client, container, "staff")


@pytest.fixture
def checker(client, container):
    return staff_with_mfa(client, container, "staff")


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


# -- opening and the happy path -----------------------------------------------------------
def test_a_customer_opens_a_draft_and_it_is_audited(client, container, customer):
    data = open_request(client, customer, priority="high", description="Two cards", amount="120.50")
    assert data["status"] == "draft"
    assert data["requester_id"] == customer.id
    assert data["amount"] == "120.50" and data["currency"] == "NAD"
    assert data["chain"] is None and data["due_at"] is None
    assert data["available_actions"] == ["cancel", "submit"]
    entries = audit_entries(container, "service_request.created")
    assert [e["resource_id"] for e in entries] == [data["id"]]
    assert entries[0]["changes"]["after"]["status"] == "draft"


def test_the_whole_workflow_from_draft_to_completed(client, container, settings, customer, staff, checker):
    request = open_request(client, customer)
    submitted_at = datetime.now(UTC)
    data = ok(act(client, customer, request["id"], "submit", {"comment": "please"}))
    assert data["status"] == "submitted"
    assert data["chain"]["version"] == 1 and data["chain"]["category"] == "general"
    due = datetime.fromisoformat(data["due_at"].replace("Z", "+00:00"))
    assert (
        timedelta(hours=71, minutes=59) < due - submitted_at < timedelta(hours=72, minutes=1)
    )  # normal: 72 h

    data = ok(act(client, staff, request["id"], "assign", {"user_id": staff.id}))
    assert data["status"] == "in_review"
    assert data["assignee"] == {"kind": "user", "id": staff.id}
    assert data["approval"]["current_level"] == 1
    container.outbox.dispatch_pending()  # the worker: assignment and "approval needed" notices
    assert any("assigned to you" in s for s in subjects_to(settings, staff.email))
    assert any("approval is needed" in s for s in subjects_to(settings, checker.email))

    data = ok(act(client, checker, request["id"], "approve", {"comment": "fine"}))
    assert data["status"] == "approved"
    assert [a["approver_id"] for a in data["approvals"]] == [checker.id]
    data = ok(act(client, staff, request["id"], "start"))
    assert data["status"] == "in_progress"
    data = ok(act(client, staff, request["id"], "complete", {"comment": "done"}))
    assert data["status"] == "completed" and data["completed_at"] is not None
    assert [(h["from"], h["to"]) for h in data["history"]] == [
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "approved"),
        ("approved", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert data["available_actions"] == []
    for action in ("submit", "assign", "approve", "start", "complete"):
        assert len(audit_entries(container, f"service_request.{action}")) == 1, action

    container.outbox.dispatch_pending()
    mine = subjects_to(settings, customer.email)
    assert any("was approved" in s for s in mine)
    assert any("was completed" in s for s in mine)
    assert not any("approval is needed" in s for s in mine)  # the requester never decides


def test_a_rejection_needs_a_reason_and_tells_the_requester(client, container, settings, customer, staff):
    request = open_request(client, customer)
    ok(act(client, customer, request["id"], "submit"))
    ok(act(client, staff, request["id"], "assign", {"user_id": staff.id}))
    missing = act(client, staff, request["id"], "reject", {})
    assert missing.status_code == 422
    data = ok(act(client, staff, request["id"], "reject", {"reason": "Not a branch request"}))
    assert data["status"] == "rejected"
    assert data["history"][-1]["comment"] == "Not a branch request"
    assert audit_entries(container, "service_request.reject")[0]["reason"] == "Not a branch request"
    container.outbox.dispatch_pending()
    assert any("was rejected" in s for s in subjects_to(settings, customer.email))


# -- illegal transitions and permissions ---------------------------------------------------
@pytest.mark.parametrize(
    ("command", "body"),
    [("approve", {}), ("start", {}), ("complete", {}), ("reject", {"reason": "no"})],
)
def test_an_illegal_transition_is_a_409_naming_the_current_state(client, customer, staff, command, body):
    request = open_request(client, customer)
    response = act(client, staff, request["id"], command, body)
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "RES_005"
    assert error["details"]["state"] == "draft"
    assert error["details"]["action"] == command


def test_cancel_is_only_for_drafts_and_submitted_requests(client, customer, staff):
    request = open_request(client, customer)
    ok(act(client, customer, request["id"], "submit"))
    ok(act(client, staff, request["id"], "assign", {"team_id": None, "user_id": staff.id}))
    response = act(client, customer, request["id"], "cancel")
    assert response.status_code == 409
    assert response.get_json()["error"]["details"]["state"] == "in_review"
    other = open_request(client, customer)
    assert (
        ok(act(client, customer, other["id"], "cancel", {"comment": "changed my mind"}))["status"]
        == "cancelled"
    )


def test_customers_cannot_run_staff_commands_and_nobody_else_submits_a_draft(client, customer, staff):
    request = open_request(client, customer)
    ok(act(client, customer, request["id"], "submit"))
    refused = act(client, customer, request["id"], "assign", {"user_id": customer.id})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "ACC_001"
    draft = open_request(client, customer)
    refused = act(client, staff, draft["id"], "submit")
    assert refused.status_code == 403


def test_nobody_approves_their_own_request(client, staff, checker):
    request = open_request(client, staff)
    ok(act(client, staff, request["id"], "submit"))
    ok(act(client, checker, request["id"], "assign", {"user_id": checker.id}))
    response = act(client, staff, request["id"], "approve")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACC_001"
    assert "own request" in response.get_json()["error"]["message"]
    response = act(client, staff, request["id"], "reject", {"reason": "mine"})
    assert response.status_code == 403


def test_assigning_to_an_unknown_user_or_team_is_a_422_and_changes_nothing(
    client, container, customer, staff
):
    request = open_request(client, customer)
    ok(act(client, customer, request["id"], "submit"))
    for body in ({"user_id": str(uuid.uuid4())}, {"team_id": str(uuid.uuid4())}, {}):
        response = act(client, staff, request["id"], "assign", body)
        assert response.status_code == 422, body
    assert ok(client.get(f"{REQUESTS}/{request['id']}", headers=staff.auth))["status"] == "submitted"
    assert audit_entries(container, "service_request.assign") == []


# -- who may be assigned ----------------------------------------------------------------------
@pytest.fixture
def branches(client, container):
    """Branches A and B; a submitted request of a customer of A; an organization-scoped
    officer in each branch (service_request:read and :manage at scope organization)."""
    a, b = make_organization(container, "Branch A"), make_organization(container, "Branch B")
    scoped_role(
        container,
        "branch-officer",
        {"service_request:read": "organization", "service_request:manage": "organization"},
    )
    requester, officer_a, officer_b = signed_in(client), signed_in(client), signed_in(client)
    join(container, a, requester, officer_a)
    join(container, b, officer_b)
    for officer in (officer_a, officer_b):
        grant_roles(container, officer, "branch-officer")
    request = open_request(client, requester)
    ok(act(client, requester, request["id"], "submit"))
    return {"a": a, "b": b, "request": request, "officer_a": officer_a, "officer_b": officer_b}


def assert_refused_unchanged(client, container, settings, staff, request, response, code, *told) -> None:
    """Refused with `code`; the request is still unassigned, nothing audited, nobody mailed."""
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == code
    data = ok(client.get(f"{REQUESTS}/{request['id']}", headers=staff.auth))
    assert (data["status"], data["assignee"]) == ("submitted", None)
    assert audit_entries(container, "service_request.assign") == []
    assert outbox_events(container, "governance.ServiceRequestAssigned") == []
    container.outbox.dispatch_pending()
    for person in told:
        assert not any("assigned" in s for s in subjects_to(settings, person.email))


def test_a_request_cannot_be_assigned_to_a_customer_of_another_organization(
    client, container, settings, staff, branches
):
    outsider = signed_in(client)
    join(container, branches["b"], outsider)
    request = branches["request"]
    response = act(client, staff, request["id"], "assign", {"user_id": outsider.id})
    assert_refused_unchanged(client, container, settings, staff, request, response, "GOV_001", outsider)


def test_a_request_cannot_be_assigned_to_a_customer_of_its_own_organization(
    client, container, settings, staff, branches
):
    colleague = signed_in(client)
    join(container, branches["a"], colleague)
    request = branches["request"]
    response = act(client, staff, request["id"], "assign", {"user_id": colleague.id})
    assert_refused_unchanged(client, container, settings, staff, request, response, "GOV_001", colleague)


def test_a_request_cannot_be_assigned_to_organization_scoped_staff_of_another_organization(
    client, container, settings, staff, branches
):
    request, officer_b = branches["request"], branches["officer_b"]
    response = act(client, staff, request["id"], "assign", {"user_id": officer_b.id})
    assert_refused_unchanged(client, container, settings, staff, request, response, "GOV_001", officer_b)


def test_a_request_cannot_be_assigned_to_a_team_of_another_organization(
    client, container, settings, staff, branches
):
    request, officer_b = branches["request"], branches["officer_b"]
    team_b = make_team(container, branches["b"], "Branch B desk", officer_b)
    response = act(client, staff, request["id"], "assign", {"team_id": str(team_b)})
    assert_refused_unchanged(client, container, settings, staff, request, response, "GOV_002", officer_b)


def test_a_request_cannot_be_assigned_to_a_team_with_a_member_who_may_not_work_on_it(
    client, container, settings, staff, branches
):
    request, officer_a = branches["request"], branches["officer_a"]
    customer_a = signed_in(client)
    join(container, branches["a"], customer_a)
    mixed = make_team(container, branches["a"], "Front desk", officer_a, customer_a)
    response = act(client, staff, request["id"], "assign", {"team_id": str(mixed)})
    assert_refused_unchanged(client, container, settings, staff, request, response, "GOV_003", customer_a)
    assert response.get_json()["error"]["details"] == [
        {"field": "team_id", "message": f"member {customer_a.id} cannot work on this request"}
    ]
    empty = make_team(container, branches["a"], "Nobody yet")
    refused = act(client, staff, request["id"], "assign", {"team_id": str(empty)})
    assert_refused_unchanged(client, container, settings, staff, request, refused, "GOV_003")


def test_a_request_is_assigned_to_staff_who_may_work_on_it_and_to_its_organizations_team(
    client, container, settings, staff, branches
):
    request, officer_a = branches["request"], branches["officer_a"]
    data = ok(act(client, staff, request["id"], "assign", {"user_id": officer_a.id}))
    assert data["assignee"] == {"kind": "user", "id": officer_a.id}
    desk = make_team(container, branches["a"], "Branch A desk", officer_a)
    data = ok(act(client, staff, request["id"], "assign", {"team_id": str(desk)}))
    assert data["assignee"] == {"kind": "team", "id": str(desk)}
    container.outbox.dispatch_pending()
    assert any("assigned to you" in s for s in subjects_to(settings, officer_a.email))
    assert any("assigned to your team" in s for s in subjects_to(settings, officer_a.email))


# -- approval chains ------------------------------------------------------------------------
def test_large_amounts_need_two_distinct_admins_after_the_first_level(client, container, staff):
    requester = signed_in(client)
    first, second = (staff_with_mfa(client, container, "admin") for _ in range(2))
    request = open_request(client, requester, category="payment_exception", amount="60000.00")
    ok(act(client, requester, request["id"], "submit"))
    data = ok(act(client, staff, request["id"], "assign", {"user_id": staff.id}))
    assert data["approval"]["applicable_levels"] == [1, 2]

    data = ok(act(client, staff, request["id"], "approve"))  # level 1: service_request:approve
    assert data["status"] == "in_review" and data["approval"]["current_level"] == 2
    again = act(client, staff, request["id"], "approve")  # one approval per person
    assert again.status_code == 409
    data = ok(act(client, first, request["id"], "approve"))
    assert data["status"] == "in_review"
    twice = act(client, first, request["id"], "approve")
    assert twice.status_code == 409
    data = ok(act(client, second, request["id"], "approve"))
    assert data["status"] == "approved"
    assert [(a["approver_id"], a["level"]) for a in data["approvals"]] == [
        (staff.id, 1),
        (first.id, 2),
        (second.id, 2),
    ]
    with container.session_factory() as session:  # one row per approver: distinctness in the database
        rows = session.execute(
            text(
                "SELECT count(DISTINCT approver_id), count(*) "
                "FROM service_request_approval WHERE request_id = :r"
            ),
            {"r": request["id"]},
        ).one()
    assert tuple(rows) == (3, 3)


def test_a_level_needing_a_role_refuses_someone_without_it(client, container, staff, checker):
    requester = signed_in(client)
    request = open_request(client, requester, category="payment_exception", amount="50000")
    ok(act(client, requester, request["id"], "submit"))
    ok(act(client, staff, request["id"], "assign", {"user_id": staff.id}))
    ok(act(client, staff, request["id"], "approve"))
    response = act(client, checker, request["id"], "approve")  # staff, not admin
    assert response.status_code == 403
    assert "admin" in response.get_json()["error"]["message"]


def test_small_amounts_skip_the_threshold_level(client, customer, staff):
    request = open_request(client, customer, category="payment_exception", amount="49999.99")
    ok(act(client, customer, request["id"], "submit"))
    ok(act(client, staff, request["id"], "assign", {"user_id": staff.id}))
    data = ok(act(client, staff, request["id"], "approve"))  # the assignee may approve: not the requester
    assert data["status"] == "approved"
    assert data["approval"]["applicable_levels"] == [1]


def test_a_request_keeps_the_chain_version_it_was_submitted_under(client, container, admin, customer, staff):
    before = open_request(client, customer)
    ok(act(client, customer, before["id"], "submit"))
    revised = ok(
        client.put(
            f"{CATEGORIES}/general/chain",
            headers=admin.auth,
            json={
                "levels": [
                    {
                        "name": "pair",
                        "required_permission": "service_request:approve",
                        "approvers_required": 2,
                    }
                ]
            },
        )
    )
    assert revised["version"] == 2
    after = open_request(client, customer)
    assert ok(act(client, customer, after["id"], "submit"))["chain"]["version"] == 2

    for request in (before, after):
        ok(act(client, staff, request["id"], "assign", {"user_id": staff.id}))
        ok(act(client, staff, request["id"], "approve"))
    assert ok(client.get(f"{REQUESTS}/{before['id']}", headers=staff.auth))["status"] == "approved"
    assert ok(client.get(f"{REQUESTS}/{after['id']}", headers=staff.auth))["status"] == "in_review"
    versions = ok(client.get(f"{CATEGORIES}/general/chain/versions", headers=admin.auth))
    assert [c["version"] for c in versions] == [1, 2]
    assert (
        ok(client.get(f"{CATEGORIES}/general/chain?version=1", headers=admin.auth))["levels"][0][
            "approvers_required"
        ]
        == 1
    )
    entries = audit_entries(container, "approval_chain.revised")
    assert entries[0]["resource_id"] == "general@2"


def test_categories_are_configured_by_workflow_managers_only(client, container, admin, staff, customer):
    body = {
        "name": "vehicle_transfer",
        "description": "Forced vehicle ownership transfers",
        "levels": [{"required_role": "admin", "approvers_required": 1}],
    }
    assert client.post(CATEGORIES, headers=staff.auth, json=body).status_code == 403
    response = client.post(CATEGORIES, headers=admin.auth, json=body)
    created = ok(response, 201)
    assert created == {
        "name": "vehicle_transfer",
        "description": "Forced vehicle ownership transfers",
        "active": True,
        "chain_version": 1,
    }
    assert response.headers["Location"] == f"{CATEGORIES}/vehicle_transfer"
    assert ok(client.get(response.headers["Location"], headers=customer.auth)) == created  # one shape
    chain = ok(client.get(f"{CATEGORIES}/vehicle_transfer/chain", headers=admin.auth))
    assert chain["version"] == 1 and chain["levels"][0]["required_role"] == "admin"
    assert client.post(CATEGORIES, headers=admin.auth, json=body).status_code == 409
    unknown_role = {**body, "name": "other", "levels": [{"required_role": "wizard"}]}
    response = client.post(CATEGORIES, headers=admin.auth, json=unknown_role)
    assert response.status_code == 422
    all_thresholds = {**body, "name": "other", "levels": [{"required_role": "admin", "threshold": "10"}]}
    assert client.post(CATEGORIES, headers=admin.auth, json=all_thresholds).status_code == 422
    names = [c["name"] for c in ok(client.get(CATEGORIES, headers=customer.auth))]
    assert names == ["general", "payment_exception", "vehicle_transfer"]

    ok(client.patch(f"{CATEGORIES}/vehicle_transfer", headers=admin.auth, json={"active": False}))
    names = [c["name"] for c in ok(client.get(CATEGORIES, headers=customer.auth))]
    assert "vehicle_transfer" not in names
    response = client.post(
        REQUESTS, headers=customer.auth, json={"category": "vehicle_transfer", "title": "x"}
    )
    assert response.status_code == 422
    assert len(audit_entries(container, "service_request_category.created")) == 1
    assert len(audit_entries(container, "service_request_category.updated")) == 1


# -- visibility -------------------------------------------------------------------------------
def test_customers_see_only_their_own_requests(client, customer):
    other = signed_in(client)
    theirs = open_request(client, other)
    mine = open_request(client, customer)
    response = client.get(f"{REQUESTS}/{theirs['id']}", headers=customer.auth)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "RES_001"
    assert act(client, customer, theirs["id"], "cancel").status_code == 404
    assert client.get(f"{REQUESTS}/{theirs['id']}/comments", headers=customer.auth).status_code == 404
    listed = client.get(REQUESTS, headers=customer.auth).get_json()
    assert [r["id"] for r in listed["data"]] == [mine["id"]]
    assert listed["meta"]["total"] == 1


def test_an_organization_scoped_staff_member_gets_404_for_another_organizations_requests(client, container):
    branch_a, branch_b = make_organization(container, "Branch A"), make_organization(container, "Branch B")
    scoped_role(
        container,
        "branch-officer",
        {"service_request:read": "organization", "service_request:manage": "organization"},
    )
    officer = staff_with_mfa(client, container, "branch-officer")
    join(container, branch_a, officer)
    in_a, in_b = signed_in(client), signed_in(client)
    join(container, branch_a, in_a)
    join(container, branch_b, in_b)
    request_a, request_b = open_request(client, in_a), open_request(client, in_b)
    assert request_a["organization_id"] == str(branch_a)

    assert client.get(f"{REQUESTS}/{request_a['id']}", headers=officer.auth).status_code == 200
    response = client.get(f"{REQUESTS}/{request_b['id']}", headers=officer.auth)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "RES_001"
    ok(act(client, in_b, request_b["id"], "submit"))
    assert act(client, officer, request_b["id"], "assign", {"user_id": officer.id}).status_code == 404
    listed = client.get(REQUESTS, headers=officer.auth).get_json()["data"]
    assert [r["id"] for r in listed] == [request_a["id"]]


# -- comments and lists -----------------------------------------------------------------------
def test_comments_are_kept_in_order_and_their_text_stays_out_of_the_audit_log(
    client, container, customer, staff
):
    request = open_request(client, customer)
    ok(
        client.post(
            f"{REQUESTS}/{request['id']}/comments", headers=customer.auth, json={"body": "My ID is 8501"}
        ),
        201,
    )
    ok(client.post(f"{REQUESTS}/{request['id']}/comments", headers=staff.auth, json={"body": "Noted"}), 201)
    comments = ok(client.get(f"{REQUESTS}/{request['id']}/comments", headers=customer.auth))
    assert [(c["author_id"], c["body"]) for c in comments] == [
        (customer.id, "My ID is 8501"),
        (staff.id, "Noted"),
    ]
    entries = audit_entries(container, "service_request.commented")
    assert len(entries) == 2
    assert all("8501" not in str(e) for e in entries)
    blank = client.post(f"{REQUESTS}/{request['id']}/comments", headers=customer.auth, json={"body": "   "})
    assert blank.status_code == 422
    assert blank.get_json()["error"]["details"][0]["field"] == "body"  # the comment's own field


def test_a_new_comment_has_a_location_and_the_comments_walk_by_cursor(client, customer, staff, admin):
    request = open_request(client, customer)
    url = f"{REQUESTS}/{request['id']}/comments"
    for n in range(3):
        response = client.post(url, headers=customer.auth, json={"body": f"note {n}"})
        comment = ok(response, 201)
        assert response.headers["Location"] == f"{url}/{comment['id']}"
        assert ok(client.get(response.headers["Location"], headers=staff.auth)) == comment
    first = client.get(url, headers=customer.auth, query_string={"limit": 2}).get_json()
    assert [c["body"] for c in first["data"]] == ["note 0", "note 1"]
    assert first["meta"]["has_more"] is True and first["meta"]["limit"] == 2
    rest = client.get(
        url, headers=customer.auth, query_string={"limit": 2, "cursor": first["meta"]["next_cursor"]}
    ).get_json()
    assert [c["body"] for c in rest["data"]] == ["note 2"]
    assert rest["meta"] == {"has_more": False, "next_cursor": None, "limit": 2, "total": 3}
    assert client.get(url, headers=customer.auth, query_string={"limit": 0}).status_code == 422
    other = open_request(client, staff)
    assert client.get(f"{url}/{uuid.uuid4()}", headers=customer.auth).status_code == 404
    assert (
        client.get(f"{REQUESTS}/{other['id']}/comments/{comment['id']}", headers=admin.auth).status_code
        == 404
    )


def test_actions_take_no_body_and_answer_the_request(client, customer, staff):
    request = open_request(client, customer)
    submitted = client.post(f"{REQUESTS}/{request['id']}/submit", headers=customer.auth)
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["data"]["status"] == "submitted"
    assert set(submitted.get_json()["data"]) == set(request)  # one shape on create and on every action


def test_an_assignment_naming_both_or_neither_assignee_names_the_field(client, customer, staff):
    request = open_request(client, customer)
    ok(act(client, customer, request["id"], "submit"))
    for body in ({}, {"user_id": staff.id, "team_id": str(uuid.uuid4())}):
        response = act(client, staff, request["id"], "assign", body)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["details"][0]["field"] == "team_id"


def test_the_list_filters_and_paginates(client, container, customer, staff):
    low = open_request(client, customer, priority="low", title="low one")
    high = open_request(client, customer, priority="high", category="payment_exception", amount="10")
    ok(act(client, customer, high["id"], "submit"))
    ok(act(client, staff, high["id"], "assign", {"user_id": staff.id}))

    def ids(**query) -> list[str]:
        response = client.get(REQUESTS, headers=staff.auth, query_string=query)
        assert response.status_code == 200, response.get_json()
        return [r["id"] for r in response.get_json()["data"]]

    assert ids(priority="high") == [high["id"]]
    assert ids(status="draft") == [low["id"]]
    assert ids(category="payment_exception") == [high["id"]]
    assert ids(assignee_id=staff.id) == [high["id"]]
    assert set(ids(requester_id=customer.id)) == {low["id"], high["id"]}
    assert ids(overdue="true") == []
    with container.session_factory() as session:  # its deadline passes
        session.execute(
            text("UPDATE service_request SET due_at = now() - interval '1 hour' WHERE id = :id"),
            {"id": high["id"]},
        )
        session.commit()
    assert ids(overdue="true") == [high["id"]]
    assert ok(client.get(f"{REQUESTS}/{high['id']}", headers=staff.auth))["overdue"] is True
    page = client.get(REQUESTS, headers=staff.auth, query_string={"per_page": 1, "page": 2}).get_json()
    assert page["meta"] == {"has_more": False, "next_cursor": None, "limit": 1, "total": 2}
    assert [r["id"] for r in page["data"]] == [low["id"]]  # newest first: the alias still pages
    first = client.get(REQUESTS, headers=staff.auth, query_string={"limit": 1}).get_json()
    assert [r["id"] for r in first["data"]] == [high["id"]] and first["meta"]["has_more"] is True
    cursor = first["meta"]["next_cursor"]
    second = client.get(REQUESTS, headers=staff.auth, query_string={"limit": 1, "cursor": cursor}).get_json()
    assert [r["id"] for r in second["data"]] == [low["id"]]
    assert second["meta"]["has_more"] is False and second["meta"]["next_cursor"] is None
    unknown = client.get(REQUESTS, headers=staff.auth, query_string={"search": "sim"})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["details"][0]["field"] == "search"
    assert client.get(REQUESTS, headers=staff.auth, query_string={"status": "lost"}).status_code == 422


def test_bad_input_is_a_422_and_stores_nothing(client, container, customer):
    for body in (
        {"category": "general", "title": ""},
        {"category": "general", "title": "x", "priority": "urgent"},
        {"category": "general", "title": "x", "amount": "-1"},
        {"category": "general", "title": "x", "amount": 1.5},
        {"category": "no_such", "title": "x"},
        {"category": "general", "title": "x", "status": "approved"},  # mass assignment
    ):
        response = client.post(REQUESTS, headers=customer.auth, json=body)
        assert response.status_code == 422, body
    with container.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM service_request")).scalar() == 0


# -- the policy engine ----------------------------------------------------------------------
def test_the_policy_engine_is_consulted_and_its_deny_audited(client, container, admin, staff, checker):
    response = client.put(
        "/api/v1/policies/segregation_of_duties",
        headers=admin.auth,
        json={"params": {"actions": ["payment:approve", "service_request:manage"]}},
    )
    assert response.status_code == 200, response.get_json()
    request = open_request(client, staff)
    ok(act(client, staff, request["id"], "submit"))
    refused = act(client, staff, request["id"], "assign", {"user_id": staff.id})  # maker acting as checker
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "ACC_001"
    denied = audit_entries(container, "policy.denied")
    assert denied and denied[-1]["resource_id"] == request["id"]
    assert denied[-1]["changes"]["after"]["action"] == "service_request:manage"
    ok(act(client, checker, request["id"], "assign", {"user_id": checker.id}))  # someone else may


# -- reminders -------------------------------------------------------------------------------
def test_pending_approvers_are_reminded_once_per_interval(
    client, container, settings, customer, staff, checker
):
    request = open_request(client, customer, category="payment_exception", amount="75000")
    ok(act(client, customer, request["id"], "submit"))
    ok(act(client, staff, request["id"], "assign", {"user_id": staff.id}))
    ok(act(client, staff, request["id"], "approve"))  # level 2 (two admins) now waits
    admins = [staff_with_mfa(client, container, "admin") for _ in range(2)]
    service = container.service_requests
    now = datetime.now(UTC)

    assert service.remind_pending_approvers(at=now) == 0  # not yet waiting 24 hours
    later = now + timedelta(hours=25)
    assert service.remind_pending_approvers(at=later) == 2
    reminded = {p["approver_id"] for p in outbox_events(container, "governance.ApprovalReminderDue")}
    assert reminded == {a.id for a in admins}  # the level's approvers: not staff, not the requester
    assert service.remind_pending_approvers(at=later + timedelta(hours=3)) == 0  # inside the interval
    assert service.remind_pending_approvers(at=later + timedelta(hours=4)) == 2
    container.outbox.dispatch_pending()
    for admin_user in admins:
        assert sum("Reminder" in s for s in subjects_to(settings, admin_user.email)) == 2
    assert not any("Reminder" in s for s in subjects_to(settings, checker.email))


def test_amounts_travel_as_strings_and_are_stored_exactly(client, container, customer):
    data = open_request(client, customer, amount="1234567.12345678")
    assert data["amount"] == "1234567.12345678"
    with container.session_factory() as session:
        stored = session.execute(
            text("SELECT amount FROM service_request WHERE id = :id"), {"id": data["id"]}
        ).scalar()
    assert stored == Decimal("1234567.12345678")
