"""The access bundle (POPIA s23): built by a worker from every context's exporter, stored
with its SHA-256, released to the subject when the request is completed, and showing who
else accessed their information."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from sqlalchemy import text

from elcorp.compliance.privacy.domain.privacy_requests import RequestType, VerificationMethod
from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.tasks import dispatch_outbox
from elcorp.main import create_app
from support.audit import audit_entries
from support.committed import committed_container
from support.identity import signed_in, staff_with_mfa
from support.payments import fund, transfer, wallet_of
from support.privacy_requests import MINE, QUEUE, act, filed, install_doubles, started


@pytest.fixture
def ports(client, container):
    return install_doubles(client, container)


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def download(client, user, rid):
    return client.get(f"{MINE}/{rid}/bundle", headers=user.auth)


def completed_access_request(client, container, officer, user) -> str:
    rid = filed(client, user, "access")["id"]
    started(client, officer, rid)
    container.outbox.dispatch_pending()  # the worker's outbox run builds the bundle
    done = act(client, officer, rid, "complete")
    assert done.status_code == 200, done.get_json()
    return rid


def test_the_bundle_holds_registration_consent_money_and_the_staff_who_viewed_the_subject(
    client, container, ports, officer
):
    # Registered, consented, moved money, and was looked up by a staff member.
    user = signed_in(client)
    consent = client.post(
        "/api/v1/me/consents", headers=user.auth, json={"purpose": "marketing", "granted": True}
    )
    assert consent.status_code == 201, consent.get_json()
    teller = staff_with_mfa(client, container, "staff")
    user.wallet = wallet_of(client, container, user)
    fund(container, teller, user.wallet["id"], "500.00")
    friend = signed_in(client)
    friend.wallet = wallet_of(client, container, friend)
    sent = transfer(client, user, user.wallet["id"], friend.wallet["id"], "120.50", description="Rent share")
    assert sent.status_code == 201, sent.get_json()
    viewed = client.get(f"/api/v1/users/{user.id}", headers=officer.auth)
    assert viewed.status_code == 200

    rid = completed_access_request(client, container, officer, user)
    response = download(client, user, rid)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.data
    assert (
        response.headers["Repr-Digest"]
        == f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"
    )
    bundle = json.loads(body)
    assert bundle["subject_id"] == user.id and bundle["request_id"] == rid
    sections = bundle["sections"]
    # registration
    profile = sections["identity"]["profile"]
    assert profile["email"] == user.email and profile["username"] == user.username
    assert "password_hash" not in json.dumps(sections["identity"])
    assert sections["identity"]["devices"][0]["device_id"] == user.device_id
    assert any(e["action"] == "user.registered" for e in sections["compliance"]["audit_trail"])
    # consent
    records = sections["compliance"]["consents"]["records"]
    assert [(r["purpose"], r["action"]) for r in records] == [("marketing", "granted")]
    # money
    (wallet,) = sections["payments"]["wallets"]
    assert wallet["id"] == user.wallet["id"]
    (sent_tx,) = [t for t in sections["payments"]["transactions"] if t["direction"] == "out"]
    assert sent_tx["id"] == sent.get_json()["data"]["id"]
    assert sent_tx["description"] == "Rent share" and float(sent_tx["amount"]) == 120.5
    assert any(
        t["direction"] == "in" and t["initiated_by"] == teller.id
        for t in sections["payments"]["transactions"]
    )
    # the staff access
    accesses = sections["compliance"]["accessed_by"]
    assert any(a["action"] == "user.viewed" and a["actor_id"] == officer.id for a in accesses)
    assert officer.id in sections["compliance"]["third_parties"]
    staff_view = next(a for a in accesses if a["action"] == "user.viewed")
    assert "ip" not in staff_view  # a staff member's own network details are not disclosed
    # the request itself, and its handling by staff
    assert [r["id"] for r in sections["compliance"]["privacy_requests"]] == [rid]
    assert any(a["action"] == "privacy_request.started" and a["actor_id"] == officer.id for a in accesses)
    # stored with the digest served
    with container.session_factory() as session:
        stored = session.execute(
            text("SELECT sha256, size FROM privacy_access_bundle WHERE request_id = :id"), {"id": rid}
        ).one()
    assert stored.sha256 == hashlib.sha256(body).hexdigest() and stored.size == len(body)
    outcome = client.get(f"{MINE}/{rid}", headers=user.auth).get_json()["data"]["outcome"]
    assert outcome["bundle_sha256"] == stored.sha256


def test_a_staff_read_of_a_user_is_audited_but_reading_oneself_is_not(client, container, officer):
    user = signed_in(client)

    client.get(f"/api/v1/users/{user.id}", headers=officer.auth)
    client.get(f"/api/v1/users/{officer.id}", headers=officer.auth)

    entries = audit_entries(container, "user.viewed")
    assert [(e["actor_id"], e["resource_type"], e["resource_id"]) for e in entries] == [
        (officer.id, "user", user.id)
    ]


def test_the_subject_gets_the_bundle_only_once_the_request_is_completed(client, container, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "access")["id"]
    started(client, officer, rid)

    early_complete = act(client, officer, rid, "complete")
    before_build = download(client, user, rid)
    container.outbox.dispatch_pending()
    before_release = download(client, user, rid)

    assert early_complete.status_code == 409 and early_complete.get_json()["error"]["code"] == "DSR_004"
    assert before_build.status_code == 409 and before_release.status_code == 409
    assert before_release.get_json()["error"]["code"] == "DSR_004"


def test_nobody_else_downloads_a_subjects_bundle(client, container, ports, officer):
    user, other = signed_in(client), signed_in(client)
    rid = completed_access_request(client, container, officer, user)

    assert download(client, other, rid).status_code == 404
    assert download(client, user, rid).status_code == 200


def test_a_staff_review_of_the_bundle_is_recorded_as_an_access_to_the_subjects_data(
    client, container, ports, officer
):
    user = signed_in(client)
    rid = filed(client, user, "access")["id"]
    started(client, officer, rid)
    container.outbox.dispatch_pending()

    review = client.get(f"{QUEUE}/{rid}/bundle", headers=officer.auth)

    assert review.status_code == 200 and "Repr-Digest" in review.headers
    (entry,) = audit_entries(container, "privacy_request.bundle_reviewed")
    assert (entry["actor_id"], entry["resource_type"], entry["resource_id"]) == (officer.id, "user", user.id)


def test_a_refused_access_request_builds_nothing(client, container, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "access")["id"]
    started(client, officer, rid)
    act(
        client,
        officer,
        rid,
        "refuse",
        reason="Identity in doubt",
        legal_ground="POPIA s23(1): no adequate proof",
    )

    container.outbox.dispatch_pending()

    with container.session_factory() as session:
        status = session.execute(
            text("SELECT status FROM privacy_access_bundle WHERE request_id = :id"), {"id": rid}
        ).scalar_one()
    assert status == "pending"
    assert download(client, user, rid).status_code == 409


# -- the worker path ----------------------------------------------------------------------------
@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_bundle", pool_size=3
    ) as container:
        yield container


def wait_until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_real_worker_builds_the_bundle_of_a_started_request(committed):
    app = create_app(container=committed)
    celery = celery_init_app(app, committed.settings)
    client = app.test_client()
    user = signed_in(client)
    service = committed.privacy_requests
    request = service.submit(uuid.UUID(user.id), RequestType.ACCESS, details=None, correction=None)
    staff_id = uuid.UUID(user.id)  # the service records who acted; permissions are the HTTP layer's
    service.verify(staff_id, request.id, VerificationMethod.IN_PERSON, True, None)
    service.start(staff_id, request.id)

    def stored():
        with committed.session_factory() as session:
            return session.execute(
                text("SELECT status, sha256, content FROM privacy_access_bundle WHERE request_id = :id"),
                {"id": request.id},
            ).one()

    assert stored().status == "pending"
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # the beat sweep finds the pending bundle
        celery.tasks["elcorp.compliance.build_access_bundles"].delay()
        assert wait_until(lambda: stored().status == "ready")
        again = celery.tasks["elcorp.compliance.build_access_bundle"].delay(str(request.id)).get(timeout=30)

    assert again == {"request_id": str(request.id), "built": False}  # a redelivery changes nothing
    row = stored()
    assert hashlib.sha256(bytes(row.content)).hexdigest() == row.sha256
    assert json.loads(bytes(row.content))["sections"]["identity"]["profile"]["email"] == user.email


def test_starting_an_access_request_has_the_worker_build_its_bundle_from_the_outbox(committed):
    app = create_app(container=committed)
    celery = celery_init_app(app, committed.settings)
    user = signed_in(app.test_client())
    service = committed.privacy_requests
    request = service.submit(uuid.UUID(user.id), RequestType.ACCESS, details=None, correction=None)
    service.verify(uuid.UUID(user.id), request.id, VerificationMethod.CALLBACK, True, None)
    service.start(uuid.UUID(user.id), request.id)

    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        dispatch_outbox.delay()  # what beat sends every few seconds
        assert wait_until(lambda: _ready(committed, request.id))
    (entry,) = audit_entries(committed, "privacy_request.bundle_built")
    assert entry["actor_id"] == "system" and entry["resource_id"] == str(request.id)


def _ready(container, request_id) -> bool:
    with container.session_factory() as session:
        return session.execute(
            text("SELECT status = 'ready' FROM privacy_access_bundle WHERE request_id = :id"),
            {"id": request_id},
        ).scalar_one()


def test_bundles_past_their_download_window_are_purged_and_the_digest_stays(
    client, container, ports, officer
):
    user = signed_in(client)
    rid = completed_access_request(client, container, officer, user)
    with container.session_factory() as session:
        session.execute(
            text(
                "UPDATE privacy_access_bundle SET expires_at = now() - interval '1 second'"
                " WHERE request_id = :id"
            ),
            {"id": rid},
        )
        session.commit()

    purged = container.access_bundles.purge_expired()

    assert purged == 1
    assert download(client, user, rid).status_code == 409
    assert client.get(f"{MINE}/{rid}", headers=user.auth).get_json()["data"]["outcome"]["bundle_sha256"]
    (entry,) = audit_entries(container, "privacy_request.bundles_purged")
    assert entry["changes"]["after"] == {"deleted": 1}


def test_the_bundle_holds_the_subjects_vehicles_and_invoices(client, container, ports, officer):
    user = signed_in(client)
    car = client.post(
        "/api/v1/vehicles",
        headers=user.auth,
        json={"vin": "1HGCM82633A004352", "make": "Honda", "colour": "Silver"},
    )
    assert car.status_code == 201, car.get_json()
    bill = client.post(
        "/api/v1/invoices",
        headers=officer.auth,
        json={
            "payer_id": user.id,
            "lines": [{"description": "Roadworthy test", "quantity": "1", "unit_price": "250"}],
        },
    )
    assert bill.status_code == 201, bill.get_json()

    rid = completed_access_request(client, container, officer, user)
    payments = json.loads(download(client, user, rid).data)["sections"]["payments"]

    (vehicle,) = payments["vehicles"]
    assert vehicle["identifier"] == "1HGCM82633A004352" and vehicle["colour"] == "Silver"
    assert [p["vehicle_id"] for p in payments["vehicle_ownership"]] == [vehicle["id"]]
    assert payments["vehicle_ownership"][0]["ended_at"] is None
    (invoice,) = payments["invoices"]
    assert invoice["id"] == bill.get_json()["data"]["id"]
    assert [line["description"] for line in invoice["lines"]] == ["Roadworthy test"]
    assert "payment_key" not in invoice
