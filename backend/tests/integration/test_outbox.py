"""Transactional outbox: rolled-back events never leave; committed ones reach each
subscriber on its own, retried and parked apart from the others."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from elcorp.identity.domain.events import UserRegistered
from elcorp.shared.domain.clock import utc_now
from elcorp.shared.domain.events import DomainEvent, register_event_types
from elcorp.shared.infrastructure.outbox import OutboxDispatcher, retry_delay
from elcorp.shared.infrastructure.tables import outbox_delivery, outbox_message
from support.identity import registration_body
from support.mail import mails


@dataclass(frozen=True, kw_only=True)
class ParcelShipped(DomainEvent):
    event_type = "tests.ParcelShipped"
    parcel_id: uuid.UUID


register_event_types([ParcelShipped])
PAST_ANY_BACKOFF = timedelta(hours=2)


class Clock:
    """The dispatcher's clock, moved by the test instead of waiting. It starts a minute
    ahead: rows are stamped by the database's clock, whose transaction began later than
    this fixture."""

    def __init__(self) -> None:
        self.at = utc_now() + timedelta(minutes=1)

    def now(self):
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


class Flaky:
    """A subscriber that fails its first `failures` calls (every call if None)."""

    def __init__(self, failures: int | None) -> None:
        self.failures = failures
        self.calls = 0

    def on_event(self, event: DomainEvent) -> None:
        self.calls += 1
        if self.failures is None or self.calls <= self.failures:
            raise ConnectionError(f"subscriber down (call {self.calls})")


@pytest.fixture
def container(own_container):
    """A container of this module's own: its tests subscribe handlers to the bus."""
    return own_container


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def dispatcher(container, clock):
    return OutboxDispatcher(
        container.session_factory,
        container.bus,
        max_attempts=container.settings.OUTBOX_MAX_ATTEMPTS,
        lease=timedelta(minutes=5),
        clock=clock.now,
    )


def outbox_rows(container, event_id):
    with container.session_factory() as session:
        return session.execute(select(outbox_message).where(outbox_message.c.event_id == event_id)).all()


def deliveries(container, event_id):
    """{subscriber: delivery row} of the event."""
    with container.session_factory() as session:
        rows = session.execute(
            select(outbox_delivery)
            .join(outbox_message, outbox_message.c.id == outbox_delivery.c.message_id)
            .where(outbox_message.c.event_id == event_id)
        ).all()
    return {row.subscriber: row for row in rows}


def publish(container, event):
    with container.uow() as uow:
        uow.publish(event)
        uow.commit()


def test_event_in_a_rolled_back_transaction_is_never_stored_nor_dispatched(container):
    seen = []
    container.bus.subscribe(ParcelShipped, seen.append)
    event = ParcelShipped(parcel_id=uuid.uuid4())
    with container.uow() as uow:
        uow.publish(event)
        uow.rollback()
    with container.uow() as uow:
        uow.publish(ParcelShipped(parcel_id=uuid.uuid4()))
        # exception path: the block ends without commit
    assert outbox_rows(container, event.event_id) == []
    assert container.outbox.dispatch_pending().dispatched == 0
    assert seen == []


def test_committed_event_is_dispatched_once_later_when_a_dispatcher_runs(container):
    seen = []
    container.bus.subscribe(ParcelShipped, seen.append)
    event = ParcelShipped(parcel_id=uuid.uuid4())
    publish(container, event)
    # Nothing is delivered at commit time: delivery is the dispatcher's job.
    assert seen == []
    [row] = outbox_rows(container, event.event_id)
    assert row.dispatched_at is None

    result = container.outbox.dispatch_pending()
    assert (result.dispatched, result.fanned_out) == (1, 1)
    assert seen == [event]
    [row] = outbox_rows(container, event.event_id)
    assert row.dispatched_at is not None and row.attempts == 1
    [delivery] = deliveries(container, event.event_id).values()
    assert delivery.delivered_at is not None and delivery.attempts == 1 and delivery.locked_until is None

    assert container.outbox.dispatch_pending().dispatched == 0
    assert seen == [event]


