"""An in-memory ledger: the movements port (what `SqlMovements` does through
`payments_execute`) and the ledger reads and decisions the payments use cases need.

It applies the rules of `elcorp.payments.domain` (wallet, transfer, reversal, movement) in
the store's order, so `tests/integration/payments/test_ledger_contract.py` can run the same
scenarios against it and PostgreSQL and expect the same outcomes and refusals. Amounts are
kept as the store keeps them (numeric(20, 8)).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from elcorp.payments.application.ports import (
    Account,
    ChainReport,
    MovementAudit,
    MovementOutcome,
    MovementRequest,
    Statement,
    Transaction,
    TransactionFilter,
    TrialBalance,
)
from elcorp.payments.domain.ledger import STAFF_MOVEMENTS, TransactionStatus, TransactionType
from elcorp.payments.domain.movement import DuplicateExternalReference, LedgerAccountNotFound, check_replay
from elcorp.payments.domain.reversal import Original, check_reversal, fully_reversed, reversed_route
from elcorp.payments.domain.transfer import Route, check_movement
from elcorp.payments.domain.wallet import AccountKind, LedgerAccount
from elcorp.shared.application.audit import AuditedAction
from elcorp.shared.domain.errors import Conflict, NotFound
from support.fakes import FakeUnitOfWork

PLACES = Decimal("0.00000001")
PENDING, COMPLETED = TransactionStatus.PENDING_APPROVAL.value, TransactionStatus.COMPLETED.value


def stored(amount: Decimal) -> Decimal:
    """An amount as numeric(20, 8) keeps it."""
    return amount.quantize(PLACES)


@dataclass
class StoredKey:
    request_hash: str
    answer: Transaction
    expires_at: datetime


@dataclass
class FakeMovements:
    """The movements port: accounts, transactions, holds, idempotency keys and audit
    entries, in memory, changed only as `payments_execute` changes them."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    accounts: dict[uuid.UUID, LedgerAccount] = field(default_factory=dict)
    addresses: dict[uuid.UUID, uuid.UUID | None] = field(default_factory=dict)
    records: dict[uuid.UUID, Transaction] = field(default_factory=dict)
    keys: dict[tuple[uuid.UUID, str], StoredKey] = field(default_factory=dict)
    audit: list[AuditedAction] = field(default_factory=list)
    postings: list[tuple[uuid.UUID, uuid.UUID, Decimal]] = field(default_factory=list)
    holds: set[uuid.UUID] = field(default_factory=set)  # transactions with an active hold

    # -- set-up ----------------------------------------------------------------------------
    def add_account(
        self,
        kind: AccountKind,
        currency: str = "NAD",
        *,
        owner_id: uuid.UUID | None = None,
        address: uuid.UUID | None = None,
        status: str = "active",
        balance: Decimal = Decimal(0),
    ) -> uuid.UUID:
        account_id = uuid.uuid4()
        self.accounts[account_id] = LedgerAccount(
            account_id,
            owner_id,
            kind,
            currency,
            status,
            stored(balance),
            stored(Decimal(0)),
            allow_negative=kind is AccountKind.CLEARING,
        )
        self.addresses[account_id] = address
        return account_id

    def set_status(self, account_id: uuid.UUID, status: str) -> None:
        self.accounts[account_id] = dataclasses.replace(self.accounts[account_id], status=status)

    def balance(self, account_id: uuid.UUID) -> tuple[Decimal, Decimal]:
        found = self.accounts[account_id]
        return found.balance, found.held

    # -- the movements port ----------------------------------------------------------------
    def execute(self, request: MovementRequest, audit: MovementAudit) -> MovementOutcome:
        replay = self._replay(request)
        if replay is not None:
            return replay
        original = self._original(request)
        source_id, destination_id = (
            reversed_route(original) if original is not None else (request.source, request.destination)
        )
        destination_id = self._payee(request, destination_id)
        route = Route(
            request.kind,
            self.accounts.get(source_id) if source_id is not None else None,
            self.accounts.get(destination_id) if destination_id is not None else None,
            request.source_owner,
            request.invoice_payment,
            self.accounts.get(request.fee_account) if request.fee_account is not None else None,
        )
        source, destination = check_movement(
            route, request.caller, amount=request.amount, fee=request.fee, currency=request.currency
        )
        self._check_reference(request)
        status, entry = self._status(request, audit)
        made = self._insert(request, status, source.id, destination.id, original)
        self._apply(made, request.fee_account)
        if entry is not None:
            self.audit.append(entry)
        self.keys[(request.caller, request.idempotency_key)] = StoredKey(
            request.request_hash, made, self.now + request.idempotency_ttl
        )
        return MovementOutcome(made, replayed=False)

    def _replay(self, request: MovementRequest) -> MovementOutcome | None:
        found = self.keys.get((request.caller, request.idempotency_key))
        if found is None or found.expires_at <= self.now:
            return None
        check_replay(found.request_hash, request.request_hash)
        return MovementOutcome(found.answer, replayed=True)

    def _original(self, request: MovementRequest) -> Original | None:
        if request.reversal_of is None:
            return None
        found = self.records.get(request.reversal_of)
        if found is None:
            raise LedgerAccountNotFound("transaction not found")
        original = Original(
            found.id,
            TransactionType(found.type),
            TransactionStatus(found.status),
            found.amount,
            found.currency,
            found.reversed_amount,
            found.source_account_id,
            found.destination_account_id,
        )
        check_reversal(original, stored(request.amount), request.currency)
        return original

    def _payee(self, request: MovementRequest, destination: uuid.UUID | None) -> uuid.UUID | None:
        if request.destination_address is None:
            return destination
        for account_id, address in self.addresses.items():
            found = self.accounts[account_id]
            if (
                address == request.destination_address
                and found.currency == request.currency
                and found.kind is AccountKind.WALLET
            ):
                return account_id
        raise LedgerAccountNotFound("no wallet with this address in this currency")

    def _check_reference(self, request: MovementRequest) -> None:
        if request.kind not in (TransactionType.DEPOSIT, TransactionType.WITHDRAWAL):
            return
        wanted = (request.external_reference or "").strip().upper()
        for t in self.records.values():
            if (
                t.currency == request.currency
                and t.type == request.kind.value
                and t.status in (PENDING, COMPLETED)
                and (t.external_reference or "").strip().upper() == wanted
            ):
                raise DuplicateExternalReference(
                    f"this external reference is already booked as {t.type} {t.id}",
                    details={"transaction_id": str(t.id)},
                )

    def _status(self, request: MovementRequest, audit: MovementAudit) -> tuple[str, AuditedAction | None]:
        """The planned status, or held when it would take the caller's day alone over the
        limit (the held audit entry written instead)."""
        if request.status.value != COMPLETED or request.solo_limit is None or request.day_start is None:
            return request.status.value, audit.entry
        start = request.day_start
        alone = sum(
            (
                t.amount
                for t in self.records.values()
                if t.initiated_by == request.caller
                and TransactionType(t.type) in STAFF_MOVEMENTS
                and t.currency == request.currency
                and t.created_at >= start
                and t.completed_at is not None
                and t.decided_by is None
            ),
            Decimal(0),
        )
        if alone + request.amount > request.solo_limit:
            return PENDING, audit.held
        return COMPLETED, audit.entry

    def _insert(
        self,
        request: MovementRequest,
        status: str,
        source: uuid.UUID,
        destination: uuid.UUID,
        original: Original | None,
    ) -> Transaction:
        self.now += timedelta(microseconds=1)
        made = Transaction(
            id=request.transaction_id,
            type=request.kind.value,
            status=status,
            amount=stored(request.amount),
            fee=stored(request.fee),
            currency=request.currency,
            source_account_id=source,
            destination_account_id=destination,
            description=request.description,
            external_reference=request.external_reference,
            initiated_by=request.caller,
            decided_by=None,
            decided_at=None,
            decision_reason=None,
            reversal_of=None if original is None else original.id,
            reversed_amount=stored(Decimal(0)),
            expires_at=(request.expires_at or request.held_expires_at) if status == PENDING else None,
            created_at=self.now,
            completed_at=self.now if status == COMPLETED else None,
        )
        self.records[made.id] = made
        if original is not None:
            self._reserve(original, made)
        return made

    def _reserve(self, original: Original, reversal: Transaction) -> None:
        row = self.records[original.id]
        row = dataclasses.replace(row, reversed_amount=row.reversed_amount + reversal.amount)
        done = sum(
            (
                t.amount
                for t in self.records.values()
                if t.reversal_of == original.id and t.status == COMPLETED
            ),
            Decimal(0),
        )
        if reversal.status == COMPLETED and fully_reversed(original, done):
            row = dataclasses.replace(row, status=TransactionStatus.REVERSED.value)
        self.records[original.id] = row

    def _apply(self, t: Transaction, fee_account: uuid.UUID | None) -> None:
        """Post a completed movement; hold the debit of a pending one on its source."""
        if t.status != COMPLETED:
            self._move(t.source_account_id, held=t.amount + t.fee)
            self.holds.add(t.id)
            return
        self._post(t, fee_account)

    def _post(self, t: Transaction, fee_account: uuid.UUID | None) -> None:
        legs = [(t.source_account_id, -(t.amount + t.fee)), (t.destination_account_id, t.amount)]
        if t.fee and fee_account is not None:
            legs.append((fee_account, t.fee))
        for account_id, amount in legs:
            self._move(account_id, balance=amount)
            self.postings.append((t.id, account_id, amount))

    def _move(
        self, account_id: uuid.UUID, *, balance: Decimal = Decimal(0), held: Decimal = Decimal(0)
    ) -> None:
        found = self.accounts[account_id]
        self.accounts[account_id] = dataclasses.replace(
            found, balance=found.balance + balance, held=found.held + held
        )


