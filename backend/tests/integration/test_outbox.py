"""Transactional outbox: rolled-back events never leave; committed ones always do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from elcorp.shared.domain.events import DomainEvent
from elcorp.shared.infrastructure.outbox import retry_delay
from elcorp.shared.infrastructure.tables import outbox_message


@dataclass(frozen=True, kw_only=True)
class ParcelShipped(DomainEvent):
    event_type = "tests.ParcelShipped"
    parcel_id: uuid.UUID


def outbox_rows(container, event_id):
    with container.session_factory() as session:
        return session.execute(select(outbox_message).where(outbox_message.c.event_id == event_id)).all()


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
    with container.uow() as uow:
        uow.publish(event)
        uow.commit()
    # Nothing is delivered at commit time: delivery is the dispatcher's job.
    assert seen == []
    [row] = outbox_rows(container, event.event_id)
    assert row.dispatched_at is None

    result = container.outbox.dispatch_pending()
    assert result.dispatched == 1
    assert seen == [event]
    [row] = outbox_rows(container, event.event_id)
    assert row.dispatched_at is not None and row.attempts == 1

    assert container.outbox.dispatch_pending().dispatched == 0
    assert seen == [event]


def test_failing_handler_is_retried_with_backoff_then_parked(container):
    calls = []

    def flaky(event):
        calls.append(event)
        raise ConnectionError("mail server down")

    container.bus.subscribe(ParcelShipped, flaky)
    event = ParcelShipped(parcel_id=uuid.uuid4())
    with container.uow() as uow:
        uow.publish(event)
        uow.commit()

    assert container.outbox.dispatch_pending().retried == 1
    [row] = outbox_rows(container, event.event_id)
    assert row.attempts == 1 and row.dispatched_at is None and row.failed_at is None
    assert "mail server down" in row.last_error
    assert row.available_at > row.created_at
    # Not due yet: a second run right away does not call the handler again.
    assert container.outbox.dispatch_pending().claimed == 0
    assert len(calls) == 1

    max_attempts = container.settings.OUTBOX_MAX_ATTEMPTS
    for _ in range(max_attempts - 1):
        with container.session_factory() as session:
            session.execute(
                update(outbox_message)
                .where(outbox_message.c.event_id == event.event_id)
                .values(available_at=row.created_at)
            )
            session.commit()
        container.outbox.dispatch_pending()
    [row] = outbox_rows(container, event.event_id)
    assert row.attempts == max_attempts
    assert row.failed_at is not None and row.dispatched_at is None
    assert len(calls) == max_attempts


def test_retry_delay_grows_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(50).total_seconds() == 3600
