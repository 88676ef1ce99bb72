"""What the invoice use cases share: the unit-of-work port, the settings, and the rules of
who may act for which invoice (object-level: anyone else gets 404, never 403)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from elcorp.governance.application.api import AccessControl, Grants, Scope
from elcorp.payments.application.payments import MovementResult
from elcorp.payments.application.ports import (
    DocumentNumbers,
    Invoices,
    Ledger,
    Movements,
    Transaction,
)
from elcorp.payments.domain.invoice import Invoice, Issuer
from elcorp.payments.domain.invoices import DEFAULT_VAT_RATE, Series, document_number
from elcorp.payments.domain.ledger import money_text
from elcorp.shared.application.audit import Actor
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import WINDHOEK, Clock
from elcorp.shared.domain.errors import AccessDenied, Conflict, NotFound, ValidationFailed

CREATE, READ, MANAGE = "invoice:create", "invoice:read", "invoice:manage"
RawLines = list[tuple[str, str | Decimal, str | Decimal]]


class InvoicesUnitOfWork(UnitOfWork, Protocol):
    @property
    def invoices(self) -> Invoices: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def document_numbers(self) -> DocumentNumbers: ...

    @property
    def movements(self) -> Movements: ...


class People(Protocol):
    """Identity's public API, as invoices need it."""

    def names(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...


class IdempotencyKeyReused(ValidationFailed):
    code = "PAY_005"
    default_message = "This Idempotency-Key was used for another request"


class KeySpent(Conflict):
    code = "INV_007"
    default_message = (
        "The payment made under this Idempotency-Key was rejected or expired: pay again with a new key"
    )


@dataclass(frozen=True, slots=True)
class PlatformBusiness:
    """The platform's own business: the default issuer, paid into the revenue account."""

    name: str = "Elcorp Namibia (Pty) Ltd"
    address: str = "Windhoek, Namibia"
    vat_number: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceSettings:
    vat_rate: Decimal = DEFAULT_VAT_RATE
    business: PlatformBusiness = field(default_factory=PlatformBusiness)
    remind_every: timedelta = timedelta(days=7)


def movement_of(transaction: Transaction) -> MovementResult:
    """A stored transaction as a movement's answer (what a replay shows)."""
    data = {
        "id": str(transaction.id),
        "type": transaction.type,
        "status": transaction.status,
        "amount": str(transaction.amount),
        "fee": str(transaction.fee),
        "currency": transaction.currency,
        "source_wallet_id": str(transaction.source_account_id),
        "destination_wallet_id": str(transaction.destination_account_id),
        "description": transaction.description,
        "external_reference": transaction.external_reference,
        "initiated_by": str(transaction.initiated_by),
        "expires_at": transaction.expires_at,
        "created_at": transaction.created_at.isoformat(),
        "completed_at": transaction.completed_at,
        "reversal_of": None if transaction.reversal_of is None else str(transaction.reversal_of),
    }
    return MovementResult(data, 201, True)


def actor(caller: uuid.UUID, grants: Grants) -> Actor:
    return Actor(str(caller), tuple(sorted(grants.roles)))


def summary(found: Invoice) -> dict[str, Any]:
    """A draft as its audit entry records it."""
    return {
        "issuer_id": str(found.issuer_id),
        "payer_id": str(found.payer_id),
        "currency": found.currency,
        "lines": len(found.lines),
        "subtotal": money_text(found.subtotal, found.currency),
        "vat": money_text(found.vat, found.currency),
        "total": money_text(found.total, found.currency),
    }


def may_issue_for(caller: uuid.UUID, grants: Grants, permission: str, issuer: Issuer) -> None:
    """Scope `all` acts for any issuer; a narrower scope only for an issuer one owns."""
    if grants.scope_of(permission) is Scope.ALL:
        return
    if issuer.owner_id != caller:
        raise AccessDenied(f"{permission} for this issuer required")


def may_read(uow: InvoicesUnitOfWork, caller: uuid.UUID, grants: Grants, found: Invoice) -> bool:
    """Staff, the payer, and the issuer's owner see an invoice."""
    if grants.scope_of(READ) is Scope.ALL or found.payer_id == caller:
        return True
    issuer = uow.invoices.issuer(found.issuer_id)
    return issuer is not None and issuer.owner_id == caller


@dataclass(frozen=True, slots=True)
class InvoiceDesk:
    """What every invoice use case works with: the unit of work, access control, the
    settings and the clock; and the steps they repeat (the platform issuer, a locked
    invoice the caller may act on, the next document number)."""

    uow: Callable[[], InvoicesUnitOfWork]
    access: AccessControl
    settings: InvoiceSettings
    clock: Clock

    def platform(self, uow: InvoicesUnitOfWork) -> Issuer:
        business = self.settings.business
        return uow.invoices.platform_issuer(business.name, business.address, business.vat_number)

    def locked(
        self,
        uow: InvoicesUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        invoice_id: uuid.UUID,
        permission: str,
    ) -> Invoice:
        """The invoice under its row lock, if the caller may see it and act for its issuer."""
        found = uow.invoices.get(invoice_id, lock=True)
        if found is None or not may_read(uow, caller, grants, found):
            raise NotFound("Invoice not found")
        issuer = uow.invoices.issuer(found.issuer_id)
        if issuer is not None:
            may_issue_for(caller, grants, permission, issuer)
        return found

    @staticmethod
    def next_number(uow: InvoicesUnitOfWork, issuer_id: uuid.UUID, series: Series, at: datetime) -> str:
        """The next number of the issuer's series for the year (in Windhoek) of `at`."""
        year = at.astimezone(WINDHOEK).year
        return document_number(series, year, uow.document_numbers.next(issuer_id, series.value, year))
