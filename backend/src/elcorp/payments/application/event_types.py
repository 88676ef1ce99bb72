"""The events payments publishes, listed for the composition root to register (so a worker
can read any stored payments event back, whatever it imported)."""

from __future__ import annotations

from elcorp.payments.application.notifications import PaymentApprovalReminder
from elcorp.payments.domain.events import InvoiceOverdue, LedgerIntegrityFailed, TransactionDecided
from elcorp.payments.domain.vehicle_ownership import VehicleOwnershipChanged, VehicleTransferOffered
from elcorp.shared.domain.events import DomainEvent

EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    LedgerIntegrityFailed,
    TransactionDecided,
    InvoiceOverdue,
    PaymentApprovalReminder,
    VehicleTransferOffered,
    VehicleOwnershipChanged,
)
