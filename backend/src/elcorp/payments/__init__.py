"""The payments bounded context: wallets and accounts, the double-entry ledger, transfers,
holds, reversals, vehicles (VIN registry), invoices and receipts, reconciliation,
settlement.

Other contexts reach it only through `elcorp.payments.application.api` or domain events.
"""
