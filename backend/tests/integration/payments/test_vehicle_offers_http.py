"""Vehicle offers a client can see, over HTTP on real PostgreSQL: the caller's own offers
(`GET /me/vehicle-transfers`, incoming and outgoing, by status, paged by cursor), the
recipient's mail, one offer shape on every route, 201 + Location on creations, 200 on the
decisions, and the list contract on a vehicle's history and offers."""

from __future__ import annotations

import pytest

from support.identity import signed_in, staff_with_mfa
from support.mail import mails

VEHICLES = "/api/v1/vehicles"
MINE = "/api/v1/me/vehicle-transfers"
HONDA = "1HGCM82633A004352"
VOLKSWAGEN_DE = "WVWZZZ1JZ3W386752"
TOYOTA_CHASSIS = "SV30-0169266"
OFFER_KEYS = {
    "id",
    "vehicle_id",
    "vehicle",
    "direction",
    "from_owner_id",
    "to_user_id",
    "status",
    "offered_by",
    "reason",
    "created_at",
    "decided_by",
    "decided_at",
}


def registered(client, user, **body) -> dict:
    response = client.post(VEHICLES, headers=user.auth, json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def offered(client, user, identifier: str, to_user_id: str, **extra) -> dict:
    response = client.post(
        f"{VEHICLES}/{identifier}/transfers", headers=user.auth, json={"to_user_id": to_user_id, **extra}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def decide(client, user, identifier: str, transfer_id: str, decision: str):
    return client.post(f"{VEHICLES}/{identifier}/transfers/{transfer_id}/{decision}", headers=user.auth)


def mine(client, user, **query) -> dict:
    response = client.get(MINE, headers=user.auth, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def offer_mails(settings, user) -> list:
    return [m for m in mails(settings, user.email) if str(m["Subject"]).startswith("Vehicle offered to you")]


@pytest.fixture
def owner(client):
    return signed_in(client)


@pytest.fixture
def buyer(client):
    return signed_in(client)


# -- creations and decisions ----------------------------------------------------------------
def test_a_registration_answers_201_with_the_vehicles_location(client, owner):
    response = client.post(VEHICLES, headers=owner.auth, json={"chassis_number": TOYOTA_CHASSIS})
    assert response.status_code == 201
    assert response.headers["Location"] == f"{VEHICLES}/{TOYOTA_CHASSIS}"
    shown = client.get(response.headers["Location"], headers=owner.auth)
    assert shown.get_json()["data"] == response.get_json()["data"]


@pytest.mark.parametrize("body", [{}, {"vin": HONDA, "chassis_number": TOYOTA_CHASSIS}])
def test_exactly_one_identifier_names_both_fields_never_the_body(client, owner, body):
    response = client.post(VEHICLES, headers=owner.auth, json=body)
    assert response.status_code == 422
    assert response.get_json()["status"] == "validation_error"
    fields = {d["field"] for d in response.get_json()["error"]["details"]}
    assert fields == {"vin", "chassis_number"}


def test_an_offer_answers_201_with_its_location_and_one_shape_everywhere(client, owner, buyer):
    vehicle = registered(client, owner, vin=HONDA, make="Honda", model="Accord", year=2003)
    response = client.post(f"{VEHICLES}/{HONDA}/transfers", headers=owner.auth, json={"to_user_id": buyer.id})
    assert response.status_code == 201
    made = response.get_json()["data"]
    assert response.headers["Location"] == f"{VEHICLES}/{HONDA}/transfers/{made['id']}"
    assert set(made) == OFFER_KEYS and made["direction"] == "outgoing"
    assert made["vehicle"] == {
        "id": vehicle["id"],
        "vin": HONDA,
        "chassis_number": None,
        "identifier_type": "vin",
        "make": "Honda",
        "model": "Accord",
        "year": 2003,
    }

    as_read = client.get(response.headers["Location"], headers=buyer.auth).get_json()["data"]
    assert as_read == {**made, "direction": "incoming"}  # the same offer, seen from the other side
    (as_listed,) = mine(client, buyer)["data"]
    assert as_listed == as_read
    (in_vehicle_list,) = client.get(f"{VEHICLES}/{HONDA}/transfers", headers=owner.auth).get_json()["data"]
    assert in_vehicle_list == made

    accepted = decide(client, buyer, HONDA, made["id"], "accept")
    assert accepted.status_code == 200
    data = accepted.get_json()["data"]
    assert set(data) == OFFER_KEYS
    assert (data["status"], data["decided_by"], data["direction"]) == ("accepted", buyer.id, "incoming")
    assert data["decided_at"].endswith("Z")


@pytest.mark.parametrize("decision", ["decline", "cancel"])
def test_declining_and_cancelling_answer_200_with_the_offer(client, owner, buyer, decision):
    registered(client, owner, chassis_number=TOYOTA_CHASSIS)
    made = offered(client, owner, TOYOTA_CHASSIS, buyer.id)
    who = buyer if decision == "decline" else owner
    response = decide(client, who, TOYOTA_CHASSIS, made["id"], decision)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert set(data) == OFFER_KEYS
    assert (data["id"], data["status"]) == (
        made["id"],
        {"decline": "declined", "cancel": "cancelled"}[decision],
    )


# -- GET /me/vehicle-transfers ---------------------------------------------------------------
def test_the_recipient_sees_the_pending_offer_before_accepting(client, owner, buyer):
    registered(client, owner, vin=HONDA, make="Honda", model="Accord")
    assert mine(client, buyer)["data"] == []
    made = offered(client, owner, HONDA, buyer.id)

    incoming = mine(client, buyer, direction="incoming", status="open")
    (offer,) = incoming["data"]
    assert (offer["id"], offer["status"], offer["direction"]) == (made["id"], "open", "incoming")
    assert (offer["from_owner_id"], offer["to_user_id"]) == (owner.id, buyer.id)
    assert (offer["vehicle"]["vin"], offer["vehicle"]["make"], offer["vehicle"]["model"]) == (
        HONDA,
        "Honda",
        "Accord",
    )
    assert offer["created_at"].endswith("Z") and offer["decided_at"] is None
    assert incoming["meta"] == {"has_more": False, "next_cursor": None, "limit": 20, "total": 1}
    assert mine(client, buyer, direction="outgoing")["data"] == []
    (outgoing,) = mine(client, owner, direction="outgoing")["data"]
    assert (outgoing["id"], outgoing["direction"]) == (made["id"], "outgoing")
    assert mine(client, owner, direction="incoming")["data"] == []

    assert decide(client, buyer, HONDA, made["id"], "accept").status_code == 200
    assert mine(client, buyer, status="open")["data"] == []
    (done,) = mine(client, buyer, status="accepted")["data"]
    assert done["decided_at"] is not None and done["decided_by"] == buyer.id


def test_an_unrelated_user_staff_and_another_organisations_admin_see_nothing(client, container, owner, buyer):
    admin = staff_with_mfa(client, container, "admin")
    outsider_org_admin = signed_in(client)
    for name, who in (("Namib Logistics", owner), ("Kunene Traders", outsider_org_admin)):
        created = client.post(
            "/api/v1/organizations", headers=admin.auth, json={"name": name, "admin_user_id": who.id}
        )
        assert created.status_code == 201, created.get_json()
    registered(client, owner, vin=HONDA)
    offered(client, owner, HONDA, buyer.id)

    for somebody in (signed_in(client), outsider_org_admin, admin):
        listed = mine(client, somebody)
        assert listed["data"] == [] and listed["meta"]["total"] == 0, somebody.id
    assert len(mine(client, buyer)["data"]) == 1


def test_anonymous_callers_are_refused_with_a_bearer_challenge(client):
    response = client.get(MINE)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_004"


@pytest.mark.parametrize(
    ("query", "field"),
    [({"direction": "sideways"}, "direction"), ({"status": "pending"}, "status"), ({"sort": "asc"}, "sort")],
)
def test_unknown_filters_and_values_are_refused_naming_the_parameter(client, buyer, query, field):
    response = client.get(MINE, headers=buyer.auth, query_string=query)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert [d["field"] for d in body["error"]["details"]] == [field]


def test_the_callers_offers_are_walked_by_cursor_newest_first(client, owner, buyer):
    identifiers = [HONDA, VOLKSWAGEN_DE, TOYOTA_CHASSIS]
    made = []
    for identifier in identifiers:
        body = {"chassis_number": identifier} if "-" in identifier else {"vin": identifier}
        registered(client, owner, **body)
        made.append(offered(client, owner, identifier, buyer.id)["id"])

    first = mine(client, buyer, limit=2)
    assert [o["id"] for o in first["data"]] == made[::-1][:2]
    assert first["meta"]["has_more"] is True and first["meta"]["limit"] == 2
    second = mine(client, buyer, limit=2, cursor=first["meta"]["next_cursor"])
    assert [o["id"] for o in second["data"]] == [made[0]]
    assert (second["meta"]["has_more"], second["meta"]["next_cursor"]) == (False, None)
    # the older page/per_page parameters remain accepted as aliases
    aliased = mine(client, buyer, page=2, per_page=2)
    assert [o["id"] for o in aliased["data"]] == [made[0]]


def test_a_vehicles_history_and_offers_follow_the_list_contract(client, owner, buyer):
    registered(client, owner, vin=HONDA)
    first = offered(client, owner, HONDA, buyer.id)
    assert decide(client, owner, HONDA, first["id"], "cancel").status_code == 200
    second = offered(client, owner, HONDA, buyer.id)

    page = client.get(
        f"{VEHICLES}/{HONDA}/transfers", headers=owner.auth, query_string={"limit": 1}
    ).get_json()
    assert [t["id"] for t in page["data"]] == [first["id"]] and page["meta"]["has_more"] is True
    rest = client.get(
        f"{VEHICLES}/{HONDA}/transfers",
        headers=owner.auth,
        query_string={"limit": 1, "cursor": page["meta"]["next_cursor"]},
    ).get_json()
    assert [t["id"] for t in rest["data"]] == [second["id"]] and rest["meta"]["next_cursor"] is None

    history = client.get(f"{VEHICLES}/{HONDA}/history", headers=owner.auth).get_json()
    assert history["meta"] == {"has_more": False, "next_cursor": None, "limit": 20, "total": 1}
    refused = client.get(f"{VEHICLES}/{HONDA}/history", headers=owner.auth, query_string={"owner": "x"})
    assert refused.status_code == 422 and refused.get_json()["error"]["details"][0]["field"] == "owner"


# -- the recipient's mail --------------------------------------------------------------------
def test_the_recipient_is_mailed_when_a_vehicle_is_offered(client, container, settings, owner, buyer):
    registered(client, owner, vin=HONDA, make="Honda", model="Accord")
    made = offered(client, owner, HONDA, buyer.id)
    container.outbox.dispatch_pending()  # the worker mails the recipient

    (mail,) = offer_mails(settings, buyer)
    assert mail["Subject"] == f"Vehicle offered to you: Honda Accord (VIN {HONDA})"
    content = mail.get_content()
    assert f"/api/v1/vehicles/{HONDA}/transfers/{made['id']}/accept" in content
    assert f"/api/v1/vehicles/{HONDA}/transfers/{made['id']}/decline" in content
    assert "/api/v1/me/vehicle-transfers" in content
    assert content.count(settings.PUBLIC_BASE_URL.rstrip("/") + "/api/v1/") >= 3
    assert offer_mails(settings, owner) == []


def test_an_offer_cancelled_before_the_worker_ran_mails_nobody(client, container, settings, owner, buyer):
    registered(client, owner, vin=HONDA)
    made = offered(client, owner, HONDA, buyer.id)
    assert decide(client, owner, HONDA, made["id"], "cancel").status_code == 200
    container.outbox.dispatch_pending()
    assert offer_mails(settings, buyer) == []


def test_the_new_routes_are_documented_with_their_responses(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    mine_op = paths["/api/v1/me/vehicle-transfers"]["get"]
    assert mine_op["operationId"] == "listMyVehicleTransfers"
    assert {p["name"] for p in mine_op["parameters"]} >= {"direction", "status", "cursor", "limit"}
    assert "200" in mine_op["responses"] and "401" in mine_op["responses"]
    offer_op = paths["/api/v1/vehicles/{vin}/transfers"]["post"]
    assert "Location" in offer_op["responses"]["201"]["headers"]
    assert set(offer_op["responses"]) >= {"201", "409", "422"}
    for decision in ("accept", "decline", "cancel"):
        operation = paths["/api/v1/vehicles/{vin}/transfers/{transfer_id}/" + decision]["post"]
        assert "200" in operation["responses"] and "201" not in operation["responses"]