def test_a_failing_subscriber_is_retried_with_backoff_then_parked_and_the_others_run_once(
    container, dispatcher, clock
):
    delivered = []
    container.bus.subscribe(ParcelShipped, delivered.append, name="tests.label_printer")
    broken = Flaky(failures=None)
    container.bus.subscribe(ParcelShipped, broken.on_event, name="tests.carrier_notice")
    event = ParcelShipped(parcel_id=uuid.uuid4())
    publish(container, event)

    result = dispatcher.dispatch_pending()
    assert (result.dispatched, result.retried) == (1, 1)
    rows = deliveries(container, event.event_id)
    failing = rows["tests.carrier_notice"]
    assert failing.attempts == 1 and failing.delivered_at is None and failing.failed_at is None
    assert "subscriber down" in failing.last_error
    assert failing.next_attempt_at == clock.at + retry_delay(1)
    assert rows["tests.label_printer"].delivered_at is not None
    # Not due yet: a second run right away calls nobody.
    assert dispatcher.dispatch_pending().claimed == 0
    assert broken.calls == 1

    max_attempts = container.settings.OUTBOX_MAX_ATTEMPTS
    for _ in range(max_attempts - 1):
        clock.advance(PAST_ANY_BACKOFF)
        dispatcher.dispatch_pending()
    failing = deliveries(container, event.event_id)["tests.carrier_notice"]
    assert failing.attempts == max_attempts
    assert failing.failed_at is not None and failing.delivered_at is None
    assert broken.calls == max_attempts
    assert delivered == [event]  # the healthy subscriber ran once, whatever the other did

    clock.advance(PAST_ANY_BACKOFF)
    assert dispatcher.dispatch_pending().claimed == 0  # parked: nobody retries it by itself
    [parked] = [p for p in dispatcher.parked() if p.subscriber == "tests.carrier_notice"]
    assert (parked.event_type, parked.attempts) == ("tests.ParcelShipped", max_attempts)

    broken.failures = 0  # the operator fixed the cause, then requeues
    assert dispatcher.retry_parked(subscriber="tests.carrier_notice") == 1
    assert dispatcher.dispatch_pending().dispatched == 1
    assert deliveries(container, event.event_id)["tests.carrier_notice"].delivered_at is not None
    assert delivered == [event]


def test_a_user_registered_subscriber_failing_five_times_leaves_one_verification_mail(
    client, container, dispatcher, clock
):
    flaky = Flaky(failures=5)
    container.bus.subscribe(UserRegistered, flaky.on_event, name="tests.flaky_subscriber")
    body = registration_body()
    assert client.post("/api/v1/auth/register", json=body).status_code == 201

    for _ in range(6):
        dispatcher.dispatch_pending()
        clock.advance(PAST_ANY_BACKOFF)

    verification = [m for m in mails(container.settings, body["email"]) if "Confirm" in str(m["Subject"])]
    assert len(verification) == 1
    assert flaky.calls == 6
    with container.session_factory() as session:
        event_id = session.execute(
            select(outbox_message.c.event_id).where(outbox_message.c.event_type == "identity.UserRegistered")
        ).scalar_one()
    rows = deliveries(container, event_id)
    assert rows["tests.flaky_subscriber"].attempts == 6
    assert rows["tests.flaky_subscriber"].delivered_at is not None
    assert rows["identity.IdentityMailer.on_user_registered"].attempts == 1
    assert rows["payments.Payments.on_user_registered"].attempts == 1
    assert all(row.delivered_at is not None and row.failed_at is None for row in rows.values())


def test_a_user_registered_subscriber_that_never_recovers_is_parked_and_the_mail_still_goes_once(
    client, container, dispatcher, clock
):
    broken = Flaky(failures=None)
    container.bus.subscribe(UserRegistered, broken.on_event, name="tests.broken_subscriber")
    body = registration_body()
    assert client.post("/api/v1/auth/register", json=body).status_code == 201

    max_attempts = container.settings.OUTBOX_MAX_ATTEMPTS
    for _ in range(max_attempts + 2):
        dispatcher.dispatch_pending()
        clock.advance(PAST_ANY_BACKOFF)

    assert broken.calls == max_attempts
    assert len(mails(container.settings, body["email"])) == 1
    parked = [p for p in dispatcher.parked() if p.subscriber == "tests.broken_subscriber"]
    assert [p.attempts for p in parked] == [max_attempts]


