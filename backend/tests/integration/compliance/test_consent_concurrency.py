"""Concurrent changes of one subject's consents are ordered: many threads granting at once,
each in its own connection and committed transaction, add exactly one record; threads
toggling grant and withdrawal leave a history whose actions alternate, so the latest
record is always a change of the one before it."""

from __future__ import annotations

import itertools
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.main import create_app
from support.committed import committed_container
from support.identity import register

THREADS = 8


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_consent_conc", pool_size=THREADS + 4
    ) as container:
        yield container, create_app(container=container).test_client()


def run_together(count: int, action) -> list:
    barrier = threading.Barrier(count)

    def one(i: int):
        barrier.wait()
        return action(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def actions(container, subject: str) -> list[str]:
    with container.engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT action FROM consent_record WHERE subject_id = :s ORDER BY recorded_at, seq"),
                {"s": subject},
            ).scalars()
        )


def test_concurrent_identical_grants_add_one_record(committed):
    container, client = committed
    subject = uuid.UUID(register(client).id)

    outcomes = run_together(THREADS, lambda _: container.consents.change(subject, "marketing", granted=True))

    assert sum(o.recorded for o in outcomes) == 1
    assert actions(container, str(subject)) == ["granted"]
    assert len({o.record.id for o in outcomes}) == 1


def test_concurrent_toggles_leave_an_alternating_history(committed):
    container, client = committed
    subject = uuid.UUID(register(client).id)

    run_together(
        THREADS * 2,
        lambda i: container.consents.change(subject, "analytics", granted=i % 2 == 0),
    )

    history = actions(container, str(subject))
    assert history, "at least one change was recorded"
    assert all(a != b for a, b in itertools.pairwise(history))
