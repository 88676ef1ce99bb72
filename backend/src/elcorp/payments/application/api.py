"""Payments' public API: what other contexts and the composition root may call.

Each context's part in the privacy programme is published here: payments' eraser of a
data subject's personal data (erasure, POPIA s24). The ledger's figures for the regulatory
reports (`LedgerReports`) are published here too, with the API's money formatting.
"""

from __future__ import annotations

from elcorp.payments.application.personal_data_erasure import PaymentsPersonalDataErasure
from elcorp.payments.application.reporting import LargeTransaction, LedgerReports, TransactionTotals
from elcorp.payments.domain.events import LedgerIntegrityFailed
from elcorp.payments.domain.ledger import money_text

__all__ = [
    "LargeTransaction",
    "LedgerIntegrityFailed",
    "LedgerReports",
    "PaymentsPersonalDataErasure",
    "TransactionTotals",
    "money_text",
]
