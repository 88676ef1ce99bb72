"""Segregation of duties in money movements, on real PostgreSQL: staff never book on their
own wallet, a bank reference is booked once per clearing account, reversals above the
threshold and staff movements beyond the daily limit wait for a second person (the same
maker-checker as large transfers), and transfers only ever reach wallets."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from elcorp.main import create_app
from elcorp.shared.domain.errors import DomainError
from elcorp.shared.domain.money import Money
from support.audit import audit_entries
from support.committed import committed_container
from support.identity import grant_roles, register, signed_in, staff_with_mfa
from support.payments import balance, fund, transfer, wallet_of


@pytest.fixture
def staff(client, container):
    """Staff (payment:create, payment:deposit, payment:approve) with a wallet of their own."""
    user = staff_with_mfa(client, container, "staff")
    user.wallet = wallet_of(client, container, user)
    return user


@pytest.fixture
def checker(client, container):
    return staff_with_mfa(client, container, "staff")


def book(client, user, wallet_id: str, kind: str, amount: str, reference: str, *, key: str | None = None):
    return client.post(
        f"/api/v1/wallets/{wallet_id}/{kind}",
        headers={**user.auth, "Idempotency-Key": key or str(uuid.uuid4())},
        json={"amount": amount, "external_reference": reference},
    )


def reverse(client, user, transaction_id: str, **body):
    return client.post(
        f"/api/v1/transactions/{transaction_id}/reversals",
        headers={**user.auth, "Idempotency-Key": str(uuid.uuid4())},
        json={"reason": "Booked in error", **body},
    )


def decide(client, user, transaction_id: str, verdict: str = "approve"):
    body = {} if verdict == "approve" else {"reason": "not supported by the bank statement"}
    return client.post(f"/api/v1/transactions/{transaction_id}/{verdict}", headers=user.auth, json=body)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def system_account(container, kind: str) -> str:
    with container.session_factory() as session:
        return str(
            session.execute(
                text("SELECT id FROM account WHERE kind = :k AND currency = 'NAD'"), {"k": kind}
            ).scalar_one()
        )


# -- own wallet -----------------------------------------------------------------------------
def test_staff_cannot_deposit_into_their_own_wallet(client, container, staff):
    response = book(client, staff, staff.wallet["id"], "deposits", "49999.00", "EFT-OWN-1")
    assert response.status_code == 403 and error_code(response) == "PAY_009"
    assert balance(client, staff, staff.wallet["id"]) == Decimal("0.00")
    assert audit_entries(container, "deposit.completed") == []


def test_staff_cannot_withdraw_from_their_own_wallet(client, container, teller, staff):
    fund(container, teller, staff.wallet["id"], "500.00")
    response = book(client, staff, staff.wallet["id"], "withdrawals", "100.00", "PAYOUT-OWN-1")
    assert response.status_code == 403 and error_code(response) == "PAY_009"
    assert balance(client, staff, staff.wallet["id"]) == Decimal("500.00")


def test_staff_cannot_reverse_a_movement_into_their_own_wallet(client, container, teller, staff, alice):
    """The store's own check: a reversal that would credit the reverser's wallet."""
    fund(container, teller, staff.wallet["id"], "300.00")
    sent = transfer(client, staff, staff.wallet["id"], alice.wallet["id"], "300.00").get_json()["data"]
    response = reverse(client, staff, sent["id"])
    assert response.status_code == 403 and error_code(response) == "PAY_009"
    assert balance(client, staff, staff.wallet["id"]) == Decimal("0.00")
    by_colleague = reverse(client, staff_with_mfa(client, container, "staff"), sent["id"])
    assert by_colleague.status_code == 201, by_colleague.get_json()


def test_a_checker_cannot_approve_a_movement_into_their_own_wallet(client, container, staff, checker):
    checker.wallet = wallet_of(client, container, checker)
    pending = book(client, staff, checker.wallet["id"], "deposits", "60000.00", "EFT-BIG-1").get_json()[
        "data"
    ]
    assert pending["status"] == "pending_approval"
    response = decide(client, checker, pending["id"])
    assert response.status_code == 403 and error_code(response) == "PAY_009"
    assert balance(client, checker, checker.wallet["id"]) == Decimal("0.00")
    third = staff_with_mfa(client, container, "staff")
    assert decide(client, third, pending["id"]).get_json()["data"]["status"] == "completed"


# -- one booking per bank reference ------------------------------------------------------------
def test_a_bank_reference_is_booked_once_per_clearing_account_and_direction(client, container, staff, bob):
    first = book(client, staff, bob.wallet["id"], "deposits", "49999.00", "EFT-2026-0001", key="k-1")
    assert first.status_code == 201, first.get_json()
    for reference in ("EFT-2026-0001", " eft-2026-0001 "):  # a new key, the same bank line
        again = book(client, staff, bob.wallet["id"], "deposits", "49999.00", reference)
        assert again.status_code == 409 and error_code(again) == "PAY_010"
        assert again.get_json()["error"]["details"] == {"transaction_id": first.get_json()["data"]["id"]}
    assert balance(client, bob, bob.wallet["id"]) == Decimal("49999.00")
    # The same key and body is a replay, not a second booking.
    replay = book(client, staff, bob.wallet["id"], "deposits", "49999.00", "EFT-2026-0001", key="k-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["data"]["id"] == first.get_json()["data"]["id"]
    # A payout is another bank line (a debit): it may carry the same reference.
    payout = book(client, staff, bob.wallet["id"], "withdrawals", "10.00", "EFT-2026-0001")
    assert payout.status_code == 201, payout.get_json()


def test_a_rejected_booking_frees_its_bank_reference(client, container, staff, checker, bob):
    pending = book(client, staff, bob.wallet["id"], "deposits", "60000.00", "EFT-REJ-1").get_json()["data"]
    assert pending["status"] == "pending_approval"
    assert error_code(book(client, staff, bob.wallet["id"], "deposits", "60000.00", "EFT-REJ-1")) == "PAY_010"
    assert decide(client, checker, pending["id"], "reject").status_code == 200
    rebooked = book(client, staff, bob.wallet["id"], "deposits", "600.00", "EFT-REJ-1")
    assert rebooked.status_code == 201, rebooked.get_json()


def test_the_database_refuses_a_second_booking_of_a_reference_written_around_the_function(
    container, teller, bob
):
    fund(container, teller, bob.wallet["id"], "5.00")
    with container.session_factory() as session, pytest.raises(IntegrityError) as refused:
        session.execute(
            text(
                "INSERT INTO payment_transaction (id, type, status, amount, currency, source_account_id, "
                "destination_account_id, external_reference, initiated_by, unique_reference) "
                "SELECT gen_random_uuid(), type, status, amount, currency, source_account_id, "
                "destination_account_id, lower(external_reference), initiated_by, true "
                "FROM payment_transaction WHERE destination_account_id = :w AND type = 'deposit'"
            ),
            {"w": bob.wallet["id"]},
        )
    assert "uq_payment_transaction_clearing_reference" in str(refused.value)


# -- reversals above the threshold ---------------------------------------------------------------
@pytest.fixture
def large_payment(client, container, teller, checker, bob):
    """A completed transfer of NAD 60 000 from a customer to Bob (approved by the checker)."""
    payer = signed_in(client)
    payer.wallet = wallet_of(client, container, payer)
    fund(container, teller, payer.wallet["id"], "50000.00")
    fund(container, teller, payer.wallet["id"], "50000.00")
    pending = transfer(client, payer, payer.wallet["id"], bob.wallet["id"], "60000").get_json()["data"]
    assert decide(client, checker, pending["id"]).get_json()["data"]["status"] == "completed"
    payer.payment = pending
    return payer


def test_a_reversal_above_the_threshold_waits_for_a_second_person(
    client, container, staff, checker, large_payment, bob
):
    payer, original = large_payment, large_payment.payment
    response = reverse(client, staff, original["id"])
    assert response.status_code == 201, response.get_json()
    pending = response.get_json()["data"]
    assert (pending["status"], pending["amount"]) == ("pending_approval", "60000.00")
    assert balance(client, payer, payer.wallet["id"]) == Decimal("40000.00")  # nothing moved yet
    wallet = client.get(f"/api/v1/wallets/{bob.wallet['id']}", headers=bob.auth).get_json()["data"]
    assert (wallet["balance"], wallet["held"]) == ("60000.00", "60000.00")
    assert len(audit_entries(container, "reversal.requested")) == 1
    # What waits counts: no second reversal of the same money meanwhile.
    assert error_code(reverse(client, checker, original["id"], amount="0.01")) == "PAY_008"

    own = decide(client, staff, pending["id"])
    assert own.status_code == 403 and error_code(own) == "ACC_001"  # the maker never checks
    approved = decide(client, checker, pending["id"])
    assert approved.status_code == 200 and approved.get_json()["data"]["status"] == "completed"
    assert balance(client, payer, payer.wallet["id"]) == Decimal("100000.00")
    assert balance(client, bob, bob.wallet["id"]) == Decimal("0.00")
    after = client.get(f"/api/v1/transactions/{original['id']}", headers=staff.auth).get_json()["data"]
    assert after["status"] == "reversed" and after["reversed_amount"] == "60000.00"


def test_a_rejected_reversal_gives_back_what_it_reserved(client, container, staff, checker, large_payment):
    original = large_payment.payment
    pending = reverse(client, staff, original["id"]).get_json()["data"]
    assert decide(client, checker, pending["id"], "reject").get_json()["data"]["status"] == "rejected"
    after = client.get(f"/api/v1/transactions/{original['id']}", headers=staff.auth).get_json()["data"]
    assert after["status"] == "completed" and after["reversed_amount"] == "0.00"
    part = reverse(client, staff, original["id"], amount="100.00")
    assert part.status_code == 201 and part.get_json()["data"]["status"] == "completed"


# -- the staff daily limit ------------------------------------------------------------------------
def test_beyond_the_daily_limit_a_staff_movement_waits_for_a_second_person(
    client, container, staff, checker, bob
):
    """NAD 100 000 a day alone (the default): deposits, withdrawals and reversals count."""
    for n in (1, 2):
        done = book(client, staff, bob.wallet["id"], "deposits", "49999.00", f"EFT-DAY-{n}")
        assert done.get_json()["data"]["status"] == "completed", done.get_json()
    payout = book(client, staff, bob.wallet["id"], "withdrawals", "1.00", "PAYOUT-DAY-1").get_json()["data"]
    assert payout["status"] == "completed"  # 99 999.00 alone so far
    over = book(client, staff, bob.wallet["id"], "deposits", "1.01", "EFT-DAY-3")
    assert over.status_code == 201
    held = over.get_json()["data"]
    assert held["status"] == "pending_approval" and held["expires_at"] is not None
    assert balance(client, bob, bob.wallet["id"]) == Decimal("99997.00")
    (entry,) = [e for e in audit_entries(container, "deposit.requested") if e["resource_id"] == held["id"]]
    assert entry["changes"]["after"]["status"] == "pending_approval"
    assert not [e for e in audit_entries(container, "deposit.completed") if e["resource_id"] == held["id"]]
    assert error_code(decide(client, staff, held["id"])) == "ACC_001"
    assert decide(client, checker, held["id"]).get_json()["data"]["status"] == "completed"
    # What a colleague approved does not count as moved alone; a reversal does.
    small = book(client, staff, bob.wallet["id"], "deposits", "1.00", "EFT-DAY-4").get_json()["data"]
    assert small["status"] == "completed"
    reversal = reverse(client, staff, small["id"], amount="0.50").get_json()["data"]
    assert reversal["status"] == "pending_approval"  # 100 000.00 + 0.50
    # Another staff member's day is their own.
    other = book(client, checker, bob.wallet["id"], "deposits", "10.00", "EFT-DAY-5").get_json()["data"]
    assert other["status"] == "completed"


THREADS = 8


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_segregation", pool_size=THREADS + 4
    ) as container:
        yield container, create_app(container=container).test_client()


def test_parallel_bookings_of_one_bank_reference_book_it_once(committed):
    container, client = committed
    teller, customer = register(client), register(client)
    grant_roles(container, teller, "staff")
    container.outbox.dispatch_pending()
    (wallet,) = container.payments.wallets(uuid.UUID(customer.id))
    barrier = threading.Barrier(THREADS)

    def deposit(n: int) -> str:
        barrier.wait(timeout=30)
        try:
            result = container.payments.deposit(
                uuid.UUID(teller.id),
                key=f"parallel-{n}",
                body={"n": n},
                wallet_id=wallet.id,
                amount=Money.of("49999.00"),
                external_reference="EFT-RACE-1",
            )
        except DomainError as error:
            return str(error.code)
        return result.data["status"]

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = sorted(pool.map(deposit, range(THREADS)))
    assert outcomes == ["PAY_010"] * (THREADS - 1) + ["completed"]
    (after,) = container.payments.wallets(uuid.UUID(customer.id))
    assert after.balance == Decimal("49999.00")


def test_parallel_reversals_never_slip_under_the_daily_limit_together(committed):
    """Reversals of unrelated transfers share no row lock: only the per-person lock of the
    daily sum keeps eight parallel NAD 20 000 reversals to five alone (NAD 100 000)."""
    container, client = committed
    tellers = [register(client) for _ in range(2)]
    reverser = register(client)
    for user in (*tellers, reverser):
        grant_roles(container, user, "staff")
    payers = [register(client) for _ in range(THREADS)]
    payees = [register(client) for _ in range(THREADS)]
    container.outbox.dispatch_pending()
    originals = []
    for n, (payer, payee) in enumerate(zip(payers, payees, strict=True)):
        (source,) = container.payments.wallets(uuid.UUID(payer.id))
        (destination,) = container.payments.wallets(uuid.UUID(payee.id))
        fund(container, tellers[n % 2], str(source.id), "20000.00")
        sent = container.payments.transfer(
            uuid.UUID(payer.id),
            key=f"pay-{n}",
            body={"n": n},
            source=source.id,
            destination=destination.id,
            destination_address=None,
            amount=Money.of("20000.00"),
            description="goods",
        )
        originals.append(uuid.UUID(sent.data["id"]))
    barrier = threading.Barrier(THREADS)

    def reverse_one(original: uuid.UUID) -> str:
        barrier.wait(timeout=30)
        result = container.payments.reverse(
            uuid.UUID(reverser.id),
            key=f"reverse-{original}",
            body={"original": str(original)},
            transaction_id=original,
            amount=None,
            reason="sent in error",
        )
        return str(result.data["status"])

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = list(pool.map(reverse_one, originals))
    assert sorted(statuses) == ["completed"] * 5 + ["pending_approval"] * 3
    with container.session_factory() as session:
        alone = session.execute(
            text(
                "SELECT sum(amount) FROM payment_transaction WHERE initiated_by = :u "
                "AND completed_at IS NOT NULL AND decided_by IS NULL"
            ),
            {"u": reverser.id},
        ).scalar_one()
    assert alone == Decimal("100000.00")


# -- transfers reach wallets only -----------------------------------------------------------------
def test_a_customer_cannot_send_money_to_the_clearing_account(client, container, alice):
    listed = client.get("/api/v1/transactions", headers=alice.auth).get_json()["data"]
    (deposit,) = [t for t in listed if t["type"] == "deposit"]
    clearing = deposit["source_wallet_id"]  # visible on the customer's own deposit
    response = transfer(client, alice, alice.wallet["id"], clearing, "100.00")
    assert response.status_code == 404 and error_code(response) == "RES_001"
    assert balance(client, alice, alice.wallet["id"]) == Decimal("1000.00")


@pytest.mark.parametrize("kind", ["fees", "suspense", "revenue"])
def test_transfers_never_reach_a_system_account(client, container, alice, kind):
    response = transfer(client, alice, alice.wallet["id"], system_account(container, kind), "1.00")
    assert response.status_code == 404 and error_code(response) == "RES_001"


def test_staff_cannot_book_a_deposit_onto_a_system_account(client, container, staff):
    response = book(client, staff, system_account(container, "revenue"), "deposits", "10.00", "EFT-SYS-1")
    assert response.status_code == 404 and error_code(response) == "RES_001"
