"""Thousands of random transfers from many threads, each in its own connection and
transaction (a database of its own, committed for real), some retried under the same
Idempotency-Key one after the other or by two threads at once, some refused for want of
funds. Whatever the interleaving, the books balance to the cent afterwards: the trial
balance is zero, cached balances equal their postings, no wallet is negative, every key
moved money at most once, the hash chains verify and no token was created or lost.

The plan of transfers is random but seeded; the assertions hold for every interleaving.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

import pytest
from sqlalchemy import text

from elcorp.main import create_app
from elcorp.shared.domain.errors import DomainError
from elcorp.shared.domain.money import Money
from support.committed import committed_container
from support.identity import grant_roles, register
from support.payments import fund

SEED = 20261123
THREADS = 16
WALLETS = 24
POOR = 8  # the last POOR wallets start with (almost) nothing
ORDERS = 2_000  # distinct Idempotency-Keys; retries come on top
RICH_FUNDING = Decimal("400.00")
POOR_FUNDING = (Decimal(0), Decimal("0.50"), Decimal("3.00"))
CREATED, REPLAYED = "created", "replayed"
INSUFFICIENT_FUNDS, KEY_IN_FLIGHT = "PAY_001", "PAY_006"


class Retry(Enum):
    NONE = "sent once"
    AFTERWARDS = "sent again once answered"
    AT_ONCE = "sent by two threads at the same time"


@dataclass(frozen=True)
class Order:
    """One intended transfer under one key: the payer's wallet to the payee's."""

    number: int
    payer: int
    payee: int
    amount: Decimal
    retry: Retry

    @property
    def key(self) -> str:
        return f"order-{self.number:05d}"


@dataclass(frozen=True)
class Outcome:
    order: Order
    result: str  # CREATED, REPLAYED or an error code
    data: dict | None = None
    status_code: int | None = None


@dataclass
class Customer:
    id: uuid.UUID
    wallet: uuid.UUID
    funded: Decimal


def funding_of(index: int) -> Decimal:
    return RICH_FUNDING if index < WALLETS - POOR else POOR_FUNDING[index % len(POOR_FUNDING)]


def plan(total: Decimal) -> list[Order]:
    """Seeded orders: small amounts from funded wallets, larger ones from poor wallets (often
    refused), a few more than all the money there is (always refused)."""
    rng = random.Random(SEED)
    orders = []
    for number in range(ORDERS):
        payer = rng.randrange(WALLETS)
        payee = rng.choice([w for w in range(WALLETS) if w != payer])
        if number % 97 == 0:
            amount = total + Decimal("0.01")
        elif payer >= WALLETS - POOR:
            amount = Decimal(rng.randint(100, 4000)) / 100
        else:
            amount = Decimal(rng.randint(1, 3000)) / 100
        draw = rng.random()
        retry = Retry.AT_ONCE if draw < 0.10 else Retry.AFTERWARDS if draw < 0.20 else Retry.NONE
        orders.append(Order(number, payer, payee, amount, retry))
    return orders


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_ledger_conc", pool_size=THREADS + 4
    ) as container:
        yield container, create_app(container=container).test_client()


@pytest.fixture
def books(committed):
    """WALLETS customers with NAD wallets, most of them funded, and a staff member."""
    container, client = committed
    teller = register(client)
    grant_roles(container, teller, "staff")
    users = [register(client) for _ in range(WALLETS)]
    container.outbox.dispatch_pending()  # opens the wallets
    customers = []
    for index, user in enumerate(users):
        (wallet,) = container.payments.wallets(uuid.UUID(user.id))
        customers.append(Customer(uuid.UUID(user.id), wallet.id, funding_of(index)))
        if customers[-1].funded:
            fund(container, teller, str(wallet.id), str(customers[-1].funded))
    return container, uuid.UUID(teller.id), customers


def run(container, customers: list[Customer], orders: list[Order]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    companions = ThreadPoolExecutor(THREADS, thread_name_prefix="duplicate")

    def send(order: Order, barrier: threading.Barrier | None = None) -> Outcome:
        payer, payee = customers[order.payer], customers[order.payee]
        body = {
            "source_wallet_id": str(payer.wallet),
            "destination_wallet_id": str(payee.wallet),
            "amount": str(order.amount),
            "description": order.key,
        }
        if barrier is not None:
            barrier.wait(timeout=30)
        try:
            result = container.payments.transfer(
                payer.id,
                key=order.key,
                body=body,
                source=payer.wallet,
                destination=payee.wallet,
                destination_address=None,
                amount=Money.of(str(order.amount)),
                description=order.key,
            )
        except DomainError as error:
            outcome = Outcome(order, str(error.code))
        else:
            label = REPLAYED if result.replayed else CREATED
            outcome = Outcome(order, label, result.data, result.status_code)
        outcomes.append(outcome)
        return outcome

    def carry_out(order: Order) -> None:
        if order.retry is Retry.AT_ONCE:
            barrier = threading.Barrier(2)
            twin = companions.submit(send, order, barrier)
            send(order, barrier)
            twin.result()
        else:
            send(order)
            if order.retry is Retry.AFTERWARDS:
                send(order)

    with companions, ThreadPoolExecutor(THREADS, thread_name_prefix="transfer") as pool:
        list(pool.map(carry_out, orders))
    return outcomes


def test_random_concurrent_transfers_keep_the_books_balanced_to_the_cent(books):
    container, staff, customers = books
    deposited = sum(c.funded for c in customers)
    orders = plan(deposited)
    assert len({c.wallet for c in customers}) >= 20 and THREADS >= 16 and len(orders) >= 2_000

    outcomes = run(container, customers, orders)

    # -- what the callers were told -------------------------------------------------------
    assert len(outcomes) == sum(1 if o.retry is Retry.NONE else 2 for o in orders)
    by_key: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_key[outcome.order.key].append(outcome)
    tally = Counter(o.result for o in outcomes)
    assert set(tally) <= {CREATED, REPLAYED, INSUFFICIENT_FUNDS, KEY_IN_FLIGHT}, tally
    assert tally[INSUFFICIENT_FUNDS] >= len([o for o in orders if o.amount > deposited]), tally
    moved: dict[str, tuple[Order, dict]] = {}
    for order in orders:
        answers = by_key[order.key]
        results = [a.result for a in answers]
        assert results.count(CREATED) <= 1, (order, results)
        successes = [a for a in answers if a.result in (CREATED, REPLAYED)]
        assert all(a.data == successes[0].data and a.status_code == 201 for a in successes), (order, answers)
        if order.amount > deposited:
            assert INSUFFICIENT_FUNDS in results and set(results) <= {INSUFFICIENT_FUNDS, KEY_IN_FLIGHT}
        if order.retry is Retry.AFTERWARDS:
            first, second = results
            assert second == REPLAYED if first == CREATED else second in (CREATED, INSUFFICIENT_FUNDS)
        if order.retry is not Retry.AT_ONCE:
            assert KEY_IN_FLIGHT not in results, (order, results)
        if successes:
            assert results.count(CREATED) == 1, (order, results)  # a replay needs an original
            moved[order.key] = (order, successes[0].data)
            assert Decimal(successes[0].data["amount"]) == order.amount, (order, successes[0].data)
    assert moved and tally[INSUFFICIENT_FUNDS] > 0

    # -- what the books say ---------------------------------------------------------------
    trial = container.payments.trial_balance(staff)
    assert trial.totals == {"NAD": Decimal(0)} and trial.mismatched_accounts == [], trial
    chains = container.payments.verify(staff)
    deposits = len([c for c in customers if c.funded])
    assert chains.ok, chains.first_broken
    assert chains.postings_checked == 2 * (deposits + len(moved))
    with container.session_factory() as session:
        negative = session.execute(
            text(
                "SELECT count(*) FROM account "
                "WHERE NOT allow_negative AND (balance < 0 OR balance - held < 0)"
            )
        ).scalar()
        transfers = session.execute(
            text(
                "SELECT t.id, t.initiated_by, t.description AS key, t.amount, t.source_account_id, "
                "t.destination_account_id, t.status, k.transaction_id AS keyed "
                "FROM payment_transaction t LEFT JOIN idempotency_key k "
                "ON k.owner_id = t.initiated_by AND k.key = t.description WHERE t.type = 'transfer'"
            )
        ).all()
        balances = {
            r.id: r.balance
            for r in session.execute(text("SELECT id, balance FROM account WHERE kind = 'wallet'"))
        }
        system = {
            r.kind: r.balance
            for r in session.execute(text("SELECT kind, balance FROM account WHERE kind <> 'wallet'"))
        }
        keys = session.execute(text("SELECT count(*) FROM idempotency_key WHERE key LIKE 'order-%'")).scalar()
    assert negative == 0

    # Every key moved money at most once, and the one movement is the one its callers saw.
    per_key = Counter((t.initiated_by, t.key) for t in transfers)
    assert max(per_key.values()) == 1, [k for k, n in per_key.items() if n > 1][:5]
    assert {t.key: str(t.id) for t in transfers} == {k: str(d["id"]) for k, (_, d) in moved.items()}
    assert all(t.keyed == t.id and t.status == "completed" for t in transfers)
    assert keys == len(moved)  # a refused request stores nothing under its key

    # Money is conserved: the wallets hold what was deposited, split as the answers say.
    expected = {wallet: Decimal(0) for wallet in balances} | {c.wallet: c.funded for c in customers}
    for order, _ in moved.values():
        expected[customers[order.payer].wallet] -= order.amount
        expected[customers[order.payee].wallet] += order.amount
    assert balances == expected
    assert sum(balances.values()) == deposited
    assert system == {
        "clearing": -deposited,
        "fees": Decimal(0),
        "suspense": Decimal(0),
        "revenue": Decimal(0),
    }
