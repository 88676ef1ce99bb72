"""The ledger scenarios the fake and PostgreSQL must agree on, written once.

A scenario builds its world through a `LedgerWorld` (users, wallets, the system accounts,
movements) and returns what it observed: each movement's outcome or refusal, and the
balances at the end, with every id replaced by the name the scenario gave it so that two
backends (different ids) can be compared.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from elcorp.payments.application.ports import MovementAudit, MovementOutcome, MovementRequest, Transaction
from elcorp.payments.domain.ledger import TransactionStatus, TransactionType
from elcorp.payments.domain.movement import LedgerRefusal
from elcorp.shared.application.audit import Actor, AuditedAction, Changes, Resource

NAD, ZAR = "NAD", "ZAR"
DAY = timedelta(hours=24)


class LedgerBackend(Protocol):
    def user(self) -> uuid.UUID: ...

    def wallet(self, owner: uuid.UUID, currency: str, address: uuid.UUID) -> uuid.UUID: ...

    def system(self, kind: str) -> uuid.UUID: ...

    def set_status(self, account_id: uuid.UUID, status: str) -> None: ...

    def execute(self, request: MovementRequest, audit: MovementAudit) -> MovementOutcome: ...

    def balance(self, account_id: uuid.UUID) -> tuple[Decimal, Decimal]: ...

    def transaction(self, transaction_id: uuid.UUID) -> Transaction: ...


@dataclass
class LedgerWorld:
    """A scenario's view of one backend: names for ids, and what it saw."""

    backend: LedgerBackend
    names: dict[uuid.UUID, str] = field(default_factory=dict)
    seen: list[tuple[Any, ...]] = field(default_factory=list)

    def name(self, value: uuid.UUID | None) -> str | None:
        return None if value is None else self.names.get(value, "?")

    def user(self, name: str) -> uuid.UUID:
        made = self.backend.user()
        self.names[made] = name
        return made

    def wallet(
        self, name: str, owner: uuid.UUID, currency: str = NAD, address: uuid.UUID | None = None
    ) -> uuid.UUID:
        made = self.backend.wallet(owner, currency, address or uuid.uuid4())
        self.names[made] = name
        return made

    def system(self, kind: str) -> uuid.UUID:
        found = self.backend.system(kind)
        self.names[found] = kind
        return found

    def move(self, name: str, request: MovementRequest, *, held: bool = False) -> MovementOutcome | None:
        """Run one movement; its outcome (or refusal) is observed under `name`."""
        self.names.setdefault(request.transaction_id, name)
        audit = MovementAudit(_audit(request, "completed"), _audit(request, "requested") if held else None)
        try:
            outcome = self.backend.execute(request, audit)
        except LedgerRefusal as refusal:
            details = refusal.details
            if isinstance(details, dict) and "transaction_id" in details:
                details = {"transaction_id": self.name(uuid.UUID(details["transaction_id"]))}
            message = refusal.message
            for known, label in self.names.items():  # ids differ between backends, names do not
                message = message.replace(str(known), label)
            self.seen.append((name, "refused", type(refusal).__name__, str(refusal.code), message, details))
            return None
        self.seen.append((name, *self.outcome(outcome)))
        return outcome

    def outcome(self, outcome: MovementOutcome) -> tuple[Any, ...]:
        t = outcome.transaction
        return (
            self.name(t.id),
            t.type,
            t.status,
            t.amount,
            t.fee,
            t.currency,
            self.name(t.source_account_id),
            self.name(t.destination_account_id),
            t.description,
            t.external_reference,
            self.name(t.initiated_by),
            self.name(t.reversal_of),
            t.expires_at is not None,
            t.completed_at is not None,
            outcome.replayed,
            outcome.status_code,
        )

    def observe_transaction(self, transaction_id: uuid.UUID) -> None:
        t = self.backend.transaction(transaction_id)
        self.seen.append(("read", self.name(t.id), t.status, t.reversed_amount))

    def observe_balances(self, *accounts: uuid.UUID) -> None:
        for account_id in accounts:
            self.seen.append(("balance", self.name(account_id), *self.backend.balance(account_id)))


def _audit(request: MovementRequest, verb: str) -> AuditedAction:
    return AuditedAction(
        f"{request.kind.value}.{verb}",
        Actor(str(request.caller)),
        Resource("transaction", str(request.transaction_id)),
        Changes(after={"amount": str(request.amount)}),
    )


def movement(
    kind: TransactionType,
    caller: uuid.UUID,
    amount: str,
    *,
    key: str | None = None,
    body: str = "body",
    fee: str = "0",
    pending: bool = False,
    **route: Any,
) -> MovementRequest:
    """A movement request as the application would plan it (a new key unless given)."""
    return MovementRequest(
        caller=caller,
        kind=kind,
        status=TransactionStatus.PENDING_APPROVAL if pending else TransactionStatus.COMPLETED,
        transaction_id=uuid.uuid4(),
        journal_entry_id=uuid.uuid4(),
        amount=Decimal(amount),
        fee=Decimal(fee),
        currency=route.pop("currency", NAD),
        idempotency_key=key or str(uuid.uuid4()),
        request_hash=body,
        idempotency_ttl=DAY,
        expires_at=datetime.now(UTC) + DAY if pending else None,
        **route,
    )


@dataclass
class Cast:
    """The usual people and accounts: a teller (staff), alice (NAD 100.00), bob (empty)."""

    teller: uuid.UUID
    alice: uuid.UUID
    bob: uuid.UUID
    alice_wallet: uuid.UUID
    bob_wallet: uuid.UUID
    clearing: uuid.UUID
    fees: uuid.UUID


def cast(world: LedgerWorld, funded: str = "100.00") -> Cast:
    teller, alice, bob = world.user("teller"), world.user("alice"), world.user("bob")
    clearing, fees = world.system("clearing"), world.system("fees")
    alice_wallet, bob_wallet = world.wallet("alice_wallet", alice), world.wallet("bob_wallet", bob)
    world.move(
        "funding",
        movement(
            TransactionType.DEPOSIT,
            teller,
            funded,
            source=clearing,
            destination=alice_wallet,
            external_reference="FUND-1",
        ),
    )
    return Cast(teller, alice, bob, alice_wallet, bob_wallet, clearing, fees)


def transfer(c: Cast, amount: str, **extra: Any) -> MovementRequest:
    route: dict[str, Any] = {"source": c.alice_wallet, "source_owner": c.alice, "destination": c.bob_wallet}
    return movement(TransactionType.TRANSFER, c.alice, amount, **{**route, **extra})


def reversal(c: Cast, original: MovementRequest, amount: str, **extra: Any) -> MovementRequest:
    """What the application sends: the route the original took, backwards."""
    return movement(
        TransactionType.REVERSAL,
        c.teller,
        amount,
        reversal_of=original.transaction_id,
        source=original.destination,
        destination=original.source,
        description="sent back",
        **extra,
    )


Scenario = Callable[[LedgerWorld], str | None]
