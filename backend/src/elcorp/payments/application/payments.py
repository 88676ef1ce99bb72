"""Payments use cases: wallets, transfers, deposits, maker-checker decisions, history and
integrity reports.

Money movements are idempotent (`Idempotency-Key`, per caller): the store keeps the first
successful response under the key and replays it; a refused request stores nothing, so
it can be retried under the same key once the cause is fixed.

Segregation of duties: staff book deposits and withdrawals, and reverse, only on wallets
that are not their own; every such movement above the approval threshold, or beyond what
one person may move alone in a business day (`StaffDailyLimits`), waits for a colleague's
approval through the same maker-checker as large transfers. Transfers only ever reach
wallets (an invoice payment also the platform's revenue account), never the clearing or
fees accounts. The store (payments_execute) enforces all of it again under its locks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from elcorp.governance.application.api import AccessControl, Grants, Scope
from elcorp.identity.application.api import UserRegistered
from elcorp.payments.application.notifications import PaymentApprovalReminder
from elcorp.payments.application.ports import (
    Account,
    ChainReport,
    DocumentNumbers,
    Ledger,
    Movements,
    Statement,
    Transaction,
    TransactionFilter,
    TrialBalance,
)
from elcorp.payments.domain.events import LedgerIntegrityFailed, TransactionDecided
from elcorp.payments.domain.ledger import (
    STAFF_MOVEMENTS,
    ApprovalThresholds,
    FeeSchedule,
    MovementPlan,
    StaffDailyLimits,
    TransactionStatus,
    TransactionType,
    business_day_start,
    check_decider,
    check_not_own_wallet,
    plan_movement,
    reversal_amount,
)
from elcorp.shared.application.audit import Actor, AuditedAction, Changes, Resource
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.audit_entry import canonical
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, Conflict, ErrorCode, NotFound, ValidationFailed
from elcorp.shared.domain.money import Money

CREATE, APPROVE, DEPOSIT, READ_USERS = "payment:create", "payment:approve", "payment:deposit", "user:read"
WALLET = "wallet"
MAX_KEY = 255


class PaymentsUnitOfWork(UnitOfWork, Protocol):
    @property
    def ledger(self) -> Ledger: ...

    @property
    def document_numbers(self) -> DocumentNumbers: ...


class IdempotencyKeyRequired(ValidationFailed):
    code = ErrorCode.IDEMPOTENCY_KEY_REQUIRED
    default_message = "Money-moving requests need an Idempotency-Key header (1 to 255 characters)"


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    thresholds: ApprovalThresholds = field(default_factory=ApprovalThresholds)
    staff_daily_limits: StaffDailyLimits = field(default_factory=StaffDailyLimits)
    approval_ttl: timedelta = timedelta(hours=72)
    idempotency_ttl: timedelta = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class LedgerIntegrity:
    trial_balance: TrialBalance
    chains: ChainReport

    @property
    def ok(self) -> bool:
        return self.trial_balance.balanced and self.chains.ok


@dataclass(frozen=True, slots=True)
class MovementResult:
    """A movement as first answered: `data` is what the API returns, the same on replay."""

    data: dict[str, Any]
    status_code: int
    replayed: bool


def request_hash(body: object) -> str:
    """The fingerprint a key is bound to: SHA-256 of the body's RFC 8785 form."""
    return hashlib.sha256(canonical(body)).hexdigest()


def checked_key(key: str | None) -> str:
    if key is None or not key.strip() or len(key) > MAX_KEY:
        raise IdempotencyKeyRequired()
    return key