@dataclass
class FakeLedger(FakeMovements):
    """The movements port and the ledger port (reads and decisions) over the same books."""

    def open_wallet(self, owner_id: uuid.UUID, address: uuid.UUID, currency: str) -> bool:
        if any(a.owner_id == owner_id and a.currency == currency for a in self.accounts.values()):
            return False
        self.add_account(AccountKind.WALLET, currency, owner_id=owner_id, address=address)
        return True

    def system_account(self, kind: str, currency: str) -> uuid.UUID:
        for found in self.accounts.values():
            if found.kind.value == kind and found.currency == currency:
                return found.id
        raise NotFound(f"No {kind} account in {currency}")

    def _as_account(self, found: LedgerAccount) -> Account:
        return Account(
            found.id,
            found.owner_id,
            found.kind.value,
            found.currency,
            self.addresses.get(found.id),
            found.balance,
            found.held,
            found.status,
            self.now,
        )

    def wallets_of(self, owner_id: uuid.UUID) -> list[Account]:
        mine = [a for a in self.accounts.values() if a.owner_id == owner_id and a.kind is AccountKind.WALLET]
        return [self._as_account(a) for a in sorted(mine, key=lambda a: a.currency)]

    def account(self, account_id: uuid.UUID) -> Account | None:
        found = self.accounts.get(account_id)
        return None if found is None else self._as_account(found)

    def find_accounts(self, account_ids: Collection[uuid.UUID]) -> list[Account]:
        return [self._as_account(self.accounts[i]) for i in account_ids if i in self.accounts]

    def transaction(self, transaction_id: uuid.UUID) -> Transaction | None:
        return self.records.get(transaction_id)

    def transactions_where(self, where: TransactionFilter) -> list[Transaction]:
        found = [
            t
            for t in self.records.values()
            if (
                where.account_ids is None
                or t.source_account_id in where.account_ids
                or t.destination_account_id in where.account_ids
            )
            and (where.status is None or t.status == where.status)
            and (where.type is None or t.type == where.type)
        ]
        return sorted(found, key=lambda t: (t.created_at, t.id), reverse=True)

    def transactions(
        self, where: TransactionFilter, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Transaction]:
        found = self.transactions_where(where)
        if after is not None:
            found = [t for t in found if (t.created_at, t.id) < after]
        return found[:limit]

    def decide(
        self, transaction_id: uuid.UUID, decider: uuid.UUID | None, *, approve: bool, reason: str | None
    ) -> Transaction:
        found = self.records.get(transaction_id)
        if found is None:
            raise NotFound("Transaction not found")
        if found.status != PENDING:
            raise Conflict(
                f"The transaction is {found.status}, not pending approval", details={"state": found.status}
            )
        if found.id in self.holds:  # a top-up holds nothing
            self.holds.discard(found.id)
            self._move(found.source_account_id, held=-(found.amount + found.fee))
        status = COMPLETED if approve else ("expired" if decider is None else "rejected")
        decided = dataclasses.replace(
            found,
            status=status,
            decided_by=decider,
            decided_at=self.now,
            decision_reason=reason,
            completed_at=self.now if approve else None,
        )
        self.records[transaction_id] = decided
        if approve:
            fees = self.system_account("fees", found.currency) if found.fee > 0 else None
            self._post(decided, fees)
        if found.reversal_of is not None:
            self._settle(found.reversal_of, found.amount, approve=approve)
        return decided

    def _settle(self, original_id: uuid.UUID, amount: Decimal, *, approve: bool) -> None:
        row = self.records[original_id]
        if not approve:
            self.records[original_id] = dataclasses.replace(row, reversed_amount=row.reversed_amount - amount)
            return
        done = sum(
            (
                t.amount
                for t in self.records.values()
                if t.reversal_of == original_id and t.status == COMPLETED
            ),
            Decimal(0),
        )
        if done == row.amount:
            self.records[original_id] = dataclasses.replace(row, status=TransactionStatus.REVERSED.value)

    def request_top_up(self, request: MovementRequest) -> MovementOutcome:
        replay = self._replay(request)
        if replay is not None:
            return replay
        self._check_reference(request)
        made = self._insert(request, PENDING, request.source, request.destination, None)  # type: ignore[arg-type]
        self.keys[(request.caller, request.idempotency_key)] = StoredKey(
            request.request_hash, made, self.now + request.idempotency_ttl
        )
        return MovementOutcome(made, replayed=False)

    def pending_top_ups(self, references: Collection[str]) -> list[Transaction]:
        wanted = {r.strip().upper() for r in references}
        return [
            t
            for t in sorted(self.records.values(), key=lambda t: (t.created_at, t.id))
            if t.type == TransactionType.DEPOSIT.value
            and t.status == PENDING
            and t.initiated_by == self.accounts[t.destination_account_id].owner_id
            and (t.external_reference or "").strip().upper() in wanted
        ]

    def pending_expired(self, now: datetime, limit: int) -> list[uuid.UUID]:
        due = [
            t
            for t in self.records.values()
            if t.status == PENDING and t.expires_at is not None and t.expires_at <= now
        ]
        return [t.id for t in sorted(due, key=lambda t: t.expires_at or now)][:limit]

    def purge_idempotency_keys(self, now: datetime) -> int:
        spent = [key for key, found in self.keys.items() if found.expires_at <= now]
        for key in spent:
            del self.keys[key]
        return len(spent)

    def claim_reminders(self, now: datetime, waiting: timedelta, every: timedelta) -> list[Transaction]:
        return [t for t in self.records.values() if t.status == PENDING and t.created_at <= now - waiting]

    def statement(
        self, account_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> Statement | None:
        found = self.account(account_id)
        return None if found is None else Statement(found, Decimal(0), [], found.balance)

    def trial_balance(self) -> TrialBalance:
        totals: dict[str, Decimal] = {}
        for transaction_id, _account, amount in self.postings:
            currency = self.records[transaction_id].currency
            totals[currency] = totals.get(currency, Decimal(0)) + amount
        return TrialBalance(totals, [])

    def verify_chains(self) -> ChainReport:
        return ChainReport(len(self.accounts), len(self.postings), None)


class FakePaymentsUnitOfWork(FakeUnitOfWork):
    """The payments unit of work over one `FakeLedger` (shared by every unit of work)."""

    def __init__(self, ledger: FakeLedger) -> None:
        super().__init__()
        self.ledger = ledger
        self.document_numbers = None
