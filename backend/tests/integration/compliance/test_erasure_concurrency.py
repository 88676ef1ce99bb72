"""Erasures that race, on a database whose transactions really commit: two erasures of one
subject give one erasure and the same outcome (never a 500 or a half-done state), and a
legal hold placed while an erasure runs either blocks it or waits for it to finish."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.main import create_app
from support.committed import committed_container
from support.identity import grant_roles, register
from support.payments import fund

THREADS = 6


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_erasure_conc", pool_size=THREADS + 4
    ) as container:
        yield container, create_app(container=container).test_client()


def customer(container, client, teller) -> uuid.UUID:
    user = register(client)
    container.outbox.dispatch_pending()  # opens the wallet
    (wallet,) = container.payments.wallets(uuid.UUID(user.id))
    fund(container, teller, str(wallet.id), "25.00")
    return uuid.UUID(user.id)


def test_parallel_erasures_of_one_subject_erase_once_with_one_outcome(committed):
    container, client = committed
    teller = register(client)
    grant_roles(container, teller, "staff")
    subject = customer(container, client, teller)
    actor = uuid.UUID(teller.id)
    barrier = threading.Barrier(THREADS)

    def erase(_: int) -> dict:
        barrier.wait()
        return container.erasure.erase(subject, request_id=None, actor_id=actor).as_json()

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(erase, range(THREADS)))

    assert all(o == outcomes[0] for o in outcomes) and outcomes[0]["blocked"] is False
    with container.session_factory() as session:
        counts = session.execute(
            text(
                "SELECT (SELECT count(*) FROM privacy_erasure WHERE subject_id = :id), "
                "(SELECT count(*) FROM disposal_schedule WHERE subject_id = :id), "
                "(SELECT count(*) FROM audit_log "
                "WHERE action = 'privacy.subject_erased' AND resource_id = :sid)"
            ),
            {"id": subject, "sid": str(subject)},
        ).one()
    assert tuple(counts) == (1, 2, 1)


def test_a_hold_placed_during_an_erasure_blocks_it_or_follows_it(committed):
    container, client = committed
    teller = register(client)
    grant_roles(container, teller, "staff")
    actor = uuid.UUID(teller.id)
    for _ in range(3):
        subject = customer(container, client, teller)
        barrier = threading.Barrier(2)

        def erase(subject: uuid.UUID = subject, barrier: threading.Barrier = barrier) -> dict:
            barrier.wait()
            return container.erasure.erase(subject, request_id=None, actor_id=actor).as_json()

        def hold(subject: uuid.UUID = subject, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            container.legal_holds.place(actor, reason="court order", subject_id=subject)

        with ThreadPoolExecutor(2) as pool:
            erased, _ = pool.submit(erase), pool.submit(hold)
            outcome = erased.result()
        with container.session_factory() as session:
            status = session.execute(
                text("SELECT status FROM user_account WHERE id = :id"), {"id": subject}
            ).scalar_one()
        # Either the hold came first (nothing erased) or the erasure did (done in full).
        assert (outcome["blocked"], status) in {(True, "active"), (False, "erased")}
