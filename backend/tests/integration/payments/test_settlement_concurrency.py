"""Concurrent closes of one business day, each thread on its own connection and
transaction (a database of its own, committed for real): one batch, closed once, with
every movement of the day in it exactly once, and every caller answered that batch."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from elcorp.main import create_app
from support.audit import audit_entries
from support.bank import book
from support.committed import committed_container
from support.identity import grant_roles, register

THREADS = 8
DEPOSITS = 20
DAY = date(2026, 12, 1)
NOON = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_settle_conc", pool_size=THREADS + 4
    ) as container:
        yield container, create_app(container=container).test_client()


@pytest.fixture
def books(committed):
    """An administrator, and DEPOSITS deposits and one withdrawal on DAY."""
    container, client = committed
    admin, teller, customer = register(client), register(client), register(client)
    grant_roles(container, admin, "admin")
    grant_roles(container, teller, "staff")
    container.outbox.dispatch_pending()  # opens the wallets
    (wallet,) = container.payments.wallets(uuid.UUID(customer.id))
    for n in range(DEPOSITS):
        book(
            container,
            teller,
            str(wallet.id),
            "deposit",
            f"{n + 1}.01",
            f"DEP-{n}",
            at=NOON + timedelta(seconds=n),
        )
    book(container, teller, str(wallet.id), "withdrawal", "3.33", "WD-0", at=NOON)
    return container, uuid.UUID(admin.id)


def test_concurrent_closes_of_one_day_make_one_batch_closed_once(books):
    container, admin = books
    barrier = threading.Barrier(THREADS)

    def close_it(_: int):
        barrier.wait(timeout=30)
        return container.settlement.close(admin, DAY, "NAD")

    with ThreadPoolExecutor(THREADS) as pool:
        closings = list(pool.map(close_it, range(THREADS)))

    assert len({c.batch.id for c in closings}) == 1
    assert sum(c.closed_now for c in closings) == 1
    assert len({c.batch for c in closings}) == 1  # every caller saw the same closed batch
    batch = closings[0].batch
    assert batch.status == "closed"
    deposited = sum(Decimal(f"{n + 1}.01") for n in range(DEPOSITS))
    assert (batch.totals.deposits_count, batch.totals.deposits_total) == (DEPOSITS, deposited)
    assert batch.totals.net == deposited - Decimal("3.33")
    with container.session_factory() as session:
        batches = session.execute(text("SELECT count(*) FROM settlement_batch")).scalar_one()
        items = session.execute(
            text("SELECT count(*), count(DISTINCT transaction_id) FROM settlement_item")
        ).one()
    assert batches == 1 and tuple(items) == (DEPOSITS + 1, DEPOSITS + 1)
    assert len(audit_entries(container, "settlement.batch_closed")) == 1