def test_a_delivery_whose_dispatcher_crashed_mid_handler_is_retried_once_its_lease_runs_out(
    container, dispatcher, clock
):
    seen = []
    container.bus.subscribe(ParcelShipped, seen.append, name="tests.label_printer")
    event = ParcelShipped(parcel_id=uuid.uuid4())
    publish(container, event)
    dispatcher.fan_out()
    crashed = dispatcher.claim()  # the worker leases the delivery, then dies before recording
    assert crashed is not None and crashed.attempt == 1

    # While the lease holds, no other dispatcher runs it.
    clock.advance(timedelta(minutes=4))
    assert dispatcher.dispatch_pending().claimed == 0
    assert seen == []

    clock.advance(timedelta(minutes=2))  # past the 5-minute lease
    assert dispatcher.dispatch_pending().dispatched == 1
    assert seen == [event]
    [row] = deliveries(container, event.event_id).values()
    assert row.attempts == 2 and row.delivered_at is not None

    # The crashed worker coming back late records nothing over the newer outcome.
    assert dispatcher.deliver(crashed) == "delivered"
    [row] = deliveries(container, event.event_id).values()
    assert row.attempts == 2 and row.failed_at is None
    assert seen == [event, event]  # at least once: its handler did run again


def test_a_message_of_an_unregistered_type_is_retried_then_parked_for_an_operator(
    container, dispatcher, clock
):
    @dataclass(frozen=True, kw_only=True)
    class NeverListed(DomainEvent):
        event_type = "tests.NeverListed"

    event = NeverListed()
    publish(container, event)
    for _ in range(container.settings.OUTBOX_MAX_ATTEMPTS):
        dispatcher.dispatch_pending()
        clock.advance(PAST_ANY_BACKOFF)
    [row] = outbox_rows(container, event.event_id)
    assert row.failed_at is not None and row.dispatched_at is None
    assert "EVENT_TYPES" in row.last_error
    assert [p.subscriber for p in dispatcher.parked() if p.message_id == row.id] == [None]


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(50).total_seconds() == 3600


def test_operators_list_and_requeue_parked_deliveries_from_the_command_line(
    container, dispatcher, clock, monkeypatch
):
    import json

    from click.testing import CliRunner

    import elcorp.bootstrap
    import elcorp.cli

    broken = Flaky(failures=None)
    container.bus.subscribe(ParcelShipped, broken.on_event, name="tests.carrier_notice")
    event = ParcelShipped(parcel_id=uuid.uuid4())
    publish(container, event)
    for _ in range(container.settings.OUTBOX_MAX_ATTEMPTS):
        dispatcher.dispatch_pending()
        clock.advance(PAST_ANY_BACKOFF)
    monkeypatch.setattr(elcorp.cli, "_settings", lambda: container.settings)
    monkeypatch.setattr(elcorp.bootstrap, "bootstrap", lambda settings: container)

    listed = CliRunner().invoke(elcorp.cli.main, ["outbox-parked"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.output.splitlines()]
    [mine] = [r for r in rows if r["subscriber"] == "tests.carrier_notice"]
    assert mine["event_type"] == "tests.ParcelShipped"
    assert mine["attempts"] == container.settings.OUTBOX_MAX_ATTEMPTS
    assert "subscriber down" in mine["last_error"]

    retried = CliRunner().invoke(
        elcorp.cli.main,
        ["outbox-retry", "--message-id", str(mine["message_id"]), "--subscriber", "tests.carrier_notice"],
    )
    assert retried.exit_code == 0, retried.output
    assert json.loads(retried.output) == {"requeued": 1}
    broken.failures = 0
    assert dispatcher.dispatch_pending().dispatched == 1
    assert deliveries(container, event.event_id)["tests.carrier_notice"].delivered_at is not None
    assert json.loads(CliRunner().invoke(elcorp.cli.main, ["outbox-retry"]).output) == {"requeued": 0}
