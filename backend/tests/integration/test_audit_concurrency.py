"""16 threads of business transactions, committing or rolling back, while the sequencer
runs: every committed entry is chained exactly once, no rolled-back one is, the chain
verifies, and no business transaction waited on the chain."""

from __future__ import annotations

import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.shared.application.audit import Actor, Changes, Resource
from support.committed import committed_container

THREADS = 16
TRANSACTIONS_PER_THREAD = 25


@pytest.fixture
def own_database(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_audit_conc", pool_size=THREADS + 4
    ) as container:
        yield container


def test_concurrent_writers_and_sequencer(own_database):
    container = own_database
    committed: set[str] = set()
    rolled_back: set[str] = set()
    lock = threading.Lock()
    stop = threading.Event()

    def business(worker: int) -> None:
        rng = random.Random(worker)
        for n in range(TRANSACTIONS_PER_THREAD):
            marker = f"{worker}-{n}-{uuid.uuid4().hex[:6]}"
            with container.uow() as uow:
                for k in range(rng.randint(1, 3)):
                    uow.audit.record(
                        "conc.write",
                        Actor(id=f"w{worker}"),
                        Resource("thing", f"{marker}:{k}"),
                        Changes(after={"k": k}),
                    )
                if rng.random() < 0.3:
                    uow.rollback()
                    with lock:
                        rolled_back.add(marker)
                else:
                    uow.commit()
                    with lock:
                        committed.add(marker)

    def sequencer_loop() -> None:
        while not stop.is_set():
            container.audit_sequencer.run_once()

    sequencer = threading.Thread(target=sequencer_loop)
    sequencer.start()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(business, range(THREADS)))
    stop.set()
    sequencer.join()
    container.audit_sequencer.run()

    with container.session_factory() as session:
        rows = session.execute(
            text(
                "SELECT a.resource_id, count(c.seq) AS links FROM audit_log a "
                "LEFT JOIN audit_chain c ON c.entry_id = a.id "
                "WHERE a.action = 'conc.write' GROUP BY a.id, a.resource_id"
            )
        ).all()
        seqs = session.execute(text("SELECT seq FROM audit_chain ORDER BY seq")).scalars().all()
    markers = {resource_id.split(":")[0] for resource_id, _ in rows}
    assert markers == committed
    assert not markers & rolled_back
    assert all(links == 1 for _, links in rows)  # each committed entry chained exactly once
    assert seqs == list(range(1, len(seqs) + 1))  # gap-free
    assert len(seqs) == len(rows)
    report = container.audit_trail.verify()
    assert report.ok, report.problems
    assert report.checked == len(rows)
    assert len(committed) > 0 and len(rolled_back) > 0
