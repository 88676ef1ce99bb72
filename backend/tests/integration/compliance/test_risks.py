"""The risk register (POPIA s19): identifying risks, rating them inherent and residual on the
5 x 5 matrix, treatment and status rules, linked controls and incidents, the append-only
review history, filters and pages, permissions, audit, and the seeded platform risks."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support.audit import audit_entries
from support.identity import grant_roles, signed_in, staff_with_mfa

RISKS = "/api/v1/risks"
CONTROLS = "/api/v1/risks/controls"


@pytest.fixture
def manager(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def reader(client, container):
    return staff_with_mfa(client, container, "staff")


def risk_body(**overrides) -> dict:
    body = {
        "title": f"Card-not-present fraud {uuid.uuid4().hex[:6]}",
        "description": "Stolen card details used to top up wallets.",
        "asset": "wallet balances",
        "threat": "top-ups with stolen card details",
        "vulnerability": "no 3-D Secure on the card gateway",
        "category": "fraud",
        "likelihood": 4,
        "impact": 3,
    }
    body.update(overrides)
    return body


def identified(client, who, **overrides) -> dict:
    response = client.post(RISKS, headers=who.auth, json=risk_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def control(client, who, **overrides) -> dict:
    body = {
        "name": f"3-D Secure {uuid.uuid4().hex[:6]}",
        "description": "Card top-ups need the issuer's 3-D Secure step.",
        "type": "preventive",
        "reference": "docs/SECURITY.md Payments",
    }
    body.update(overrides)
    response = client.post(CONTROLS, headers=who.auth, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def windhoek_today(container) -> date:
    return container.risks.today()


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


# -- identifying and rating ----------------------------------------------------------------------
def test_a_new_risk_is_rated_on_the_matrix_and_due_for_review_after_its_interval(client, container, manager):
    data = identified(client, manager, likelihood=4, impact=3)

    assert (data["likelihood"], data["impact"], data["inherent_score"]) == (4, 3, 12)
    assert data["inherent_rating"] == "high" and data["rating"] == "high"
    assert data["residual_score"] is None and data["status"] == "open"
    assert data["review_interval_days"] == 90  # high: reviewed quarterly
    assert date.fromisoformat(data["review_date"]) == windhoek_today(container) + timedelta(days=90)
    assert data["last_reviewed_at"] is None and data["overdue"] is False
    assert data["created_by"] == manager.id and data["reviews"] == []


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "rating", "interval"),
    [(1, 4, 4, "low", 365), (5, 1, 5, "medium", 180), (3, 3, 9, "medium", 180), (2, 5, 10, "high", 90),
     (4, 4, 16, "high", 90), (4, 5, 20, "critical", 30), (5, 5, 25, "critical", 30)],
)  # fmt: skip
def test_the_rating_bands_of_the_matrix(client, manager, likelihood, impact, score, rating, interval):
    data = identified(client, manager, likelihood=likelihood, impact=impact)

    assert (data["inherent_score"], data["rating"], data["review_interval_days"]) == (score, rating, interval)


def test_the_residual_rating_is_the_current_one_and_may_not_exceed_the_inherent(client, manager):
    mitigated = identified(client, manager, likelihood=5, impact=4, residual_likelihood=2, residual_impact=4)
    too_high = client.post(
        RISKS,
        headers=manager.auth,
        json=risk_body(likelihood=2, impact=2, residual_likelihood=3, residual_impact=2),
    )
    half = client.post(RISKS, headers=manager.auth, json=risk_body(residual_likelihood=2))
    off_scale = client.post(RISKS, headers=manager.auth, json=risk_body(likelihood=6))

    assert (mitigated["inherent_score"], mitigated["residual_score"]) == (20, 8)
    assert (mitigated["inherent_rating"], mitigated["residual_rating"], mitigated["rating"]) == (
        "critical",
        "medium",
        "medium",
    )
    assert too_high.status_code == 422 and error_code(too_high) == "RSK_002"
    assert too_high.get_json()["error"]["details"] == [
        {"field": "residual_likelihood", "message": "residual score 6 exceeds the inherent score 4"},
        {"field": "residual_impact", "message": "residual score 6 exceeds the inherent score 4"},
    ]
    assert half.status_code == 422 and error_code(half) == "RSK_001"
    assert off_scale.status_code == 422


def test_a_patch_cannot_raise_the_residual_above_the_inherent_and_stores_nothing(client, manager):
    risk = identified(client, manager, likelihood=4, impact=4, residual_likelihood=2, residual_impact=3)

    lowered_inherent = client.patch(f"{RISKS}/{risk['id']}", headers=manager.auth, json={"likelihood": 1})
    raised_residual = client.patch(
        f"{RISKS}/{risk['id']}", headers=manager.auth, json={"residual_likelihood": 4, "residual_impact": 5}
    )
    after = client.get(f"{RISKS}/{risk['id']}", headers=manager.auth).get_json()["data"]

    assert lowered_inherent.status_code == 422 and error_code(lowered_inherent) == "RSK_002"
    assert raised_residual.status_code == 422 and error_code(raised_residual) == "RSK_002"
    assert (after["inherent_score"], after["residual_score"]) == (16, 6)


def test_the_database_refuses_a_residual_score_above_the_inherent(container, manager, client):
    risk = identified(client, manager, likelihood=2, impact=2)
    statement = text("UPDATE risk SET residual_likelihood = 5, residual_impact = 5 WHERE id = :id")
    with container.session_factory() as session, pytest.raises(DBAPIError, match="ck_risk_residual"):
        session.execute(statement, {"id": risk["id"]})


# -- permissions and audit -----------------------------------------------------------------------
def test_staff_read_the_register_and_only_risk_managers_change_it(client, container, manager, reader):
    risk = identified(client, manager)
    customer = signed_in(client)
    staff_without_mfa = signed_in(client)
    grant_roles(container, staff_without_mfa, "staff")

    assert client.get(RISKS, headers=reader.auth).status_code == 200
    assert client.get(f"{RISKS}/{risk['id']}", headers=reader.auth).status_code == 200
    assert client.post(RISKS, headers=reader.auth, json=risk_body()).status_code == 403
    assert (
        client.patch(f"{RISKS}/{risk['id']}", headers=reader.auth, json={"title": "Other"}).status_code == 403
    )
    review = client.post(f"{RISKS}/{risk['id']}/reviews", headers=reader.auth, json={"note": "Checked"})
    assert review.status_code == 403 and error_code(review) == "ACC_001"  # not their risk
    assert client.get(RISKS, headers=customer.auth).status_code == 403
    assert client.get(RISKS, headers=staff_without_mfa.auth).status_code == 403
    assert client.get(RISKS).status_code == 401
    assert client.get(f"{RISKS}/{uuid.uuid4()}", headers=reader.auth).status_code == 404


def test_every_change_is_audited_with_the_ratings_before_and_after(client, container, manager):
    risk = identified(client, manager, likelihood=3, impact=3)
    client.patch(
        f"{RISKS}/{risk['id']}", headers=manager.auth, json={"residual_likelihood": 2, "residual_impact": 2}
    )
    client.post(f"{RISKS}/{risk['id']}/reviews", headers=manager.auth, json={"note": "Controls tested"})

    (created,) = [e for e in audit_entries(container, "risk.created") if e["resource_id"] == risk["id"]]
    (updated,) = [e for e in audit_entries(container, "risk.updated") if e["resource_id"] == risk["id"]]
    (reviewed,) = [e for e in audit_entries(container, "risk.reviewed") if e["resource_id"] == risk["id"]]
    assert created["actor_id"] == manager.id and created["changes"]["after"]["inherent_score"] == 9
    assert updated["changes"]["before"]["residual_score"] is None
    assert updated["changes"]["after"]["residual_score"] == 4
    assert reviewed["changes"]["after"]["review_id"]


# -- owner, treatment and status -----------------------------------------------------------------
def test_the_owner_is_an_active_staff_member_who_may_read_the_register(client, manager, reader):
    customer = signed_in(client)

    refused = client.post(RISKS, headers=manager.auth, json=risk_body(owner_id=customer.id))
    unknown = client.post(RISKS, headers=manager.auth, json=risk_body(owner_id=str(uuid.uuid4())))
    owned = identified(client, manager, owner_id=reader.id)
    moved = client.patch(f"{RISKS}/{owned['id']}", headers=manager.auth, json={"owner_id": customer.id})

    assert refused.status_code == 422 and error_code(refused) == "RSK_003"
    assert unknown.status_code == 422 and error_code(unknown) == "RSK_003"
    assert owned["owner_id"] == reader.id
    assert moved.status_code == 422 and error_code(moved) == "RSK_003"
    filtered = client.get(RISKS, headers=manager.auth, query_string={"owner_id": reader.id}).get_json()
    assert [r["id"] for r in filtered["data"]] == [owned["id"]]


def test_a_treated_risk_has_a_treatment_its_plan_and_a_residual_rating(client, manager):
    risk = identified(client, manager, likelihood=4, impact=4)
    url = f"{RISKS}/{risk['id']}"

    bare = client.patch(url, headers=manager.auth, json={"status": "treated"})
    no_residual = client.patch(
        url,
        headers=manager.auth,
        json={"status": "treated", "treatment": "mitigate", "treatment_plan": "3-D Secure"},
    )
    treated = client.patch(
        url,
        headers=manager.auth,
        json={
            "status": "treated",
            "treatment": "mitigate",
            "treatment_plan": "Require 3-D Secure on card top-ups",
            "residual_likelihood": 2,
            "residual_impact": 3,
        },
    )
    drop_plan = client.patch(url, headers=manager.auth, json={"treatment_plan": None})

    assert bare.status_code == 422 and error_code(bare) == "RSK_007"
    assert no_residual.status_code == 422 and error_code(no_residual) == "RSK_007"
    assert treated.status_code == 200, treated.get_json()
    data = treated.get_json()["data"]
    assert (data["status"], data["treatment"], data["residual_score"]) == ("treated", "mitigate", 6)
    assert drop_plan.status_code == 422 and error_code(drop_plan) == "RSK_007"


def test_an_accepted_risk_has_treatment_accept_and_a_closed_risk_no_longer_changes(client, manager):
    risk = identified(client, manager, likelihood=2, impact=2)
    url = f"{RISKS}/{risk['id']}"

    residual = {"residual_likelihood": 2, "residual_impact": 2}
    wrong = client.patch(
        url, headers=manager.auth, json={"status": "accepted", "treatment": "transfer", **residual}
    )
    accepted = client.patch(
        url, headers=manager.auth, json={"status": "accepted", "treatment": "accept", **residual}
    )
    closed = client.patch(url, headers=manager.auth, json={"status": "closed"})
    edit = client.patch(url, headers=manager.auth, json={"title": "Changed after closing"})
    reopen = client.patch(url, headers=manager.auth, json={"status": "open"})
    review = client.post(f"{url}/reviews", headers=manager.auth, json={"note": "Too late"})

    assert wrong.status_code == 422 and error_code(wrong) == "RSK_007"
    assert accepted.get_json()["data"]["status"] == "accepted"
    data = closed.get_json()["data"]
    assert data["status"] == "closed" and data["closed_at"] is not None and data["overdue"] is False
    for refused in (edit, reopen, review):
        assert refused.status_code == 409 and error_code(refused) == "RSK_006"


def test_null_is_refused_for_a_required_field(client, manager):
    risk = identified(client, manager)

    response = client.patch(f"{RISKS}/{risk['id']}", headers=manager.auth, json={"title": None})

    assert response.status_code == 422


# -- controls and incidents ----------------------------------------------------------------------
def test_controls_are_listed_created_changed_and_their_names_unique(client, manager, reader):
    made = control(client, manager, name="Card gateway velocity limits", type="detective", status="planned")

    listed = client.get(CONTROLS, headers=reader.auth).get_json()["data"]
    again = client.post(
        CONTROLS,
        headers=manager.auth,
        json={"name": "Card gateway velocity limits", "description": "Duplicate", "type": "preventive"},
    )
    changed = client.patch(f"{CONTROLS}/{made['id']}", headers=manager.auth, json={"status": "active"})
    by_staff = client.post(
        CONTROLS,
        headers=reader.auth,
        json={"name": "Staff control", "description": "Nope", "type": "preventive"},
    )

    assert made["reference"] == "docs/SECURITY.md Payments" and made["status"] == "planned"
    assert "Card gateway velocity limits" in [c["name"] for c in listed]
    assert again.status_code == 409 and error_code(again) == "RSK_008"
    assert changed.get_json()["data"]["status"] == "active"
    assert (
        client.get(f"{CONTROLS}/{made['id']}", headers=reader.auth).get_json()["data"]["status"] == "active"
    )
    assert by_staff.status_code == 403


def test_a_risk_links_existing_controls_and_refuses_unknown_ones(client, manager):
    first, second = control(client, manager), control(client, manager)

    risk = identified(client, manager, control_ids=[first["id"], second["id"], first["id"]])
    unknown = client.post(RISKS, headers=manager.auth, json=risk_body(control_ids=[str(uuid.uuid4())]))
    relinked = client.patch(
        f"{RISKS}/{risk['id']}", headers=manager.auth, json={"control_ids": [second["id"]]}
    )

    assert sorted(c["id"] for c in risk["controls"]) == sorted([first["id"], second["id"]])
    assert unknown.status_code == 422 and error_code(unknown) == "RSK_004"
    assert [c["id"] for c in relinked.get_json()["data"]["controls"]] == [second["id"]]


def test_linked_incidents_must_exist(client, container, manager):
    missing = str(uuid.uuid4())

    response = client.post(RISKS, headers=manager.auth, json=risk_body(incident_ids=[missing]))

    assert response.status_code == 422 and error_code(response) == "RSK_005"
    assert response.get_json()["error"]["details"] == [
        {"field": "incident_ids", "message": f"no incident {missing}"}
    ]


def test_a_risk_links_the_incidents_that_realised_it(client, container, manager):
    opened = client.post(
        "/api/v1/incidents",
        headers=manager.auth,
        json={
            "type": "security",
            "title": "Credential stuffing wave",
            "description": "Thousands of failed sign-ins from a botnet",
            "impact": 2,
            "urgency": 2,
        },
    )
    assert opened.status_code == 201, opened.get_json()
    incident_id = opened.get_json()["data"]["id"]

    risk = identified(client, manager, incident_ids=[incident_id])
    cleared = client.patch(f"{RISKS}/{risk['id']}", headers=manager.auth, json={"incident_ids": []})

    assert risk["incident_ids"] == [incident_id]
    assert cleared.get_json()["data"]["incident_ids"] == []
    statement = text("INSERT INTO risk_incident_link (risk_id, incident_id) VALUES (:r, :i)")
    with container.session_factory() as session, pytest.raises(DBAPIError, match="fk_risk_incident_link"):
        session.execute(statement, {"r": risk["id"], "i": str(uuid.uuid4())})


# -- reviews -------------------------------------------------------------------------------------
def test_a_review_is_appended_and_moves_the_review_date_forward_by_the_interval(client, container, manager):
    risk = identified(
        client, manager, likelihood=4, impact=4, review_interval_days=60, review_date="2026-01-01"
    )
    url = f"{RISKS}/{risk['id']}"
    assert risk["overdue"] is True

    first = client.post(f"{url}/reviews", headers=manager.auth, json={"note": "3-D Secure enforced, tested"})
    second = client.post(
        f"{url}/reviews",
        headers=manager.auth,
        json={"note": "Fraud rate down", "residual_likelihood": 1, "residual_impact": 4},
    )

    assert first.status_code == 200  # an action on the risk: 200 with the risk
    data = second.get_json()["data"]
    today = windhoek_today(container)
    assert date.fromisoformat(data["review_date"]) == today + timedelta(days=60)
    assert data["last_reviewed_at"] is not None and data["overdue"] is False
    assert data["residual_score"] == 4
    notes = [(r["note"], r["reviewed_by"]) for r in data["reviews"]]
    assert notes == [("3-D Secure enforced, tested", manager.id), ("Fraud rate down", manager.id)]
    assert data["reviews"][0]["review_date_before"] == "2026-01-01"
    assert data["reviews"][1]["before"]["residual_score"] is None
    assert data["reviews"][1]["after"]["residual_score"] == 4


def test_the_owner_of_a_risk_records_its_review_without_managing_the_register(client, manager, reader):
    risk = identified(client, manager, owner_id=reader.id, review_date="2026-01-01")

    reviewed = client.post(
        f"{RISKS}/{risk['id']}/reviews", headers=reader.auth, json={"note": "Owner's check"}
    )
    edit = client.patch(f"{RISKS}/{risk['id']}", headers=reader.auth, json={"title": "Owner's title"})

    assert reviewed.status_code == 200, reviewed.get_json()
    assert [r["reviewed_by"] for r in reviewed.get_json()["data"]["reviews"]] == [reader.id]
    assert edit.status_code == 403


def test_a_review_that_rates_the_residual_above_the_inherent_records_nothing(client, manager):
    risk = identified(client, manager, likelihood=2, impact=2, review_date="2026-01-01")

    response = client.post(
        f"{RISKS}/{risk['id']}/reviews",
        headers=manager.auth,
        json={"note": "Worse than thought", "residual_likelihood": 3, "residual_impact": 3},
    )
    after = client.get(f"{RISKS}/{risk['id']}", headers=manager.auth).get_json()["data"]

    assert response.status_code == 422 and error_code(response) == "RSK_002"
    assert after["reviews"] == [] and after["review_date"] == "2026-01-01"


def test_the_review_history_is_append_only(client, container, manager):
    risk = identified(client, manager)
    client.post(f"{RISKS}/{risk['id']}/reviews", headers=manager.auth, json={"note": "Checked"})

    for statement in ("UPDATE risk_review SET summary = 'rewritten'", "DELETE FROM risk_review"):
        with container.session_factory() as session, pytest.raises(DBAPIError, match="never changed"):
            session.execute(text(statement + " WHERE risk_id = :id"), {"id": risk["id"]})


# -- the list ------------------------------------------------------------------------------------
def test_the_list_filters_by_status_rating_and_overdue_review_and_pages(client, container, manager):
    late = identified(client, manager, likelihood=5, impact=5, review_date="2026-01-01")
    low = identified(client, manager, likelihood=1, impact=2)
    closed = identified(client, manager, likelihood=5, impact=5, review_date="2026-01-01")
    client.patch(f"{RISKS}/{closed['id']}", headers=manager.auth, json={"status": "closed"})
    mine = {late["id"], low["id"], closed["id"]}

    def ids(**query) -> list[str]:
        body = client.get(RISKS, headers=manager.auth, query_string={"per_page": 100, **query}).get_json()
        return [r["id"] for r in body["data"] if r["id"] in mine]

    assert ids(overdue="true") == [late["id"]]
    assert set(ids(overdue="false")) == {low["id"], closed["id"]}
    assert ids(rating="low") == [low["id"]]
    assert set(ids(rating="critical")) == {late["id"], closed["id"]}
    assert ids(status="closed") == [closed["id"]]
    page = client.get(RISKS, headers=manager.auth, query_string={"per_page": 2, "page": 1}).get_json()
    assert len(page["data"]) == 2 and page["meta"]["limit"] == 2 and page["meta"]["total"] >= 8
    assert client.get(RISKS, headers=manager.auth, query_string={"per_page": 101}).status_code == 422
    assert client.get(RISKS, headers=manager.auth, query_string={"rating": "severe"}).status_code == 422


# -- the seeded register -------------------------------------------------------------------------
def test_the_platform_main_risks_are_seeded_with_their_controls(client, reader):
    body = client.get(RISKS, headers=reader.auth, query_string={"per_page": 100}).get_json()
    seeded = {r["title"]: r for r in body["data"] if r["created_by"] is None}

    assert {
        "Credential stuffing against customer accounts",
        "Ledger tampering",
        "Personal-data breach via an operator or staff member",
        "Redis outage",
        "Signing or encryption key compromise",
    } <= set(seeded)
    ledger = seeded["Ledger tampering"]
    assert ledger["asset"] == "ledger" and ledger["status"] == "treated"
    assert ledger["residual_score"] <= ledger["inherent_score"]
    assert "Ledger hash chain and nightly integrity check" in [c["name"] for c in ledger["controls"]]
    assert all(r["controls"] and r["treatment_plan"] for r in seeded.values())


def test_the_openapi_document_declares_the_register_routes_behind_a_bearer_token(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    assert {"get", "post"} <= set(paths["/api/v1/risks"])
    assert {"get", "patch"} <= set(paths["/api/v1/risks/{risk_id}"])
    assert "post" in paths["/api/v1/risks/{risk_id}/reviews"]
    assert {"get", "post"} <= set(paths["/api/v1/risks/controls"])
    assert paths["/api/v1/risks"]["post"]["security"] == [{"bearerAuth": []}]
