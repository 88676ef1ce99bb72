"""Turning a planned movement into the store's request and audit entry, and its answer
into what the API returns.

Money movements are idempotent (`Idempotency-Key`, per caller): the store keeps the first
successful response under the key and replays it; a refused request stores nothing, so
it can be retried under the same key once the cause is fixed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from elcorp.governance.application.api import Grants
from elcorp.payments.application.ledger_common import PaymentSettings, PaymentsUnitOfWork
from elcorp.payments.application.ports import (
    MovementAudit,
    MovementOutcome,
    MovementRequest,
    Movements,
    Transaction,
)
from elcorp.payments.domain.ledger import STAFF_MOVEMENTS, MovementPlan, TransactionStatus, business_day_start
from elcorp.shared.application.audit import Actor, AuditedAction, Changes, Resource
from elcorp.shared.domain.audit_entry import canonical
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import ValidationFailed

MAX_KEY = 255
PENDING, COMPLETED = TransactionStatus.PENDING_APPROVAL, TransactionStatus.COMPLETED


class IdempotencyKeyRequired(ValidationFailed):
    code = "PAY_004"
    status = 400
    default_message = "Money-moving requests need an Idempotency-Key header (1 to 255 characters)"


@dataclass(frozen=True, slots=True)
class MovementResult:
    """A movement as first answered: `data` is its transaction in the store's form (what the
    idempotency key keeps; the API renders it as the one transaction representation), the
    same on replay."""

    data: dict[str, Any]
    status_code: int
    replayed: bool


def request_hash(body: object) -> str:
    """The fingerprint a key is bound to: SHA-256 of the body's RFC 8785 form."""
    return hashlib.sha256(canonical(body)).hexdigest()


def checked_key(key: str | None) -> str:
    if key is None or not key.strip() or len(key) > MAX_KEY:
        raise IdempotencyKeyRequired(
            details=[{"field": "Idempotency-Key", "message": f"a header of 1 to {MAX_KEY} characters"}]
        )
    return key


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def movement_data(t: Transaction) -> dict[str, Any]:
    """A movement's transaction in the form the store answers (and stores under the key)."""
    return {
        "id": str(t.id),
        "type": t.type,
        "status": t.status,
        "amount": f"{t.amount:f}",
        "fee": f"{t.fee:f}",
        "currency": t.currency,
        "source_wallet_id": str(t.source_account_id),
        "destination_wallet_id": str(t.destination_account_id),
        "description": t.description,
        "external_reference": t.external_reference,
        "initiated_by": str(t.initiated_by),
        "expires_at": _moment(t.expires_at),
        "created_at": t.created_at.isoformat(),
        "completed_at": _moment(t.completed_at),
        "reversal_of": None if t.reversal_of is None else str(t.reversal_of),
    }


def _read_moment(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _read_uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def transaction_from_data(data: Mapping[str, Any]) -> Transaction:
    """A movement's answer in the store's form read back as the transaction it made: new
    at that moment, so not yet decided on nor reversed (a replay shows that moment too)."""
    created_at = _read_moment(data["created_at"])
    if created_at is None:
        raise ValueError("a movement's answer has its creation time")
    return Transaction(
        id=uuid.UUID(data["id"]),
        type=data["type"],
        status=data["status"],
        amount=Decimal(data["amount"]),
        fee=Decimal(data["fee"]),
        currency=data["currency"],
        source_account_id=uuid.UUID(data["source_wallet_id"]),
        destination_account_id=uuid.UUID(data["destination_wallet_id"]),
        description=data["description"],
        external_reference=data["external_reference"],
        initiated_by=uuid.UUID(data["initiated_by"]),
        decided_by=None,
        decided_at=None,
        decision_reason=None,
        reversal_of=_read_uuid(data.get("reversal_of")),
        reversed_amount=Decimal(0),
        expires_at=_read_moment(data["expires_at"]),
        created_at=created_at,
        completed_at=_read_moment(data["completed_at"]),
    )


def result_of(outcome: MovementOutcome) -> MovementResult:
    """A movement's answer as the store gave it (first time or replayed)."""
    return MovementResult(movement_data(outcome.transaction), outcome.status_code, outcome.replayed)


def movement_audit(actor: Actor, request: MovementRequest, *, held: bool) -> AuditedAction:
    """The audit entry the store writes with the movement: `requested` while it waits for
    a second person, `completed` when posted."""
    status = PENDING.value if held else request.status.value
    destination = request.destination or request.destination_address
    return AuditedAction(
        f"{request.kind.value}.{'requested' if held else 'completed'}",
        actor,
        Resource("transaction", str(request.transaction_id)),
        Changes(
            after={
                "amount": str(request.amount),
                "fee": str(request.fee),
                "currency": request.currency,
                "source": str(request.source),
                "destination": str(destination),
                "status": status,
            }
        ),
    )


class MovementPlanner:
    """Completes a movement's request with what only the application knows (deadlines,
    the fees account, a staff member's daily limit) and runs it through the store."""

    def __init__(
        self,
        uow: Callable[[], PaymentsUnitOfWork],
        movements: Movements,
        settings: PaymentSettings,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._movements = movements
        self._settings = settings
        self._clock = clock

    def request(
        self, caller: uuid.UUID, key: str, body: object, plan: MovementPlan, **route: Any
    ) -> MovementRequest:
        """The request of a planned movement; `route` names its accounts and particulars."""
        return MovementRequest(
            caller=caller,
            kind=plan.kind,
            status=plan.status,
            transaction_id=plan.transaction_id,
            journal_entry_id=plan.journal_entry_id,
            amount=plan.amount.amount,
            fee=plan.fee.amount,
            currency=plan.amount.currency,
            idempotency_key=key,
            request_hash=request_hash(body),
            idempotency_ttl=self._settings.idempotency_ttl,
            **route,
        )

    def execute(self, caller: uuid.UUID, grants: Grants, request: MovementRequest) -> MovementResult:
        return result_of(self._movements.execute(*self.prepared(caller, grants, request)))

    def prepared(
        self, caller: uuid.UUID, grants: Grants, request: MovementRequest
    ) -> tuple[MovementRequest, MovementAudit]:
        """The request the store runs and the audit entry it writes with it."""
        now = self._clock.now()
        if request.kind in STAFF_MOVEMENTS and request.status is COMPLETED:
            request = self._limit_alone(request, now)
        if request.status is PENDING:
            request = dataclasses.replace(request, expires_at=now + self._settings.approval_ttl)
        if request.fee:
            with self._uow() as uow:
                fees = uow.ledger.system_account("fees", request.currency)
            request = dataclasses.replace(request, fee_account=fees)
        actor = Actor(str(caller), tuple(sorted(grants.roles)))
        held = None
        if request.solo_limit is not None:  # the store may still hold it: the entry for that case
            request = dataclasses.replace(request, held_expires_at=now + self._settings.approval_ttl)
            held = movement_audit(actor, request, held=True)
        entry = movement_audit(actor, request, held=request.status is PENDING)
        return request, MovementAudit(entry, held)

    def _limit_alone(self, request: MovementRequest, now: datetime) -> MovementRequest:
        """A staff movement below the threshold completes alone only while the caller's
        total for the business day stays within the staff daily limit: the store sums the
        day under the caller's lock and holds it for approval beyond (a currency without a
        limit: always held)."""
        limit = self._settings.staff_daily_limits.limit_for(request.currency)
        if limit is None:
            return dataclasses.replace(request, status=PENDING)
        return dataclasses.replace(request, solo_limit=limit, day_start=business_day_start(now))
