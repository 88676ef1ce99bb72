"""Issuing and voiding: an invoice numbered and frozen, or cancelled."""

from __future__ import annotations

import uuid

from elcorp.payments.application.invoicing.common import MANAGE, InvoiceDesk, InvoicesUnitOfWork, actor
from elcorp.payments.domain.invoice import Invoice, Issuer
from elcorp.payments.domain.invoices import InvoiceStatus, Series
from elcorp.shared.application.audit import Changes, Resource


class Issuing:
    def __init__(self, desk: InvoiceDesk) -> None:
        self._desk = desk

    def issue(self, caller: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
        """Number it (the next of the issuer's INV series for the year in Windhoek), copy the
        particulars it prints, and freeze it."""
        grants = self._desk.access.require(caller, MANAGE)
        with self._desk.uow() as uow:
            found = self._desk.locked(uow, caller, grants, invoice_id, MANAGE)
            before = found.status
            issuer = found.check_issuable(self._issuer(uow, found))
            now = self._desk.clock.now()
            number = self._desk.next_number(uow, issuer.id, Series.INVOICE, now)
            found.issue(issuer, number=number, at=now)
            uow.audit.record(
                "invoice.issued",
                actor(caller, grants),
                Resource("invoice", str(invoice_id)),
                Changes(before={"status": before.value}, after={"status": "issued", "number": number}),
            )
            uow.commit()
        return found

    def _issuer(self, uow: InvoicesUnitOfWork, found: Invoice) -> Issuer | None:
        """The issuer as it prints now: the platform's particulars come from the settings."""
        issuer = uow.invoices.issuer(found.issuer_id)
        if issuer is not None and issuer.is_platform:
            return self._desk.platform(uow)
        return issuer

    def void(self, caller: uuid.UUID, invoice_id: uuid.UUID, reason: str) -> Invoice:
        """Cancel a draft or an unpaid issued invoice; its number stays used (never reused)."""
        grants = self._desk.access.require(caller, MANAGE)
        with self._desk.uow() as uow:
            found = self._desk.locked(uow, caller, grants, invoice_id, MANAGE)
            before = found.status
            found.void(reason, at=self._desk.clock.now())
            uow.audit.record(
                "invoice.voided",
                actor(caller, grants),
                Resource("invoice", str(invoice_id)),
                Changes(before={"status": before.value}, after={"status": InvoiceStatus.VOID.value}),
                reason=reason,
            )
            uow.commit()
        return found
