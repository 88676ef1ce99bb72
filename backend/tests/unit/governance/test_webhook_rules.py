"""Webhook rules without I/O: the signature, the URL and address checks, the retry schedule,
and the event-feed rule that decides who sees what."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from elcorp.governance.domain.event_feed import FEED_RULES, feed_entries, public_event
from elcorp.governance.domain.webhooks import (
    AttemptOutcome,
    DeliveryStatus,
    WebhookDelivery,
    parse_url,
    refuse_addresses,
    retry_delay,
    sign,
    verify,
)
from elcorp.shared.domain.errors import ValidationFailed

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def field_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    return exc.value.details[0]["field"]


# -- signature ------------------------------------------------------------------------------------
def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = '{"id":"e1"}'
    header = sign("whsec_x", 1_765_000_000, body)
    expected = hmac.new(b"whsec_x", b'1765000000.{"id":"e1"}', hashlib.sha256).hexdigest()
    assert header == f"t=1765000000,v1={expected}"


def test_verification_refuses_a_stale_timestamp_a_changed_body_and_another_secret():
    body = '{"id":"e1"}'
    header = sign("whsec_x", 1_000, body)
    assert verify("whsec_x", header, body, now=1_000 + 299)
    assert not verify("whsec_x", header, body, now=1_000 + 301)  # older than 5 minutes: a replay
    assert not verify("whsec_x", header, body + " ", now=1_000)
    assert not verify("whsec_y", header, body, now=1_000)
    assert not verify("whsec_x", "v1=abc", body, now=1_000)


# -- URLs and addresses -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",
        "ftp://example.com/",
        "https://",
        "https://user:pw@example.com/",
        "not a url",
    ],
)
def test_only_plain_https_urls_are_accepted_by_default(url):
    with pytest.raises(ValidationFailed) as exc:
        parse_url(url, allow_private=False)
    assert field_of(exc) == "url"


def test_http_is_accepted_only_when_private_addresses_are_allowed():
    target = parse_url("http://127.0.0.1:8080/hook?x=1", allow_private=True)
    assert (target.scheme, target.host, target.port, target.target) == (
        "http",
        "127.0.0.1",
        8080,
        "/hook?x=1",
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
    ],
)
def test_non_public_addresses_are_refused_naming_url(address):
    with pytest.raises(ValidationFailed) as exc:
        refuse_addresses([ipaddress.ip_address(address)], allow_private=False)
    assert field_of(exc) == "url"


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(ValidationFailed):
        refuse_addresses(
            [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.1.1.1")], allow_private=False
        )
    refuse_addresses([ipaddress.ip_address("93.184.216.34")], allow_private=False)
    refuse_addresses([ipaddress.ip_address("127.0.0.1")], allow_private=True)


def test_a_host_that_resolves_to_nothing_is_refused():
    with pytest.raises(ValidationFailed):
        refuse_addresses([], allow_private=True)


# -- retries ------------------------------------------------------------------------------------------
def delivery(attempts: int = 0) -> WebhookDelivery:
    return WebhookDelivery(
        uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "invoice.overdue", "{}", DeliveryStatus.PENDING,
        attempts, NOW, None, None, None, None, None, NOW,
    )  # fmt: skip


def test_the_backoff_grows_then_caps():
    assert [retry_delay(n) for n in range(1, 9)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        timedelta(hours=12),
        timedelta(hours=12),
        timedelta(hours=12),
    ]


def test_a_failed_attempt_is_rescheduled_and_the_last_one_fails_the_delivery():
    first = delivery().after_attempt(AttemptOutcome(500, "HTTP 500", "oops"), NOW, max_attempts=3)
    assert (first.status, first.attempts, first.next_attempt_at) == (
        DeliveryStatus.PENDING,
        1,
        NOW + timedelta(minutes=1),
    )
    assert (first.last_status_code, first.last_error, first.response_excerpt) == (500, "HTTP 500", "oops")
    last = delivery(attempts=2).after_attempt(AttemptOutcome(None, "timeout"), NOW, max_attempts=3)
    assert (last.status, last.next_attempt_at) == (DeliveryStatus.FAILED, None)


def test_a_2xx_delivers_and_a_redelivery_starts_over():
    done = delivery().after_attempt(AttemptOutcome(204), NOW, max_attempts=3)
    assert (done.status, done.delivered_at) == (DeliveryStatus.DELIVERED, NOW)
    again = done.redeliver(NOW + timedelta(hours=1))
    assert (again.status, again.attempts, again.next_attempt_at) == (
        DeliveryStatus.PENDING,
        0,
        NOW + timedelta(hours=1),
    )


def test_a_redirect_is_not_a_success():
    assert not AttemptOutcome(302, "HTTP 302").succeeded


# -- who sees what ----------------------------------------------------------------------------------
def test_both_parties_of_a_vehicle_offer_get_it_without_the_other_party_s_id():
    seller, buyer = uuid.uuid4(), uuid.uuid4()
    vehicle, transfer = uuid.uuid4(), uuid.uuid4()
    shown = public_event(
        "payments.VehicleTransferOffered",
        uuid.uuid4(),
        NOW,
        {"vehicle_id": vehicle, "transfer_id": transfer, "from_owner_id": seller, "to_user_id": buyer},
    )
    assert shown is not None
    assert shown.type == "vehicle.transfer_offered"
    assert shown.audience == {seller, buyer}
    assert shown.data == {"vehicle_id": str(vehicle), "transfer_id": str(transfer)}
    assert {e.user_id for e in feed_entries(shown)} == {seller, buyer}


def test_unlisted_events_reach_nobody_and_values_are_json():
    assert public_event("payments.LedgerIntegrityFailed", uuid.uuid4(), NOW, {}) is None
    shown = public_event(
        "payments.InvoiceOverdue",
        uuid.uuid4(),
        NOW,
        {
            "invoice_id": uuid.uuid4(),
            "number": "INV-1",
            "payer_id": uuid.uuid4(),
            "amount_due": Decimal("12.50"),
            "currency": "NAD",
            "due_date": "2026-12-01",
        },
    )
    assert shown is not None and shown.data["amount_due"] == "12.50"
    assert "payer_id" not in shown.data


def test_no_rule_shows_a_user_id_or_free_text():
    for rule in FEED_RULES.values():
        for name in rule.data:
            assert not name.endswith(
                ("user_id", "owner_id", "_by", "requester_id", "approver_id", "payer_id")
            )
            assert name not in {"reason", "title", "description", "comment", "ip"}


def test_an_assignment_to_a_team_reaches_no_user():
    shown = public_event(
        "governance.ServiceRequestAssigned",
        uuid.uuid4(),
        NOW,
        {
            "request_id": uuid.uuid4(),
            "assignee_kind": "team",
            "assignee_id": uuid.uuid4(),
            "assigned_by": uuid.uuid4(),
        },
    )
    assert shown is not None and shown.audience == frozenset()


def test_the_customer_who_started_a_movement_is_told_of_its_decision_but_not_who_decided():
    customer, approver = uuid.uuid4(), uuid.uuid4()
    shown = public_event(
        "payments.TransactionDecided",
        uuid.uuid4(),
        NOW,
        {
            "transaction_id": uuid.uuid4(),
            "status": "completed",
            "user_id": customer,
            "type": "transfer",
            "amount": Decimal("1500.00"),
            "currency": "NAD",
            "decided_by": approver,
        },
    )
    assert shown is not None and shown.audience == {customer}
    assert shown.data["amount"] == "1500.00" and str(approver) not in str(shown.data)
