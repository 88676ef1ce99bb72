"""HTTP routes of the payments context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

from elcorp.shared.interfaces.api import context_blueprint

api = context_blueprint(
    "payments",
    "wallets and accounts, the double-entry ledger, transfers, holds, reversals, "
    "vehicles (VIN registry), invoices and receipts, reconciliation, settlement",
)
