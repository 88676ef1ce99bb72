"""The ledger contract: every scenario runs against the in-memory `FakeLedger` (the domain
rules in Python) and against PostgreSQL (`SqlMovements` -> `payments_execute`), and both
must observe the same outcomes, refusals (class, code, message, details) and balances.

Each scenario also names the refusal it is about (None: all succeed), checked on its own,
so two backends that agreed on a wrong answer would still fail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from elcorp.payments.application.ports import MovementAudit, MovementOutcome, MovementRequest, Transaction
from elcorp.payments.domain.ledger import TransactionType
from elcorp.payments.domain.wallet import AccountKind
from elcorp.payments.infrastructure.ledger import SqlLedger
from elcorp.payments.infrastructure.movements import SqlMovements, in_session
from support.fake_ledger import FakeLedger
from support.ledger_scenarios import (
    ZAR,
    LedgerWorld,
    cast,
    movement,
    reversal,
    transfer,
)


class FakeBackend:
    def __init__(self) -> None:
        self.ledger = FakeLedger()
        self._system: dict[str, uuid.UUID] = {}

    def user(self) -> uuid.UUID:
        return uuid.uuid4()

    def wallet(self, owner: uuid.UUID, currency: str, address: uuid.UUID) -> uuid.UUID:
        return self.ledger.add_account(AccountKind.WALLET, currency, owner_id=owner, address=address)

    def system(self, kind: str) -> uuid.UUID:
        if kind not in self._system:
            self._system[kind] = self.ledger.add_account(AccountKind(kind))
        return self._system[kind]

    def set_status(self, account_id: uuid.UUID, status: str) -> None:
        self.ledger.set_status(account_id, status)

    def execute(self, request: MovementRequest, audit: MovementAudit) -> MovementOutcome:
        return self.ledger.execute(request, audit)

    def balance(self, account_id: uuid.UUID) -> tuple[Decimal, Decimal]:
        return self.ledger.balance(account_id)

    def transaction(self, transaction_id: uuid.UUID) -> Transaction:
        return self.ledger.records[transaction_id]


class SqlBackend:
    """PostgreSQL through the production adapter, inside the test's rolled-back transaction."""

    def __init__(self, sessions) -> None:
        self._sessions = sessions
        self._movements = SqlMovements(in_session(sessions))

    def _run(self, sql: str, **values):
        with self._sessions() as session:
            result = session.execute(text(sql), values)
            found = result.first() if result.returns_rows else None
            session.commit()
        return found

    def user(self) -> uuid.UUID:
        made = uuid.uuid4()
        self._run(
            "INSERT INTO user_account (id, username, full_name, email, email_normalized, wallet_address,"
            " password_hash) VALUES (:id, :name, 'Contract Test', :email, :email, :address, 'x')",
            id=made,
            name=f"contract-{made.hex[:12]}",
            email=f"{made.hex}@example.com",
            address=uuid.uuid4(),
        )
        return made

    def wallet(self, owner: uuid.UUID, currency: str, address: uuid.UUID) -> uuid.UUID:
        return self._run(
            "INSERT INTO account (owner_id, kind, currency, address)"
            " VALUES (:o, 'wallet', :c, :a) RETURNING id",
            o=owner,
            c=currency,
            a=address,
        ).id

    def system(self, kind: str) -> uuid.UUID:
        return self._run("SELECT id FROM account WHERE kind = :k AND currency = 'NAD'", k=kind).id

    def set_status(self, account_id: uuid.UUID, status: str) -> None:
        self._run("UPDATE account SET status = :s WHERE id = :id", s=status, id=account_id)

    def execute(self, request: MovementRequest, audit: MovementAudit) -> MovementOutcome:
        return self._movements.execute(request, audit)

    def balance(self, account_id: uuid.UUID) -> tuple[Decimal, Decimal]:
        row = self._run("SELECT balance, held FROM account WHERE id = :id", id=account_id)
        return row.balance, row.held

    def transaction(self, transaction_id: uuid.UUID) -> Transaction:
        with self._sessions() as session:
            found = SqlLedger(session).transaction(transaction_id)
        assert found is not None
        return found


