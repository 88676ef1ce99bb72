"""Reminders of movements waiting for a second person (the client's 4-hourly schedule),
and of invoices past their due date.

The beat job claims the pending transactions due a reminder with one UPDATE ... RETURNING
(at most one reminder per transaction per interval, even if two runs overlap) and writes
one outbox event each in the same transaction; the worker mails every holder of
`payment:approve` (scope `all`) except the initiator.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from elcorp.payments.domain.events import InvoiceOverdue
from elcorp.payments.domain.ledger import money_text
from elcorp.shared.application.mail import Contacts, EmailSender
from elcorp.shared.domain.events import DomainEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class PaymentApprovalReminder(DomainEvent):
    event_type = "payments.PaymentApprovalReminder"
    transaction_id: uuid.UUID
    type: str
    amount: Decimal
    currency: str
    initiated_by: uuid.UUID
    waiting_since: datetime


class Approvers(Protocol):
    def globally(self, permission: str) -> frozenset[uuid.UUID]: ...


@dataclass
class PaymentsMailer:
    approvers: Approvers
    contacts: Contacts
    sender: EmailSender
    public_base_url: str

    def on_approval_reminder(self, event: PaymentApprovalReminder) -> None:
        people = self.approvers.globally("payment:approve") - {event.initiated_by}
        amount = f"{money_text(event.amount, event.currency)} {event.currency}"
        body = (
            f"A {event.type} of {amount} has been waiting for approval since "
            f"{event.waiting_since:%Y-%m-%d %H:%M} UTC. The initiator cannot approve it; a second "
            f"person must approve or reject it before it expires.\n\n"
            f"{self.public_base_url}/api/v1/transactions/{event.transaction_id}\n"
        )
        for user_id, address in sorted(self.contacts.addresses(people).items()):
            self.sender.send(address, f"Approval needed: {event.type} of {amount}", body)
            logger.info(
                "payments.approval_reminder user_id=%s transaction_id=%s", user_id, event.transaction_id
            )

    def on_invoice_overdue(self, event: InvoiceOverdue) -> None:
        """The payer of an issued invoice past its due date is reminded of what is due."""
        amount = f"{money_text(event.amount_due, event.currency)} {event.currency}"
        body = (
            f"Invoice {event.number} of {amount} was due on {event.due_date} and is still unpaid.\n"
            f"You can pay it from your wallet:\n\n"
            f"{self.public_base_url}/api/v1/invoices/{event.invoice_id}\n"
        )
        for user_id, address in self.contacts.addresses(frozenset({event.payer_id})).items():
            self.sender.send(address, f"Invoice {event.number} is overdue", body)
            logger.info("payments.invoice_overdue user_id=%s invoice_id=%s", user_id, event.invoice_id)
