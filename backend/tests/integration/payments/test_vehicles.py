"""The VIN registry over HTTP on real PostgreSQL: registration by VIN (with and without a
North American check digit) or chassis number, the refusals with their codes, one active
registration per vehicle, object-level access, ownership offers (accept, decline, cancel),
forced transfers by staff, the ownership history, the token account moving with the vehicle,
the audit trail, and what the database refuses on its own."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa

VEHICLES = "/api/v1/vehicles"
HONDA = "1HGCM82633A004352"  # North America: position 9 is a correct check digit
VOLKSWAGEN_DE = "WVWZZZ1JZ3W386752"  # Germany: position 9 is Z, no check digit
VOLKSWAGEN_ZA = "AAVZZZ6RZEU012345"  # South Africa (Uitenhage): no check digit either
TOYOTA_CHASSIS = "SV30-0169266"  # a Japanese used import's frame number


def register(client, user, **body):
    return client.post(VEHICLES, headers=user.auth, json=body)


def registered(client, user, **body) -> dict:
    response = register(client, user, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def code_of(response) -> str:
    return response.get_json()["error"]["code"]


def offer(client, user, identifier: str, to_user_id: str, **extra):
    return client.post(
        f"{VEHICLES}/{identifier}/transfers", headers=user.auth, json={"to_user_id": to_user_id, **extra}
    )


def decide(client, user, identifier: str, transfer_id: str, decision: str):
    return client.post(f"{VEHICLES}/{identifier}/transfers/{transfer_id}/{decision}", headers=user.auth)


def history(client, user, identifier: str) -> list[dict]:
    response = client.get(f"{VEHICLES}/{identifier}/history", headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def entries_for(container, action: str, vehicle_id: str) -> list[dict]:
    return [e for e in audit_entries(container, action) if e["resource_id"] == vehicle_id]


def events_for(container, event_type: str, vehicle_id: str) -> list[dict]:
    """The outbox payloads of one event type about one vehicle (written with the change)."""
    with container.session_factory() as session:
        payloads = session.execute(
            text("SELECT payload FROM outbox_message WHERE event_type = :t ORDER BY occurred_at"),
            {"t": event_type},
        ).scalars()
        return [p for p in payloads if p["vehicle_id"] == vehicle_id]


def account_row(container, account_id: str):
    with container.session_factory() as session:
        return session.execute(
            text("SELECT owner_id, kind, currency FROM account WHERE id = :id"), {"id": account_id}
        ).one()


@pytest.fixture
def owner(client):
    return signed_in(client)


@pytest.fixture
def buyer(client):
    return signed_in(client)


@pytest.fixture
def staff(client, container):
    return staff_with_mfa(client, container, "staff")


# -- registration -------------------------------------------------------------------------
def test_a_north_american_vin_with_its_check_digit_is_registered_and_decoded(client, container, owner):
    data = registered(client, owner, vin=HONDA, make="Honda", model="Accord", year=2003, colour="Silver")
    assert data["vin"] == HONDA and data["chassis_number"] is None
    assert data["identifier_type"] == "vin" and data["check_digit_valid"] is True
    assert (data["manufacturer"], data["country"], data["model_year"]) == ("Honda", "United States", 2003)
    assert (data["make"], data["model"], data["year"], data["colour"]) == ("Honda", "Accord", 2003, "Silver")
    assert data["owner_id"] == owner.id and data["status"] == "active"
    assert uuid.UUID(data["id"]) and data["created_at"].endswith("Z")
    (entry,) = entries_for(container, "vehicle.registered", data["id"])
    assert entry["actor_id"] == owner.id
    assert entry["changes"]["after"]["identifier"] == HONDA
    assert entry["changes"]["after"]["owner_id"] == owner.id


@pytest.mark.parametrize(("vin", "country"), [(VOLKSWAGEN_DE, "Germany"), (VOLKSWAGEN_ZA, "South Africa")])
def test_a_vin_without_a_north_american_check_digit_is_accepted_and_the_mismatch_reported(
    client, owner, vin, country
):
    data = registered(client, owner, vin=vin)
    assert data["vin"] == vin and data["check_digit_valid"] is False
    assert data["manufacturer"] == "Volkswagen" and data["country"] == country


def test_a_vin_is_read_in_capitals_without_surrounding_spaces(client, owner):
    assert registered(client, owner, vin="  1hgcm82633a004352 ")["vin"] == HONDA


@pytest.mark.parametrize(("letter", "position"), [("I", 4), ("O", 11), ("Q", 17)])
def test_each_forbidden_letter_is_refused_with_its_code(client, owner, letter, position):
    vin = list(HONDA)
    vin[position - 1] = letter
    response = register(client, owner, vin="".join(vin))
    assert response.status_code == 422
    assert code_of(response) == "VEH_002"
    assert f"letter {letter} at position {position}" in response.get_json()["error"]["details"][0]["message"]
    assert client.get(VEHICLES, headers=owner.auth).get_json()["meta"]["total"] == 0


@pytest.mark.parametrize("vin", [HONDA[:16], HONDA + "7"])
def test_a_vin_of_the_wrong_length_is_refused(client, owner, vin):
    response = register(client, owner, vin=vin)
    assert (response.status_code, code_of(response)) == (422, "VEH_001")


def test_a_wrong_north_american_check_digit_is_refused(client, owner):
    response = register(client, owner, vin="1HGCM82643A004352")  # position 9 must be 3
    assert (response.status_code, code_of(response)) == (422, "VEH_003")
    assert "must be 3" in response.get_json()["error"]["message"]


def test_a_chassis_number_is_registered_as_its_own_identifier_type(client, owner):
    data = registered(client, owner, chassis_number=TOYOTA_CHASSIS, make="Toyota", model="Camry")
    assert data["identifier_type"] == "chassis"
    assert data["chassis_number"] == TOYOTA_CHASSIS and data["vin"] is None
    assert data["check_digit_valid"] is None and data["manufacturer"] is None
    found = client.get(f"{VEHICLES}/{TOYOTA_CHASSIS}", headers=owner.auth)
    assert found.status_code == 200 and found.get_json()["data"]["id"] == data["id"]


@pytest.mark.parametrize("chassis", ["SV30--0169266", "SV30_0169266", "SV-30", "SV30-0169266-01"])
def test_a_malformed_chassis_number_is_refused(client, owner, chassis):
    response = register(client, owner, chassis_number=chassis)
    assert (response.status_code, code_of(response)) == (422, "VEH_004")


@pytest.mark.parametrize("body", [{}, {"vin": HONDA, "chassis_number": TOYOTA_CHASSIS}, {"make": "Honda"}])
def test_exactly_one_of_vin_or_chassis_number_is_required(client, owner, body):
    response = register(client, owner, **body)
    assert (response.status_code, code_of(response)) == (422, "VAL_001")


def test_unknown_fields_such_as_an_owner_are_refused(client, owner, buyer):
    response = register(client, owner, vin=HONDA, owner_id=buyer.id)
    assert (response.status_code, code_of(response)) == (422, "VAL_001")


def test_a_second_active_registration_of_a_vehicle_is_refused(client, container, owner, buyer):
    first = registered(client, owner, vin=HONDA)
    again = register(client, buyer, vin=HONDA.lower())
    assert (again.status_code, code_of(again)) == (409, "VEH_005")
    chassis = registered(client, owner, chassis_number=TOYOTA_CHASSIS)
    assert code_of(register(client, buyer, chassis_number=TOYOTA_CHASSIS.lower())) == "VEH_005"
    with container.session_factory() as session:
        accounts = session.execute(
            text("SELECT count(*) FROM account WHERE kind = 'vehicle' AND id IN (:a, :b)"),
            {"a": first["account_id"], "b": chassis["account_id"]},
        ).scalar_one()
        every = session.execute(text("SELECT count(*) FROM account WHERE kind = 'vehicle'")).scalar_one()
    assert accounts == 2 and every == 2  # the refused registrations left no account behind
    assert client.get(VEHICLES, headers=buyer.auth).get_json()["meta"]["total"] == 0


def test_each_vehicle_gets_a_token_account_owned_by_its_owner(client, container, owner):
    data = registered(client, owner, vin=HONDA)
    row = account_row(container, data["account_id"])
    assert (str(row.owner_id), row.kind, row.currency) == (owner.id, "vehicle", "NAD")
    assert history(client, owner, HONDA) == [
        {"owner_id": owner.id, "started_at": data["created_at"], "ended_at": None, "transfer_id": None}
    ]


# -- reads --------------------------------------------------------------------------------
def test_users_list_their_own_vehicles_and_staff_list_all(client, owner, buyer, staff):
    registered(client, owner, vin=HONDA)
    registered(client, owner, vin=VOLKSWAGEN_DE)
    registered(client, buyer, chassis_number=TOYOTA_CHASSIS)

    mine = client.get(VEHICLES, headers=owner.auth).get_json()
    assert mine["meta"] == {"has_more": False, "next_cursor": None, "limit": 20, "total": 2}
    assert {v["vin"] for v in mine["data"]} == {HONDA, VOLKSWAGEN_DE}
    theirs = client.get(VEHICLES, headers=buyer.auth).get_json()
    assert [v["chassis_number"] for v in theirs["data"]] == [TOYOTA_CHASSIS]
    # owner_id is only a filter for staff: a user asking for another's vehicles still gets their own
    sneaky = client.get(VEHICLES, headers=buyer.auth, query_string={"owner_id": owner.id}).get_json()
    assert [v["owner_id"] for v in sneaky["data"]] == [buyer.id]

    every = client.get(VEHICLES, headers=staff.auth).get_json()
    assert every["meta"]["total"] == 3
    one_owner = client.get(VEHICLES, headers=staff.auth, query_string={"owner_id": owner.id}).get_json()
    assert one_owner["meta"]["total"] == 2
    # page/per_page stay accepted as aliases of cursor/limit
    paged = client.get(VEHICLES, headers=staff.auth, query_string={"per_page": 2, "page": 2}).get_json()
    assert paged["meta"] == {"has_more": False, "next_cursor": None, "limit": 2, "total": 3}
    assert len(paged["data"]) == 1


def test_a_vehicle_is_visible_to_its_owner_and_staff_and_404_to_anyone_else(client, owner, buyer, staff):
    registered(client, owner, vin=HONDA)
    assert client.get(f"{VEHICLES}/{HONDA}", headers=owner.auth).status_code == 200
    assert client.get(f"{VEHICLES}/{HONDA.lower()}", headers=staff.auth).status_code == 200
    for path in (f"{VEHICLES}/{HONDA}", f"{VEHICLES}/{HONDA}/history", f"{VEHICLES}/{HONDA}/transfers"):
        hidden = client.get(path, headers=buyer.auth)
        assert (hidden.status_code, code_of(hidden)) == (404, "RES_001"), path
    unknown = client.get(f"{VEHICLES}/{VOLKSWAGEN_DE}", headers=buyer.auth)
    assert (unknown.status_code, code_of(unknown)) == (404, "RES_001")  # the same answer: nothing to probe
    assert code_of(offer(client, buyer, HONDA, buyer.id)) == "RES_001"
    assert client.get(f"{VEHICLES}/{HONDA}").status_code == 401


# -- offers -------------------------------------------------------------------------------
def test_an_accepted_offer_moves_the_ownership_and_the_token_account(client, container, owner, buyer):
    vehicle = registered(client, owner, vin=HONDA)
    made = offer(client, owner, HONDA, buyer.id)
    assert made.status_code == 201, made.get_json()
    transfer = made.get_json()["data"]
    assert (transfer["status"], transfer["from_owner_id"], transfer["to_user_id"]) == (
        "open",
        owner.id,
        buyer.id,
    )
    # The recipient may look at what they are offered, before accepting.
    assert client.get(f"{VEHICLES}/{HONDA}", headers=buyer.auth).status_code == 200
    listed = client.get(f"{VEHICLES}/{HONDA}/transfers", headers=buyer.auth).get_json()["data"]
    assert [t["id"] for t in listed] == [transfer["id"]]

    accepted = decide(client, buyer, HONDA, transfer["id"], "accept")
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["data"]["status"] == "accepted"
    assert accepted.get_json()["data"]["decided_by"] == buyer.id

    now = client.get(f"{VEHICLES}/{HONDA}", headers=buyer.auth).get_json()["data"]
    assert now["owner_id"] == buyer.id and now["account_id"] == vehicle["account_id"]
    assert client.get(f"{VEHICLES}/{HONDA}", headers=owner.auth).status_code == 404  # no longer theirs
    assert client.get(VEHICLES, headers=owner.auth).get_json()["meta"]["total"] == 0

    periods = history(client, buyer, HONDA)
    assert [p["owner_id"] for p in periods] == [owner.id, buyer.id]
    assert periods[0]["started_at"] == vehicle["created_at"]
    assert periods[0]["ended_at"] == periods[1]["started_at"] and periods[1]["ended_at"] is None
    assert periods[1]["transfer_id"] == transfer["id"]

    assert str(account_row(container, vehicle["account_id"]).owner_id) == buyer.id
    wallet = f"/api/v1/wallets/{vehicle['account_id']}"
    assert client.get(wallet, headers=buyer.auth).status_code == 200
    assert client.get(wallet, headers=owner.auth).status_code == 404

    (offered,) = entries_for(container, "vehicle.transfer_offered", vehicle["id"])
    assert offered["actor_id"] == owner.id and offered["changes"]["after"]["to_user_id"] == buyer.id
    (entry,) = entries_for(container, "vehicle.transfer_accepted", vehicle["id"])
    assert entry["actor_id"] == buyer.id
    assert entry["changes"]["before"]["owner_id"] == owner.id
    assert entry["changes"]["after"]["owner_id"] == buyer.id

    (told,) = events_for(container, "payments.VehicleTransferOffered", vehicle["id"])
    assert (told["transfer_id"], told["to_user_id"]) == (transfer["id"], buyer.id)
    (changed,) = events_for(container, "payments.VehicleOwnershipChanged", vehicle["id"])
    assert (changed["previous_owner_id"], changed["owner_id"], changed["forced"]) == (
        owner.id,
        buyer.id,
        False,
    )
    assert changed["account_id"] == vehicle["account_id"]


def test_one_open_offer_at_a_time(client, owner, buyer):
    third = signed_in(client)
    registered(client, owner, vin=HONDA)
    first = offer(client, owner, HONDA, buyer.id).get_json()["data"]
    again = offer(client, owner, HONDA, third.id)
    assert (again.status_code, code_of(again)) == (409, "VEH_006")
    assert again.get_json()["error"]["details"] == {"transfer_id": first["id"]}


def test_a_declined_offer_leaves_the_vehicle_with_its_owner(client, container, owner, buyer):
    vehicle = registered(client, owner, vin=HONDA)
    transfer = offer(client, owner, HONDA, buyer.id).get_json()["data"]
    own_offer = decide(client, owner, HONDA, transfer["id"], "accept")
    assert (own_offer.status_code, code_of(own_offer)) == (403, "ACC_001")  # only the recipient accepts

    declined = decide(client, buyer, HONDA, transfer["id"], "decline")
    assert declined.status_code == 200 and declined.get_json()["data"]["status"] == "declined"
    assert client.get(f"{VEHICLES}/{HONDA}", headers=owner.auth).get_json()["data"]["owner_id"] == owner.id
    assert [p["owner_id"] for p in history(client, owner, HONDA)] == [owner.id]
    late = decide(client, buyer, HONDA, transfer["id"], "accept")
    assert (late.status_code, code_of(late)) == (409, "VEH_007")
    assert len(entries_for(container, "vehicle.transfer_declined", vehicle["id"])) == 1
    assert events_for(container, "payments.VehicleOwnershipChanged", vehicle["id"]) == []
    # A declined offer no longer shows the vehicle to its recipient beyond that offer.
    assert client.get(f"{VEHICLES}/{HONDA}", headers=buyer.auth).status_code == 404


def test_the_offerer_cancels_an_open_offer(client, container, owner, buyer):
    vehicle = registered(client, owner, vin=HONDA)
    transfer = offer(client, owner, HONDA, buyer.id).get_json()["data"]
    by_recipient = decide(client, buyer, HONDA, transfer["id"], "cancel")
    assert (by_recipient.status_code, code_of(by_recipient)) == (403, "ACC_001")

    cancelled = decide(client, owner, HONDA, transfer["id"], "cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["data"]["status"] == "cancelled"
    after = decide(client, buyer, HONDA, transfer["id"], "accept")
    assert (after.status_code, code_of(after)) == (409, "VEH_007")
    assert offer(client, owner, HONDA, buyer.id).status_code == 201  # a new offer may follow
    (entry,) = entries_for(container, "vehicle.transfer_cancelled", vehicle["id"])
    assert entry["actor_id"] == owner.id and entry["changes"]["after"]["status"] == "cancelled"


def test_an_offer_of_another_vehicle_or_an_unknown_id_is_404(client, owner, buyer):
    registered(client, owner, vin=HONDA)
    registered(client, owner, vin=VOLKSWAGEN_DE)
    transfer = offer(client, owner, HONDA, buyer.id).get_json()["data"]
    wrong_vehicle = decide(client, buyer, VOLKSWAGEN_DE, transfer["id"], "accept")
    assert (wrong_vehicle.status_code, code_of(wrong_vehicle)) == (404, "RES_001")
    unknown = decide(client, buyer, HONDA, str(uuid.uuid4()), "accept")
    assert (unknown.status_code, code_of(unknown)) == (404, "RES_001")
    outsider = signed_in(client)
    stranger = decide(client, outsider, HONDA, transfer["id"], "accept")
    assert (stranger.status_code, code_of(stranger)) == (404, "RES_001")


def test_an_offer_goes_to_another_active_user(client, owner):
    registered(client, owner, vin=HONDA)
    to_self = offer(client, owner, HONDA, owner.id)
    assert (to_self.status_code, code_of(to_self)) == (422, "VEH_008")
    nobody = offer(client, owner, HONDA, str(uuid.uuid4()))
    assert (nobody.status_code, code_of(nobody)) == (422, "VEH_009")


def test_staff_who_do_not_own_the_vehicle_force_rather_than_offer(client, owner, buyer, staff):
    registered(client, owner, vin=HONDA)
    response = offer(client, staff, HONDA, buyer.id)
    assert (response.status_code, code_of(response)) == (403, "ACC_001")


# -- forced transfers ---------------------------------------------------------------------
def test_staff_force_a_transfer_with_a_reason_superseding_an_open_offer(
    client, container, owner, buyer, staff
):
    heir = signed_in(client)
    vehicle = registered(client, owner, vin=HONDA)
    pending = offer(client, owner, HONDA, buyer.id).get_json()["data"]

    forced = offer(
        client, staff, HONDA, heir.id, force=True, reason="Court order 2026/114: estate of the owner"
    )
    assert forced.status_code == 201, forced.get_json()
    data = forced.get_json()["data"]
    assert (data["status"], data["from_owner_id"], data["to_user_id"]) == ("forced", owner.id, heir.id)
    assert data["offered_by"] == staff.id and data["reason"].startswith("Court order")

    assert client.get(f"{VEHICLES}/{HONDA}", headers=heir.auth).get_json()["data"]["owner_id"] == heir.id
    assert str(account_row(container, vehicle["account_id"]).owner_id) == heir.id
    periods = history(client, staff, HONDA)
    assert [p["owner_id"] for p in periods] == [owner.id, heir.id]
    assert periods[1]["transfer_id"] == data["id"]
    superseded = decide(client, buyer, HONDA, pending["id"], "accept")
    assert (superseded.status_code, code_of(superseded)) == (409, "VEH_007")
    statuses = {
        t["id"]: t["status"]
        for t in client.get(f"{VEHICLES}/{HONDA}/transfers", headers=staff.auth).get_json()["data"]
    }
    assert statuses == {pending["id"]: "cancelled", data["id"]: "forced"}

    (entry,) = entries_for(container, "vehicle.transfer_forced", vehicle["id"])
    assert entry["actor_id"] == staff.id and "staff" in entry["actor_roles"]
    assert entry["reason"] == "Court order 2026/114: estate of the owner"
    assert entry["changes"]["before"]["owner_id"] == owner.id
    assert entry["changes"]["after"]["owner_id"] == heir.id
    (cancel,) = entries_for(container, "vehicle.transfer_cancelled", vehicle["id"])
    assert cancel["reason"] == "superseded by a forced transfer"
    (changed,) = events_for(container, "payments.VehicleOwnershipChanged", vehicle["id"])
    assert (changed["owner_id"], changed["forced"], changed["transfer_id"]) == (heir.id, True, data["id"])


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_forced_transfer_without_a_reason_is_refused(client, owner, buyer, staff, reason):
    registered(client, owner, vin=HONDA)
    body = {"force": True} if reason is None else {"force": True, "reason": reason}
    response = offer(client, staff, HONDA, buyer.id, **body)
    assert (response.status_code, code_of(response)) == (422, "VAL_001")
    assert response.get_json()["error"]["details"][0]["field"] == "reason"
    assert client.get(f"{VEHICLES}/{HONDA}", headers=owner.auth).get_json()["data"]["owner_id"] == owner.id


def test_a_user_cannot_force_a_transfer(client, container, owner, buyer):
    vehicle = registered(client, owner, vin=HONDA)
    response = offer(client, owner, HONDA, buyer.id, force=True, reason="I say so")
    assert (response.status_code, code_of(response)) == (403, "ACC_001")
    assert [p["owner_id"] for p in history(client, owner, HONDA)] == [owner.id]
    assert entries_for(container, "vehicle.transfer_forced", vehicle["id"]) == []


def test_forcing_a_vehicle_on_its_owner_is_refused(client, owner, staff):
    registered(client, owner, vin=HONDA)
    response = offer(client, staff, HONDA, owner.id, force=True, reason="duplicate request")
    assert (response.status_code, code_of(response)) == (422, "VEH_008")


# -- what the database refuses on its own -------------------------------------------------
def _key_of(session, identifier: str) -> int:
    return session.execute(
        text("SELECT key FROM vehicle WHERE identifier = :i"), {"i": identifier}
    ).scalar_one()


def test_the_database_refuses_overlapping_ownership_periods(client, container, owner, buyer):
    registered(client, owner, vin=HONDA)
    registered(client, owner, vin=VOLKSWAGEN_DE)
    with container.session_factory() as session:
        honda, golf = _key_of(session, HONDA), _key_of(session, VOLKSWAGEN_DE)
        insert = text(
            "INSERT INTO vehicle_ownership (vehicle_key, owner_id, period) "
            "VALUES (:key, :owner, tstzrange(:start, :end, '[)'))"
        )
        # Another vehicle's periods are not in the way (the key is part of the constraint)...
        with session.begin_nested():
            session.execute(
                insert, {"key": golf, "owner": buyer.id, "start": "2001-01-01Z", "end": "2002-01-01Z"}
            )
            session.execute(
                insert, {"key": golf, "owner": owner.id, "start": "2002-01-01Z", "end": "2003-01-01Z"}
            )
        # ... but one overlapping the current (open-ended) period of the same vehicle is refused,
        with pytest.raises(IntegrityError) as refused, session.begin_nested():
            session.execute(insert, {"key": honda, "owner": buyer.id, "start": "2099-01-01Z", "end": None})
        assert refused.value.orig.pgcode == "23P01"  # exclusion_violation
        assert refused.value.orig.diag.constraint_name == "ex_vehicle_ownership_overlap"
        # ... and so is one overlapping a closed period.
        with pytest.raises(IntegrityError), session.begin_nested():
            session.execute(
                insert, {"key": golf, "owner": buyer.id, "start": "2001-06-01Z", "end": "2001-07-01Z"}
            )


def test_the_database_refuses_a_second_active_registration_and_a_second_open_offer(
    client, container, owner, buyer
):
    vehicle = registered(client, owner, vin=HONDA)
    offer(client, owner, HONDA, buyer.id)
    with container.session_factory() as session:
        key = _key_of(session, HONDA)
        with pytest.raises(IntegrityError) as duplicate, session.begin_nested():
            session.execute(
                text(
                    "WITH a AS (INSERT INTO account (owner_id, kind, currency) VALUES (:o, 'vehicle', 'NAD') "
                    "RETURNING id) "
                    "INSERT INTO vehicle (id, identifier, identifier_type, check_digit_valid, owner_id, "
                    "account_id, registered_by) "
                    "SELECT gen_random_uuid(), :i, 'vin', true, :o, a.id, :o FROM a"
                ),
                {"i": HONDA, "o": owner.id},
            )
        assert duplicate.value.orig.diag.constraint_name == "uq_vehicle_identifier_active"
        with pytest.raises(IntegrityError) as second_offer, session.begin_nested():
            session.execute(
                text(
                    "INSERT INTO vehicle_transfer "
                    "(id, vehicle_key, from_owner_id, to_user_id, status, offered_by) "
                    "VALUES (gen_random_uuid(), :k, :o, :b, 'open', :o)"
                ),
                {"k": key, "o": owner.id, "b": buyer.id},
            )
        assert second_offer.value.orig.diag.constraint_name == "uq_vehicle_transfer_open"
    assert vehicle["status"] == "active"


def test_the_routes_are_in_the_openapi_document_with_bearer_security(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    expected = {
        ("/api/v1/vehicles", "post"),
        ("/api/v1/vehicles", "get"),
        ("/api/v1/vehicles/{vin}", "get"),
        ("/api/v1/vehicles/{vin}/history", "get"),
        ("/api/v1/vehicles/{vin}/transfers", "get"),
        ("/api/v1/vehicles/{vin}/transfers", "post"),
        *(
            ("/api/v1/vehicles/{vin}/transfers/{transfer_id}/" + d, "post")
            for d in ("accept", "decline", "cancel")
        ),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["security"] == [{"bearerAuth": []}], (path, method)
        assert "vehicles" in operation["tags"]


def test_the_database_keeps_the_token_account_owned_by_the_vehicles_owner(client, container, owner, buyer):
    vehicle = registered(client, owner, vin=HONDA)
    move_account = text("UPDATE account SET owner_id = :b WHERE id = :a")
    move_vehicle = text("UPDATE vehicle SET owner_id = :b WHERE id = :v")
    # Checked at commit (both rows change in one transaction); the tests' transaction never
    # commits, so each case asks for the check at once.
    check_now = text("SET CONSTRAINTS fk_vehicle_account_owner IMMEDIATE")
    with container.session_factory() as session:
        alone = session.begin_nested()
        session.execute(move_account, {"b": buyer.id, "a": vehicle["account_id"]})
        with pytest.raises(IntegrityError) as refused:
            session.execute(check_now)
        alone.rollback()
        assert refused.value.orig.diag.constraint_name == "fk_vehicle_account_owner"
        with session.begin_nested():  # both together are fine
            session.execute(move_account, {"b": buyer.id, "a": vehicle["account_id"]})
            session.execute(move_vehicle, {"b": buyer.id, "v": vehicle["id"]})
            session.execute(check_now)
        session.rollback()
