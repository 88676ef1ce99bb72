"""Two dispatchers on one committed database never run one delivery twice at once: each
delivery is leased by one of them, and every delivery runs exactly once."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from dataclasses import dataclass

import pytest

from elcorp.shared.domain.events import DomainEvent, register_event_types
from support.committed import committed_container


@dataclass(frozen=True, kw_only=True)
class CrateLoaded(DomainEvent):
    event_type = "tests.CrateLoaded"
    crate_id: uuid.UUID


register_event_types([CrateLoaded])
EVENTS = 30


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_outbox", pool_size=4
    ) as container:
        yield container


def test_two_dispatchers_share_the_deliveries_and_run_each_exactly_once(committed):
    lock = threading.Lock()
    handled: Counter[uuid.UUID] = Counter()
    by_thread: Counter[str] = Counter()
    in_flight: set[uuid.UUID] = set()
    overlaps: list[uuid.UUID] = []
    # Both dispatchers are inside a handler at the same moment (each on its own delivery),
    # so they really run side by side rather than one after the other.
    both_inside = threading.Barrier(2, timeout=20)
    met = threading.local()

    def on_loaded(event: CrateLoaded) -> None:
        with lock:
            if event.crate_id in in_flight:
                overlaps.append(event.crate_id)
            in_flight.add(event.crate_id)
        if threading.current_thread().name.startswith("dispatcher") and not getattr(met, "done", False):
            met.done = True
            both_inside.wait()
        with lock:
            in_flight.discard(event.crate_id)
            handled[event.crate_id] += 1
            by_thread[threading.current_thread().name] += 1

    committed.bus.subscribe(CrateLoaded, on_loaded, name="tests.crate_tally")
    crates = [uuid.uuid4() for _ in range(EVENTS)]
    with committed.uow() as uow:
        for crate_id in crates:
            uow.publish(CrateLoaded(crate_id=crate_id))
        uow.commit()

    errors: list[BaseException] = []

    def run() -> None:
        try:
            committed.outbox.dispatch_pending(batch_size=5)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run, name=f"dispatcher-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    committed.outbox.dispatch_pending()  # whatever both left (none, normally) runs here

    assert errors == []
    assert overlaps == []
    assert handled == Counter(dict.fromkeys(crates, 1))
    assert by_thread["dispatcher-1"] >= 1 and by_thread["dispatcher-2"] >= 1
