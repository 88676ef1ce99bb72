"""Issuers and new drafts: who invoices, and an invoice before it is numbered."""

from __future__ import annotations

import uuid
from datetime import date

from elcorp.governance.application.api import Grants, Scope
from elcorp.payments.application.invoicing.common import (
    CREATE,
    MANAGE,
    InvoiceDesk,
    InvoicesUnitOfWork,
    People,
    RawLines,
    actor,
    may_issue_for,
    summary,
)
from elcorp.payments.domain.invoice import Draft, Invoice, Issuer
from elcorp.payments.domain.invoices import checked_lines, totals
from elcorp.shared.application.audit import Changes, Resource
from elcorp.shared.domain.errors import NotFound, ValidationFailed
from elcorp.shared.domain.ids import new_id


class Drafts:
    def __init__(self, desk: InvoiceDesk, people: People) -> None:
        self._desk = desk
        self._people = people

    def issuers(self, caller: uuid.UUID) -> list[Issuer]:
        self._desk.access.require(caller, CREATE)
        with self._desk.uow() as uow:
            self._desk.platform(uow)
            found = uow.invoices.issuers()
            uow.commit()
        return found

    def issuer(self, caller: uuid.UUID, issuer_id: uuid.UUID) -> Issuer:
        """One issuer, for whoever may list them (`invoice:create`)."""
        self._desk.access.require(caller, CREATE)
        with self._desk.uow() as uow:
            found = uow.invoices.issuer(issuer_id)
        if found is None:
            raise NotFound("Invoice issuer not found")
        return found

    def add_issuer(
        self, caller: uuid.UUID, *, name: str, address: str, vat_number: str | None, owner_id: uuid.UUID
    ) -> Issuer:
        """A business (its owner's wallet receives its invoices' payments)."""
        grants = self._desk.access.require(caller, MANAGE, scope=Scope.ALL)
        if not self._people.names([owner_id]):
            raise NotFound("No active user with this id")
        issuer = Issuer(new_id(), name, address, vat_number, owner_id, False, self._desk.clock.now())
        with self._desk.uow() as uow:
            uow.invoices.add_issuer(issuer)
            uow.audit.record(
                "invoice_issuer.created",
                actor(caller, grants),
                Resource("invoice_issuer", str(issuer.id)),
                Changes(after={"name": name, "vat_number": vat_number, "owner_id": str(owner_id)}),
            )
            uow.commit()
        return issuer

    def create(
        self,
        caller: uuid.UUID,
        *,
        payer_id: uuid.UUID,
        currency: str,
        lines: RawLines,
        due_date: date | None = None,
        issuer_id: uuid.UUID | None = None,
        payer_address: str | None = None,
        payer_vat_number: str | None = None,
    ) -> Invoice:
        """A draft: no number yet, amounts by the one rounding rule of domain/invoices.py.
        Checked in this order: the lines, the payer, the issuer, the currency."""
        grants = self._desk.access.require(caller, CREATE)
        vat_rate = self._desk.settings.vat_rate
        checked = checked_lines(lines)
        totals(checked, currency, vat_rate)  # amounts that cannot be computed refuse the draft here
        payer_name = self._payer_name(payer_id)
        with self._desk.uow() as uow:
            issuer = self._issuer_for(uow, caller, grants, issuer_id, currency)
            draft = Invoice.draft(
                new_id(),
                Draft(
                    issuer_id=issuer.id,
                    payer_id=payer_id,
                    payer_name=payer_name,
                    currency=currency,
                    vat_rate=vat_rate,
                    lines=checked,
                    due_date=due_date,
                    payer_address=payer_address,
                    payer_vat_number=payer_vat_number,
                ),
                by=caller,
                at=self._desk.clock.now(),
            )
            uow.invoices.add(draft)
            uow.audit.record(
                "invoice.drafted",
                actor(caller, grants),
                Resource("invoice", str(draft.id)),
                Changes(after=summary(draft)),
            )
            uow.commit()
        return draft

    def _payer_name(self, payer_id: uuid.UUID) -> str:
        name = self._people.names([payer_id]).get(payer_id)
        if name is None:
            raise ValidationFailed(details=[{"field": "payer_id", "message": "no active user with this id"}])
        return name

    def _issuer_for(
        self,
        uow: InvoicesUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        issuer_id: uuid.UUID | None,
        currency: str,
    ) -> Issuer:
        """The draft's issuer (the platform by default), one the caller may invoice for,
        in a currency it can be paid in."""
        issuer = self._desk.platform(uow) if issuer_id is None else uow.invoices.issuer(issuer_id)
        if issuer is None:
            raise ValidationFailed(details=[{"field": "issuer_id", "message": "no such issuer"}])
        may_issue_for(caller, grants, CREATE, issuer)
        if issuer.is_platform:
            try:
                uow.ledger.system_account("revenue", currency)
            except NotFound as exc:
                raise ValidationFailed(
                    details=[{"field": "currency", "message": f"the platform does not invoice in {currency}"}]
                ) from exc
        return issuer
