"""Issuing invoices concurrently, on a database of its own whose transactions really commit:
16 threads issuing drafts of one issuer at once get consecutive numbers, INV-<year>-000001
upwards, with no gap and no duplicate; a refused issue takes no number. (That a number taken
by a transaction that then rolls back is given again: test_document_numbers.py.)"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime

import pytest

from elcorp.main import create_app
from elcorp.payments.domain.invoices import InvoiceStateConflict
from elcorp.shared.domain.clock import WINDHOEK
from support.committed import committed_container
from support.identity import grant_roles, register

THREADS = 16
PER_THREAD = 4


@pytest.fixture
def world(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_invoice_numbers", pool_size=THREADS + 2
    ) as container:
        client = create_app(container=container).test_client()
        clerk, payer, owner = register(client), register(client), register(client)
        grant_roles(container, clerk, "staff")
        service = container.invoices
        issuer = service.add_issuer(
            uuid.UUID(clerk.id),
            name="Rundu Spares CC",
            address="Rundu",
            vat_number="55-123-456",
            owner_id=uuid.UUID(owner.id),
        )
        yield container, uuid.UUID(clerk.id), uuid.UUID(payer.id), issuer.id


def test_sixteen_threads_issuing_for_one_issuer_get_consecutive_numbers(world):
    container, clerk, payer, issuer = world
    service = container.invoices
    drafts = [
        service.create(
            clerk, payer_id=payer, currency="NAD", lines=[("Service", "1", f"{n}.00")], issuer_id=issuer
        ).id
        for n in range(1, THREADS * PER_THREAD + 1)
    ]
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock, start = threading.Lock(), threading.Barrier(THREADS)

    def issue(mine: list[uuid.UUID]) -> None:
        try:
            start.wait()
            for invoice_id in mine:
                number = service.issue(clerk, invoice_id).number
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(drafts[n::THREADS],)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    year = datetime.now(WINDHOEK).year
    assert sorted(numbers) == [f"INV-{year}-{n:06d}" for n in range(1, THREADS * PER_THREAD + 1)]
    stored = {service.get(clerk, invoice_id)[0].number for invoice_id in drafts}
    assert stored == set(numbers)  # each invoice kept the number it was answered with


def test_a_refused_issue_takes_no_number(world):
    container, clerk, payer, issuer = world
    service = container.invoices
    first = service.create(clerk, payer_id=payer, currency="NAD", lines=[("A", "1", "1")], issuer_id=issuer)
    second = service.create(clerk, payer_id=payer, currency="NAD", lines=[("B", "1", "1")], issuer_id=issuer)
    year = datetime.now(WINDHOEK).year
    assert service.issue(clerk, first.id).number == f"INV-{year}-000001"
    with pytest.raises(InvoiceStateConflict, match="cannot become issued"):
        service.issue(clerk, first.id)
    assert service.issue(clerk, second.id).number == f"INV-{year}-000002"
