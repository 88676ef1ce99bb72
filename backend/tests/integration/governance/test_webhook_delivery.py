"""Webhooks end to end against a real receiver on 127.0.0.1 (private addresses allowed, as
in local development): signed deliveries that verify with the recipe of docs/API.md,
retries with backoff shown in the delivery log, redelivery, and who may manage them."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from elcorp.bootstrap import bootstrap
from elcorp.governance.application.webhooks import Webhooks
from elcorp.governance.domain.service_requests import ServiceRequestCompleted
from elcorp.governance.domain.webhooks import parse_url
from elcorp.governance.infrastructure.webhook_sender import HttpWebhookSender
from elcorp.governance.infrastructure.webhook_store import SqlWebhookUnitOfWork
from elcorp.identity.domain.events import SecurityNotice
from elcorp.shared.domain.clock import utc_now
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from support.fakes import FakeClock
from support.governance import join, make_organization
from support.identity import signed_in, staff_with_mfa

ORGS = "/api/v1/organizations"


# -- the receiver's side: the recipe docs/API.md "Webhooks" gives ---------------------------------
def verify_signature(secret: str, header: str, raw_body: bytes, tolerance: int = 300) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False  # too old (or from the future): a replay
    signed = f"{timestamp}.".encode() + raw_body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """An HTTP server in a thread: records every request, answers the queued status codes
    (then 200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver is down " + b"x" * 2000)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/elcorp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def container(settings, engine, session_factory, redis_client):
    """The module's container: private addresses allowed (the receiver is on 127.0.0.1)."""
    allowed = settings.model_copy(update={"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True})
    return bootstrap(allowed, engine=engine, session_factory=session_factory, redis_client=redis_client)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def org(client, container):
    """An organisation with a member, a staff member of it, and an admin."""
    org_id = make_organization(container, f"Hooks {uuid.uuid4().hex[:8]}")
    member, staff = signed_in(client), staff_with_mfa(client, container, "staff")
    join(container, org_id, member, staff)
    return {
        "id": str(org_id),
        "member": member,
        "staff": staff,
        "admin": staff_with_mfa(client, container, "admin"),
    }


def register(client, caller, org_id: str, url: str, **extra):
    return client.post(f"{ORGS}/{org_id}/webhooks", headers=caller.auth, json={"url": url, **extra})


def registered(client, caller, org_id: str, url: str, **extra) -> dict:
    response = register(client, caller, org_id, url, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def publish(container, *events) -> None:
    with SqlAlchemyUnitOfWork(container.session_factory) as uow:
        for event in events:
            uow.publish(event)
        uow.commit()
    container.outbox.dispatch_pending()


def completed_for(user) -> ServiceRequestCompleted:
    return ServiceRequestCompleted(
        request_id=uuid.uuid4(), requester_id=uuid.UUID(user.id), completed_by=uuid.uuid4()
    )


def deliveries(client, caller, org_id: str, webhook_id: str, **params) -> dict:
    response = client.get(
        f"{ORGS}/{org_id}/webhooks/{webhook_id}/deliveries", headers=caller.auth, query_string=params
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def webhooks_at(container, clock: FakeClock, *, max_attempts: int = 8) -> Webhooks:
    """The delivery job's service on a clock the test moves."""
    return Webhooks(
        lambda: SqlWebhookUnitOfWork(container.session_factory),
        container.access,
        container.cipher,
        HttpWebhookSender(allow_private=True, timeout_seconds=5),
        allow_private=True,
        max_attempts=max_attempts,
        clock=clock,
    )


# -- delivery ----------------------------------------------------------------------------------------
def test_a_delivery_reaches_the_receiver_signed_as_documented(client, container, org, receiver):
    hook = registered(client, org["staff"], org["id"], receiver.url, description="ERP")
    assert hook["secret"].startswith("whsec_")
    event = completed_for(org["member"])
    publish(container, event)

    assert container.governance_module.webhooks.deliver_due() == {"delivered": 1, "retried": 0, "failed": 0}

    ((headers, raw),) = receiver.requests
    assert verify_signature(hook["secret"], headers["Elcorp-Signature"], raw)
    assert not verify_signature("whsec_another", headers["Elcorp-Signature"], raw)
    assert not verify_signature(hook["secret"], headers["Elcorp-Signature"], raw + b" ")
    body = json.loads(raw)
    assert body == {
        "id": str(event.event_id),
        "type": "service_request.completed",
        "created_at": body["created_at"],
        "data": {"request_id": str(event.request_id)},
    }
    assert headers["Elcorp-Event-Type"] == "service_request.completed"
    (logged,) = deliveries(client, org["staff"], org["id"], hook["id"])["data"]
    assert headers["Elcorp-Delivery-Id"] == logged["id"]
    assert (logged["status"], logged["attempts"], logged["last_status_code"]) == ("delivered", 1, 200)
    assert logged["event_id"] == str(event.event_id) and logged["delivered_at"] is not None


def test_events_of_other_organisations_and_personal_ones_are_not_sent(client, container, org, receiver):
    registered(client, org["staff"], org["id"], receiver.url)
    outsider = signed_in(client)
    publish(
        container, completed_for(outsider), SecurityNotice(user_id=uuid.UUID(org["member"].id), kind="mfa")
    )
    assert container.governance_module.webhooks.deliver_due() == {"delivered": 0, "retried": 0, "failed": 0}
    assert receiver.requests == []


def test_a_failing_receiver_is_retried_with_backoff_and_the_log_shows_it(client, container, org, receiver):
    hook = registered(client, org["staff"], org["id"], receiver.url)
    publish(container, completed_for(org["member"]))
    receiver.statuses = [500, 503]
    clock = FakeClock(utc_now() + timedelta(seconds=1))
    job = webhooks_at(container, clock)

    assert job.deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}
    (entry,) = deliveries(client, org["staff"], org["id"], hook["id"])["data"]
    assert (entry["status"], entry["attempts"], entry["last_status_code"]) == ("pending", 1, 500)
    assert entry["last_error"] == "HTTP 500"
    assert entry["response_excerpt"].startswith("receiver is down") and len(entry["response_excerpt"]) <= 512
    first_retry = entry["next_attempt_at"]

    clock.advance(timedelta(seconds=59))
    assert job.deliver_due() == {"delivered": 0, "retried": 0, "failed": 0}  # not due for a minute
    clock.advance(timedelta(seconds=1))
    assert job.deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}
    (entry,) = deliveries(client, org["staff"], org["id"], hook["id"])["data"]
    assert (entry["attempts"], entry["last_status_code"]) == (2, 503)
    assert entry["next_attempt_at"] > first_retry  # then 5 minutes

    clock.advance(timedelta(minutes=4, seconds=59))
    assert job.deliver_due()["delivered"] == 0
    clock.advance(timedelta(seconds=1))
    assert job.deliver_due() == {"delivered": 1, "retried": 0, "failed": 0}
    (entry,) = deliveries(client, org["staff"], org["id"], hook["id"])["data"]
    assert (entry["status"], entry["attempts"], entry["last_status_code"]) == ("delivered", 3, 200)
    assert len(receiver.requests) == 3
    assert len({json.loads(raw)["id"] for _, raw in receiver.requests}) == 1  # one event, sent thrice


def test_a_delivery_fails_after_its_last_attempt_and_redelivery_sends_it_again(
    client, container, org, receiver
):
    hook = registered(client, org["staff"], org["id"], receiver.url)
    event = completed_for(org["member"])
    publish(container, event)
    receiver.statuses = [500, 500]
    clock = FakeClock(utc_now() + timedelta(seconds=1))
    job = webhooks_at(container, clock, max_attempts=2)
    job.deliver_due()
    clock.advance(timedelta(minutes=1))
    assert job.deliver_due() == {"delivered": 0, "retried": 0, "failed": 1}
    (entry,) = deliveries(client, org["staff"], org["id"], hook["id"])["data"]
    assert (entry["status"], entry["attempts"], entry["next_attempt_at"]) == ("failed", 2, None)

    response = client.post(
        f"{ORGS}/{org['id']}/webhooks/{hook['id']}/deliveries/{entry['id']}/redeliver",
        headers=org["staff"].auth,
    )
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["data"]["status"], response.get_json()["data"]["attempts"]) == ("pending", 0)
    assert job.deliver_due() == {"delivered": 1, "retried": 0, "failed": 0}
    assert [json.loads(raw)["id"] for _, raw in receiver.requests] == [str(event.event_id)] * 3
    assert receiver.requests[-1][0]["Elcorp-Delivery-Id"] == entry["id"]


def test_the_url_is_checked_again_at_delivery_time(client, container, org, receiver):
    registered(client, org["staff"], org["id"], receiver.url)
    publish(container, completed_for(org["member"]))
    strict = Webhooks(
        lambda: SqlWebhookUnitOfWork(container.session_factory),
        container.access,
        container.cipher,
        HttpWebhookSender(allow_private=False),
        allow_private=False,
        clock=FakeClock(utc_now() + timedelta(seconds=1)),
    )
    assert strict.deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}
    assert receiver.requests == []


# -- management ------------------------------------------------------------------------------------
def test_endpoints_are_listed_read_and_deleted_without_their_secret(client, container, org, receiver):
    hook = registered(client, org["staff"], org["id"], receiver.url, event_types=["invoice.overdue"])
    base = f"{ORGS}/{org['id']}/webhooks"
    listed = client.get(base, headers=org["staff"].auth).get_json()
    assert [h["id"] for h in listed["data"]] == [hook["id"]]
    assert listed["data"][0]["secret"] is None
    assert listed["meta"]["has_more"] is False and listed["meta"]["next_cursor"] is None
    got = client.get(f"{base}/{hook['id']}", headers=org["admin"].auth)
    assert got.status_code == 200 and got.get_json()["data"]["secret"] is None
    assert got.get_json()["data"]["event_types"] == ["invoice.overdue"]

    publish(container, completed_for(org["member"]))  # not a subscribed type
    assert deliveries(client, org["staff"], org["id"], hook["id"])["data"] == []

    deleted = client.delete(f"{base}/{hook['id']}", headers=org["staff"].auth)
    assert deleted.status_code == 204 and deleted.data == b""
    assert client.get(f"{base}/{hook['id']}", headers=org["staff"].auth).status_code == 404


def test_registration_answers_201_with_location(client, org, receiver):
    response = register(client, org["admin"], org["id"], receiver.url)
    assert response.status_code == 201
    hook = response.get_json()["data"]
    assert response.headers["Location"] == f"{ORGS}/{org['id']}/webhooks/{hook['id']}"


def test_unknown_event_types_are_refused_naming_the_field(client, org, receiver):
    response = register(
        client, org["staff"], org["id"], receiver.url, event_types=["ledger.integrity_failed"]
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "event_types"


def test_other_organisations_staff_get_404_and_customers_403(client, container, org, receiver):
    hook = registered(client, org["staff"], org["id"], receiver.url)
    other_org = make_organization(container, f"Other {uuid.uuid4().hex[:8]}")
    other_staff = staff_with_mfa(client, container, "staff")
    join(container, other_org, other_staff)
    base = f"{ORGS}/{org['id']}/webhooks"

    assert client.get(base, headers=other_staff.auth).status_code == 404
    assert register(client, other_staff, org["id"], receiver.url).status_code == 404
    assert client.get(f"{base}/{hook['id']}", headers=other_staff.auth).status_code == 404
    assert client.delete(f"{base}/{hook['id']}", headers=other_staff.auth).status_code == 404
    assert client.get(f"{base}/{hook['id']}/deliveries", headers=other_staff.auth).status_code == 404

    for customer in (org["member"], signed_in(client)):
        response = client.get(base, headers=customer.auth)
        assert response.status_code == 403, response.get_json()
        assert register(client, customer, org["id"], receiver.url).status_code == 403
    assert client.get(base).status_code == 401


def test_the_sender_connects_to_the_checked_addresses_not_to_a_new_lookup(receiver):
    """DNS rebinding: the request goes to the addresses that were checked, whatever the host
    name would resolve to now (here: to nothing at all)."""
    port = receiver.server.server_address[1]
    target = parse_url(f"http://rebinding.invalid:{port}/hooks", allow_private=True)
    sender = HttpWebhookSender(allow_private=True, timeout_seconds=5)
    assert sender.resolve(target) == []
    outcome = sender.send(target, ["127.0.0.1"], {"Content-Type": "application/json"}, "{}")
    assert outcome.succeeded
    ((headers, raw),) = receiver.requests
    assert headers["Host"] == f"rebinding.invalid:{port}" and raw == b"{}"


def test_the_delivery_log_pages_with_a_cursor_and_keeps_per_page_as_an_alias(
    client, container, org, receiver
):
    hook = registered(client, org["staff"], org["id"], receiver.url)
    publish(container, *(completed_for(org["member"]) for _ in range(3)))
    first = deliveries(client, org["staff"], org["id"], hook["id"], limit=2)
    assert len(first["data"]) == 2
    assert first["meta"]["has_more"] is True and first["meta"]["total"] == 3
    rest = deliveries(
        client, org["staff"], org["id"], hook["id"], limit=2, cursor=first["meta"]["next_cursor"]
    )
    assert len(rest["data"]) == 1
    assert (rest["meta"]["has_more"], rest["meta"]["next_cursor"]) == (False, None)
    assert {d["id"] for d in first["data"] + rest["data"]} == {
        d["id"] for d in deliveries(client, org["staff"], org["id"], hook["id"])["data"]
    }
    assert len(deliveries(client, org["staff"], org["id"], hook["id"], per_page=1)["data"]) == 1
    unknown = client.get(
        f"{ORGS}/{org['id']}/webhooks/{hook['id']}/deliveries",
        headers=org["staff"].auth,
        query_string={"state": "x"},
    )
    assert unknown.status_code == 422
    assert unknown.get_json()["error"]["details"][0]["field"] == "state"


def test_finished_deliveries_leave_the_log_after_30_days(client, container, org, receiver):
    hook = registered(client, org["staff"], org["id"], receiver.url)
    publish(container, completed_for(org["member"]), completed_for(org["member"]))
    receiver.statuses = [200, 500]
    clock = FakeClock(utc_now() + timedelta(seconds=1))
    job = webhooks_at(container, clock)
    assert job.deliver_due() == {"delivered": 1, "retried": 1, "failed": 0}
    clock.advance(timedelta(days=30, seconds=-5))
    assert job.purge_log() == 0
    clock.advance(timedelta(seconds=10))
    assert job.purge_log() == 1  # the delivered one; the pending one stays until it ends
    (left,) = deliveries(client, org["staff"], org["id"], hook["id"])["data"]
    assert left["status"] == "pending"


def test_an_organisation_has_at_most_ten_endpoints(client, org, receiver):
    for _ in range(10):
        registered(client, org["staff"], org["id"], receiver.url)
    response = register(client, org["staff"], org["id"], receiver.url)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "RES_005"