class Payments:
    def __init__(
        self,
        uow: Callable[[], PaymentsUnitOfWork],
        movements: Movements,
        access: AccessControl,
        settings: PaymentSettings | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._movements = movements
        self._access = access
        self._settings = settings or PaymentSettings()
        self._clock = clock or SystemClock()

    # -- wallets ---------------------------------------------------------------------------
    def open_wallet(self, owner_id: uuid.UUID, address: uuid.UUID, currency: str = "NAD") -> bool:
        """Idempotent: a second call for the same owner and currency opens nothing."""
        with self._uow() as uow:
            opened = uow.ledger.open_wallet(owner_id, address, currency)
            if opened:
                uow.audit.record(
                    "wallet.opened",
                    Actor(),
                    Resource("user", str(owner_id)),
                    Changes(after={"currency": currency}),
                )
            uow.commit()
        return opened

    def on_user_registered(self, event: UserRegistered) -> None:
        """Outbox handler: every new user gets a NAD wallet at their wallet address."""
        self.open_wallet(event.user_id, event.wallet_address)

    def wallets(self, caller: uuid.UUID) -> list[Account]:
        with self._uow() as uow:
            return uow.ledger.wallets_of(caller)

    def wallet(self, caller: uuid.UUID, wallet_id: uuid.UUID) -> Account:
        with self._uow() as uow:
            found = uow.ledger.account(wallet_id)
        if found is None or not self._may_see(caller, found):
            raise NotFound("Wallet not found")
        return found

    # -- movements -------------------------------------------------------------------------
    def transfer(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        source: uuid.UUID,
        destination: uuid.UUID | None,
        destination_address: uuid.UUID | None,
        amount: Money,
        description: str | None,
    ) -> MovementResult:
        """Move `amount` from the caller's wallet to another; above the threshold it waits
        for approval with the amount (and fee) held."""
        idem = checked_key(key)
        plan = plan_movement(
            TransactionType.TRANSFER, amount, fees=self._settings.fees, thresholds=self._settings.thresholds
        )
        grants = self._access.require(caller, CREATE)
        request: dict[str, Any] = {
            **self._base(caller, idem, body, plan),
            "source": source,
            "source_owner": caller,
            "description": description,
        }
        if destination_address is not None:
            request["destination_address"] = destination_address
        else:
            request["destination"] = destination
        return self._execute(caller, grants, request)

    def deposit(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """Staff book money that arrived outside the platform: clearing -> wallet."""
        return self._book(TransactionType.DEPOSIT, caller, key, body, wallet_id, amount, external_reference)

    def withdraw(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """Staff book money paid out of the platform: wallet -> clearing (above the deposit
        threshold it waits for a second person, held on the wallet)."""
        return self._book(
            TransactionType.WITHDRAWAL, caller, key, body, wallet_id, amount, external_reference
        )

    def _book(
        self,
        kind: TransactionType,
        caller: uuid.UUID,
        key: str | None,
        body: dict[str, Any],
        wallet_id: uuid.UUID,
        amount: Money,
        external_reference: str,
    ) -> MovementResult:
        """A deposit or a withdrawal: between a customer's wallet (never the caller's own)
        and the currency's clearing account, one booking per bank reference."""
        idem = checked_key(key)
        grants = self._access.require(caller, CREATE, DEPOSIT)
        if not external_reference.strip():
            raise ValidationFailed(
                details=[{"field": "external_reference", "message": "the bank's reference is required"}]
            )
        plan = plan_movement(kind, amount, fees=self._settings.fees, thresholds=self._settings.thresholds)
        with self._uow() as uow:
            wallet = uow.ledger.account(wallet_id)
            if wallet is None or wallet.kind != WALLET:
                raise NotFound("Wallet not found")
            check_not_own_wallet(caller, wallet.owner_id)
            clearing = uow.ledger.system_account("clearing", amount.currency)
        inbound = kind is TransactionType.DEPOSIT
        request = {
            **self._base(caller, idem, {**body, "wallet_id": str(wallet_id), "kind": kind.value}, plan),
            "source": clearing if inbound else wallet_id,
            "destination": wallet_id if inbound else clearing,
            "external_reference": external_reference,
        }
        return self._execute(caller, grants, request)

    def reverse(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        transaction_id: uuid.UUID,
        amount: Money | None,
        reason: str,
    ) -> MovementResult:
        """Staff send back all or part of a completed transaction: a compensating journal
        entry from its destination to its source, never more than it moved in total (what
        reversals awaiting approval would return counts). Never on the caller's own wallet;
        above the threshold or the caller's daily limit it waits for a second person."""
        checked_key(key)
        self._access.require(caller, APPROVE)
        with self._uow() as uow:
            original = uow.ledger.transaction(transaction_id)
        if original is None:
            raise NotFound("Transaction not found")
        prepared = self.prepare_reversal(
            caller, key=key, body=body, original=original, amount=amount, reason=reason
        )
        return self.result_of(self._movements.execute(*prepared))

    def _base(self, caller: uuid.UUID, key: str, body: dict[str, Any], plan: MovementPlan) -> dict[str, Any]:
        return {
            "caller": caller,
            "idempotency_key": key,
            "request_hash": request_hash(body),
            "idempotency_ttl_seconds": int(self._settings.idempotency_ttl.total_seconds()),
            "type": plan.kind.value,
            "status": plan.status.value,
            "transaction_id": plan.transaction_id,
            "journal_entry_id": plan.journal_entry_id,
            "amount": plan.amount.amount,
            "fee": plan.fee.amount,
            "currency": plan.amount.currency,
        }

    # -- movements run by other use cases, inside their own unit of work -------------------
    def prepare_transfer(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        source: uuid.UUID,
        destination: uuid.UUID,
        amount: Money,
        description: str,
        external_reference: str | None = None,
    ) -> tuple[dict[str, Any], AuditedAction]:
        """The request and audit entry of an invoice payment from the caller's own wallet,
        which the invoices use case runs through its unit of work's movements: the same
        rules as `transfer` (permission, fee, approval threshold, idempotency), except that
        the payee may be the platform's revenue account as well as a wallet."""
        idem = checked_key(key)
        plan = plan_movement(
            TransactionType.TRANSFER, amount, fees=self._settings.fees, thresholds=self._settings.thresholds
        )
        grants = self._access.require(caller, CREATE)
        request: dict[str, Any] = {
            **self._base(caller, idem, body, plan),
            "source": source,
            "source_owner": caller,
            "destination": destination,
            "description": description,
            "external_reference": external_reference,
            # An invoice payment may credit the platform's revenue account; a transfer
            # only ever reaches a wallet.
            "invoice_payment": True,
        }
        return self._prepared(caller, grants, request)

    def prepare_reversal(
        self,
        caller: uuid.UUID,
        *,
        key: str | None,
        body: dict[str, Any],
        original: Transaction,
        amount: Money | None,
        reason: str,
    ) -> tuple[dict[str, Any], AuditedAction]:
        """The request and audit entry of a (partial) reversal run by another use case
        (a credit note refunding a paid invoice): the same rules as `reverse`."""
        idem = checked_key(key)
        grants = self._access.require(caller, APPROVE)
        returned = reversal_amount(
            Money(original.amount, original.currency), original.reversed_amount, amount
        )
        plan = plan_movement(
            TransactionType.REVERSAL, returned, fees=self._settings.fees, thresholds=self._settings.thresholds
        )
        request = {
            **self._base(
                caller, idem, {**body, "transaction_id": str(original.id), "kind": "reversal"}, plan
            ),
            "reversal_of": original.id,
            "source": original.destination_account_id,
            "destination": original.source_account_id,
            "description": reason,
        }
        return self._prepared(caller, grants, request)

    @staticmethod
    def result_of(answer: dict[str, Any]) -> MovementResult:
        """A movement's answer as payments_execute gave it (first time or replayed)."""
        replayed = bool(answer.pop("replayed", False))
        status_code = int(answer.pop("status_code", 201))
        return MovementResult(answer, status_code, replayed)

    def _execute(self, caller: uuid.UUID, grants: Grants, request: dict[str, Any]) -> MovementResult:
        return self.result_of(self._movements.execute(*self._prepared(caller, grants, request)))

    def _prepared(
        self, caller: uuid.UUID, grants: Grants, request: dict[str, Any]
    ) -> tuple[dict[str, Any], AuditedAction]:
        now = self._clock.now()
        completed = TransactionStatus.COMPLETED.value
        if TransactionType(request["type"]) in STAFF_MOVEMENTS and request["status"] == completed:
            self._limit_alone(request, now)
        pending = request["status"] == TransactionStatus.PENDING_APPROVAL.value
        if pending:
            request["expires_at"] = now + self._settings.approval_ttl
        if request.get("fee"):
            with self._uow() as uow:
                request["fee_account"] = uow.ledger.system_account("fees", request["currency"])
        actor = Actor(str(caller), tuple(sorted(grants.roles)))
        if "solo_limit" in request:  # the store may still hold it: the audit entry for that case
            request["held_expires_at"] = now + self._settings.approval_ttl
            request["held_audit"] = self._movement_audit(actor, request, held=True)
        return request, self._movement_audit(actor, request, held=pending)

    def _limit_alone(self, request: dict[str, Any], now: datetime) -> None:
        """A staff movement below the threshold completes alone only while the caller's
        total for the business day stays within the staff daily limit: the store sums the
        day under the caller's lock and holds it for approval beyond (a currency without a
        limit: always held)."""
        limit = self._settings.staff_daily_limits.limit_for(request["currency"])
        if limit is None:
            request["status"] = TransactionStatus.PENDING_APPROVAL.value
            return
        request["solo_limit"] = limit
        request["day_start"] = business_day_start(now)

    @staticmethod
    def _movement_audit(actor: Actor, request: dict[str, Any], *, held: bool) -> AuditedAction:
        status = TransactionStatus.PENDING_APPROVAL.value if held else request["status"]
        return AuditedAction(
            f"{request['type']}.{'requested' if held else 'completed'}",
            actor,
            Resource("transaction", str(request["transaction_id"])),
            Changes(
                after={
                    "amount": str(request["amount"]),
                    "fee": str(request["fee"]),
                    "currency": request["currency"],
                    "source": str(request["source"]),
                    "destination": str(request.get("destination") or request.get("destination_address")),
                    "status": status,
                }
            ),
        )

    # -- maker-checker ---------------------------------------------------------------------
    def decide(
        self, caller: uuid.UUID, transaction_id: uuid.UUID, *, approve: bool, reason: str | None
    ) -> Transaction:
        """A second person approves (posts) or rejects a pending movement: never its
        initiator, never the owner of a wallet it moves money on."""
        grants = self._access.require(caller, APPROVE)
        with self._uow() as uow:
            found = uow.ledger.transaction(transaction_id)
            if found is None:
                raise NotFound("Transaction not found")
            check_decider(found.initiated_by, caller)
            parties = (
                uow.ledger.account(found.source_account_id),
                uow.ledger.account(found.destination_account_id),
            )
            check_not_own_wallet(caller, *(a.owner_id for a in parties if a is not None and a.kind == WALLET))
            decided = uow.ledger.decide(transaction_id, caller, approve=approve, reason=reason)
            uow.audit.record(
                f"{found.type}.{'approved' if approve else 'rejected'}",
                Actor(str(caller), tuple(sorted(grants.roles))),
                Resource("transaction", str(transaction_id)),
                Changes(
                    before={"status": found.status},
                    after={"status": decided.status, "amount": str(found.amount)},
                ),
                reason=reason,
            )
            uow.publish(TransactionDecided(transaction_id=transaction_id, status=decided.status))
            uow.commit()
        return decided

    def expire_pending(self, limit: int = 500) -> int:
        """Release the holds of pending transactions past their deadline (beat job)."""
        now = self._clock.now()
        expired = 0
        with self._uow() as uow:
            due = uow.ledger.pending_expired(now, limit)
        for transaction_id in due:
            with self._uow() as uow:
                try:
                    uow.ledger.decide(transaction_id, None, approve=False, reason="approval deadline passed")
                except Conflict:  # approved or rejected meanwhile: nothing to expire
                    continue
                uow.audit.record(
                    "transaction.expired",
                    Actor(),
                    Resource("transaction", str(transaction_id)),
                    Changes(before={"status": "pending_approval"}, after={"status": "expired"}),
                )
                uow.publish(TransactionDecided(transaction_id=transaction_id, status="expired"))
                uow.commit()
                expired += 1
        return expired

    def remind_pending_approvals(
        self, *, waiting: timedelta = timedelta(hours=1), every: timedelta = timedelta(hours=4)
    ) -> int:
        """Beat job: one reminder event (outbox) per pending transaction due one."""
        now = self._clock.now()
        with self._uow() as uow:
            due = uow.ledger.claim_reminders(now, waiting, every)
            for t in due:
                uow.publish(
                    PaymentApprovalReminder(
                        occurred_at=now,
                        transaction_id=t.id,
                        type=t.type,
                        amount=t.amount,
                        currency=t.currency,
                        initiated_by=t.initiated_by,
                        waiting_since=t.created_at,
                    )
                )
            uow.commit()
        return len(due)

    def purge_idempotency_keys(self) -> int:
        with self._uow() as uow:
            purged = uow.ledger.purge_idempotency_keys(self._clock.now())
            uow.commit()
        return purged

    # -- history ---------------------------------------------------------------------------
    def transaction(self, caller: uuid.UUID, transaction_id: uuid.UUID) -> Transaction:
        grants = self._access.grants_for(caller)
        with self._uow() as uow:
            found = uow.ledger.transaction(transaction_id)
            mine = {w.id for w in uow.ledger.wallets_of(caller)}
        if found is None or not (
            self._staff(grants)
            or found.source_account_id in mine
            or found.destination_account_id in mine
            or found.initiated_by == caller
        ):
            raise NotFound("Transaction not found")
        return found

    def transactions(
        self,
        caller: uuid.UUID,
        where: TransactionFilter,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Transaction]:
        grants = self._access.grants_for(caller)
        with self._uow() as uow:
            if not self._staff(grants):
                where = dataclasses.replace(
                    where, account_ids=frozenset(w.id for w in uow.ledger.wallets_of(caller))
                )
            return uow.ledger.transactions(where, after=after, limit=limit)

    def statement(
        self, caller: uuid.UUID, wallet_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> Statement:
        """The wallet's postings in [start, end) with the balance before and after."""
        self.wallet(caller, wallet_id)  # 404 unless the caller may see it
        with self._uow() as uow:
            found = uow.ledger.statement(wallet_id, start, end)
        if found is None:
            raise NotFound("Wallet not found")
        return found

    # -- integrity -------------------------------------------------------------------------
    def check_integrity(self) -> LedgerIntegrity:
        """Nightly job: the trial balance and every account's hash chain. On any mismatch,
        in one transaction, a `LedgerIntegrityFailed` event (outbox) and an audit entry."""
        with self._uow() as uow:
            found = LedgerIntegrity(uow.ledger.trial_balance(), uow.ledger.verify_chains())
            if found.ok:
                return found
            trial, chains = found.trial_balance, found.chains
            broken = (
                None if chains.first_broken is None else {k: str(v) for k, v in chains.first_broken.items()}
            )
            unbalanced = sorted(currency for currency, total in trial.totals.items() if total != 0)
            uow.publish(
                LedgerIntegrityFailed(
                    unbalanced_currencies=unbalanced,
                    mismatched_accounts=len(trial.mismatched_accounts),
                    first_broken_link=broken,
                )
            )
            uow.audit.record(
                "ledger.integrity_failed",
                Actor(),
                Resource("ledger"),
                Changes(
                    after={
                        "unbalanced_currencies": unbalanced,
                        "mismatched_accounts": [a["account_id"] for a in trial.mismatched_accounts[:20]],
                        "first_broken_link": broken,
                    }
                ),
                reason="nightly trial balance and hash-chain verification",
            )
            uow.commit()
        return found

    def trial_balance(self, caller: uuid.UUID) -> TrialBalance:
        self._require_staff(caller)
        with self._uow() as uow:
            return uow.ledger.trial_balance()

    def verify(self, caller: uuid.UUID) -> ChainReport:
        self._require_staff(caller)
        with self._uow() as uow:
            return uow.ledger.verify_chains()

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _staff(grants: Grants) -> bool:
        """Staff see every wallet and transaction: `payment:approve`, or `payment:create`
        with scope `all` (customers hold it `own`)."""
        return grants.allows(APPROVE) or grants.scope_of(CREATE) is Scope.ALL

    def _may_see(self, caller: uuid.UUID, wallet: Account) -> bool:
        return wallet.owner_id == caller or self._staff(self._access.grants_for(caller))

    def _require_staff(self, caller: uuid.UUID) -> None:
        if not self._staff(self._access.grants_for(caller)):
            raise AccessDenied("Ledger reports are for staff")
