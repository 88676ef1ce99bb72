"""Overdue reminders: a beat job, one reminder per issued invoice past its due date."""

from __future__ import annotations

from elcorp.payments.application.invoicing.common import InvoiceDesk
from elcorp.shared.domain.clock import WINDHOEK


class Reminders:
    def __init__(self, desk: InvoiceDesk) -> None:
        self._desk = desk

    def remind_overdue(self, limit: int = 500) -> int:
        """At most once per `remind_every` each: the store claims the invoices (marking them
        reminded), each records its `InvoiceOverdue`, and the commit puts those in the outbox."""
        now = self._desk.clock.now()
        today = now.astimezone(WINDHOEK).date()
        with self._desk.uow() as uow:
            due = uow.invoices.claim_overdue(today, now, self._desk.settings.remind_every, limit)
            for found in due:
                found.remind_overdue(now)
            uow.commit()
        return len(due)
