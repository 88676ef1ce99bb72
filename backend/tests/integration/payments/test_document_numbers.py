"""Gap-free document numbers under concurrency, on a database of its own whose
transactions really commit: 16 threads taking invoice numbers for one issuer at once,
some of them rolling back, get consecutive numbers with no gap and no duplicate."""

from __future__ import annotations

import random
import threading
import uuid

import pytest

from elcorp.payments.domain.invoices import Series, document_number
from elcorp.payments.infrastructure.ledger import SqlPaymentsUnitOfWork
from support.committed import committed_container

THREADS = 16
PER_THREAD = 12


@pytest.fixture
def container(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_document_numbers", pool_size=THREADS
    ) as container:
        yield container


def take(container, issuer: uuid.UUID, series: Series, year: int, *, commit: bool) -> int:
    with SqlPaymentsUnitOfWork(container.session_factory) as uow:
        number = uow.document_numbers.next(issuer, series.value, year)
        if commit:
            uow.commit()
    return number


def test_sixteen_threads_get_consecutive_numbers_with_no_gap_and_no_duplicate(container):
    issuer = uuid.uuid4()
    committed: list[int] = []
    lock, start = threading.Lock(), threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issue(seed: int) -> None:
        chance = random.Random(seed)
        try:
            start.wait()
            for _ in range(PER_THREAD):
                keep = chance.random() < 0.75  # the rest roll back: their numbers come back
                number = take(container, issuer, Series.INVOICE, 2026, commit=keep)
                if keep:
                    with lock:
                        committed.append(number)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(committed) > THREADS  # enough of them committed to mean something
    assert sorted(committed) == list(range(1, len(committed) + 1))
    assert take(container, issuer, Series.INVOICE, 2026, commit=True) == len(committed) + 1


def test_each_issuer_series_and_year_counts_on_its_own(container):
    a, b = uuid.uuid4(), uuid.uuid4()
    assert take(container, a, Series.INVOICE, 2026, commit=True) == 1
    assert take(container, a, Series.INVOICE, 2026, commit=True) == 2
    assert take(container, a, Series.RECEIPT, 2026, commit=True) == 1
    assert take(container, a, Series.CREDIT_NOTE, 2026, commit=True) == 1
    assert take(container, a, Series.INVOICE, 2027, commit=True) == 1
    assert take(container, b, Series.INVOICE, 2026, commit=True) == 1
    assert document_number(Series.INVOICE, 2026, take(container, a, Series.INVOICE, 2026, commit=True)) == (
        "INV-2026-000003"
    )


def test_a_rolled_back_number_is_given_again(container):
    issuer = uuid.uuid4()
    assert take(container, issuer, Series.INVOICE, 2026, commit=False) == 1
    assert take(container, issuer, Series.INVOICE, 2026, commit=True) == 1
