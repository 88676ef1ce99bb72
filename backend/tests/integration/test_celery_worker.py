"""A real Celery worker on real Redis: tasks run, and the outbox is drained even when the
worker was down when the event committed."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.tasks import dispatch_outbox, ping
from elcorp.main import create_app
from elcorp.shared.domain.events import DomainEvent, register_event_types
from elcorp.shared.infrastructure.tables import outbox_message
from support.committed import committed_container


@dataclass(frozen=True, kw_only=True)
class InvoiceIssued(DomainEvent):
    event_type = "tests.InvoiceIssued"
    invoice_id: uuid.UUID


register_event_types([InvoiceIssued])  # test events are listed like a context's EVENT_TYPES


@pytest.fixture
def committed(server_urls, settings, redis_client):
    """A container on its own database with real commits (a worker is another thread)."""
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_worker", pool_size=2
    ) as container:
        yield container


@pytest.fixture
def celery_app(committed):
    app = create_app(container=committed)
    return celery_init_app(app, committed.settings)


def wait_until(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_real_worker_runs_a_task_and_returns_its_result(celery_app):
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = ping.delay("hello")
        assert result.get(timeout=20) == {"pong": "hello"}


def test_event_committed_while_no_worker_runs_is_dispatched_once_a_worker_is_up(celery_app, committed):
    delivered = []
    committed.bus.subscribe(InvoiceIssued, delivered.append)
    event = InvoiceIssued(invoice_id=uuid.uuid4())
    with committed.uow() as uow:
        uow.publish(event)
        uow.commit()

    # The beat job fires while no worker is running: the message waits in Redis.
    dispatch_outbox.delay()
    assert delivered == []

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert wait_until(lambda: delivered == [event])

    with committed.session_factory() as session:
        row = session.execute(select(outbox_message).where(outbox_message.c.event_id == event.event_id)).one()
    assert row.dispatched_at is not None
    assert row.attempts == 1