# -- scenarios: each returns the error code it is about (None: every movement succeeds) -----
def happy_transfer(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move("transfer", transfer(c, "40.00", fee="1.50", fee_account=c.fees, description="rent"))
    w.observe_balances(c.alice_wallet, c.bob_wallet)
    return None


def insufficient_funds(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move("transfer", transfer(c, "99.00", fee="1.50", fee_account=c.fees))
    w.observe_balances(c.alice_wallet, c.bob_wallet)
    return "PAY_001"


def same_wallet(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move("transfer", transfer(c, "10.00", destination=c.alice_wallet))
    return "PAY_007"


def frozen_destination(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.backend.set_status(c.bob_wallet, "frozen")
    w.move("transfer", transfer(c, "10.00"))
    w.observe_balances(c.alice_wallet)
    return "PAY_003"


def closed_source(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.backend.set_status(c.alice_wallet, "closed")
    w.move("transfer", transfer(c, "10.00"))
    return "PAY_003"


def currency_mismatch(w: LedgerWorld) -> str | None:
    c = cast(w)
    rand = w.wallet("bob_zar", c.bob, ZAR)
    w.move("transfer", transfer(c, "10.00", destination=rand))
    return "PAY_002"


def unknown_address(w: LedgerWorld) -> str | None:
    c = cast(w)
    address = uuid.uuid4()
    w.wallet("bob_zar", c.bob, ZAR, address)
    w.move("transfer", transfer(c, "10.00", destination=None, destination_address=address))
    return "RES_001"


def transfer_by_address(w: LedgerWorld) -> str | None:
    c = cast(w)
    address = uuid.uuid4()
    carol = w.wallet("carol_wallet", w.user("carol"), address=address)
    w.move("transfer", transfer(c, "10.00", destination=None, destination_address=address))
    w.observe_balances(carol)
    return None


def someone_elses_wallet(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move(
        "transfer",
        movement(
            TransactionType.TRANSFER,
            c.bob,
            "10.00",
            source=c.alice_wallet,
            source_owner=c.bob,
            destination=c.bob_wallet,
        ),
    )
    return "RES_001"


def transfer_to_a_system_account(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move("transfer", transfer(c, "10.00", destination=c.clearing))
    return "RES_001"


def invoice_payment_to_revenue(w: LedgerWorld) -> str | None:
    c = cast(w)
    revenue = w.system("revenue")
    w.move("plain", transfer(c, "10.00", destination=revenue))
    w.move("invoice", transfer(c, "10.00", destination=revenue, invoice_payment=True))
    w.observe_balances(c.alice_wallet, revenue)
    return "RES_001"


def idempotent_replay(w: LedgerWorld) -> str | None:
    c = cast(w)
    first = transfer(c, "10.00", key="pay-1", body="same")
    w.move("first", first)
    w.move("again", transfer(c, "10.00", key="pay-1", body="same"))
    w.observe_balances(c.alice_wallet, c.bob_wallet)
    return None


def key_reused_with_another_body(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move("first", transfer(c, "10.00", key="pay-1", body="one"))
    w.move("other", transfer(c, "20.00", key="pay-1", body="two"))
    w.observe_balances(c.alice_wallet)
    return "PAY_005"


def refused_key_can_be_retried(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move("too_much", transfer(c, "500.00", key="pay-1", body="same"))
    w.move("retried", transfer(c, "50.00", key="pay-1", body="same"))
    return "PAY_001"


def full_reversal(w: LedgerWorld) -> str | None:
    c = cast(w)
    original = transfer(c, "40.00")
    w.move("original", original)
    w.move("reversal", reversal(c, original, "40.00"))
    w.observe_transaction(original.transaction_id)
    w.observe_balances(c.alice_wallet, c.bob_wallet)
    return None


def over_reversal(w: LedgerWorld) -> str | None:
    c = cast(w)
    original = transfer(c, "40.00")
    w.move("original", original)
    w.move("part", reversal(c, original, "30.00"))
    w.move("too_much", reversal(c, original, "20.00"))
    w.observe_transaction(original.transaction_id)
    return "PAY_008"


def reversing_a_reversal(w: LedgerWorld) -> str | None:
    c = cast(w)
    original = transfer(c, "40.00")
    w.move("original", original)
    back = reversal(c, original, "40.00")
    w.move("reversal", back)
    w.move("again", reversal(c, back, "40.00"))
    return "RES_005"


def reversing_the_unknown(w: LedgerWorld) -> str | None:
    c = cast(w)
    ghost = transfer(c, "40.00")  # never run
    w.move("reversal", reversal(c, ghost, "10.00"))
    return "RES_001"


def own_wallet_deposit(w: LedgerWorld) -> str | None:
    c = cast(w)
    own = w.wallet("teller_wallet", c.teller)
    w.move(
        "deposit",
        movement(
            TransactionType.DEPOSIT,
            c.teller,
            "10.00",
            source=c.clearing,
            destination=own,
            external_reference="OWN-1",
        ),
    )
    w.observe_balances(own)
    return "PAY_009"


def duplicate_bank_reference(w: LedgerWorld) -> str | None:
    c = cast(w)
    book = {"source": c.clearing, "destination": c.bob_wallet}
    w.move("first", movement(TransactionType.DEPOSIT, c.teller, "10.00", external_reference="BANK-7", **book))
    w.move(
        "second", movement(TransactionType.DEPOSIT, c.teller, "12.00", external_reference=" bank-7 ", **book)
    )
    return "PAY_010"


def withdrawal_to_clearing(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move(
        "withdrawal",
        movement(
            TransactionType.WITHDRAWAL,
            c.teller,
            "25.00",
            source=c.alice_wallet,
            destination=c.clearing,
            external_reference="OUT-1",
        ),
    )
    w.observe_balances(c.alice_wallet)
    return None


def pending_above_threshold(w: LedgerWorld) -> str | None:
    c = cast(w)
    w.move("big", transfer(c, "80.00", pending=True))
    w.move("more", transfer(c, "30.00"))  # 100 - 80 held: only 20 available
    w.observe_balances(c.alice_wallet, c.bob_wallet)
    return "PAY_001"


def staff_daily_limit(w: LedgerWorld) -> str | None:
    c = cast(w)
    alone = {"solo_limit": Decimal("150.00"), "day_start": datetime.now(UTC) - timedelta(hours=1)}
    book = {
        "source": c.clearing,
        "destination": c.bob_wallet,
        "held_expires_at": datetime.now(UTC) + timedelta(days=3),
    }
    w.move(
        "first",
        movement(TransactionType.DEPOSIT, c.teller, "30.00", external_reference="D-1", **alone, **book),
        held=True,
    )
    w.move(
        "second",
        movement(TransactionType.DEPOSIT, c.teller, "30.00", external_reference="D-2", **alone, **book),
        held=True,
    )
    w.observe_balances(c.bob_wallet)
    return None


SCENARIOS = [
    happy_transfer,
    insufficient_funds,
    same_wallet,
    frozen_destination,
    closed_source,
    currency_mismatch,
    unknown_address,
    transfer_by_address,
    someone_elses_wallet,
    transfer_to_a_system_account,
    invoice_payment_to_revenue,
    idempotent_replay,
    key_reused_with_another_body,
    refused_key_can_be_retried,
    full_reversal,
    over_reversal,
    reversing_a_reversal,
    reversing_the_unknown,
    own_wallet_deposit,
    duplicate_bank_reference,
    withdrawal_to_clearing,
    pending_above_threshold,
    staff_daily_limit,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_the_fake_and_postgresql_agree(scenario, session_factory):
    fake, sql = LedgerWorld(FakeBackend()), LedgerWorld(SqlBackend(session_factory))
    expected = scenario(fake)
    assert scenario(sql) == expected
    assert sql.seen == fake.seen
    refusals = [seen[3] for seen in fake.seen if seen[1] == "refused"]
    assert refusals == ([] if expected is None else [expected])
