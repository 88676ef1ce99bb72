"""SQL side of payments' access-bundle section."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from elcorp.payments.infrastructure.invoices import invoice, invoice_issuer, invoice_line
from elcorp.payments.infrastructure.tables import account, payment_transaction
from elcorp.payments.infrastructure.vehicles import vehicle, vehicle_ownership, vehicle_transfer

WALLET_COLUMNS = (
    account.c.id,
    account.c.kind,
    account.c.currency,
    account.c.address,
    account.c.balance,
    account.c.held,
    account.c.status,
)
TRANSACTION_COLUMNS = tuple(c for c in payment_transaction.c if c.name not in {"reminded_at"})
VEHICLE_COLUMNS = tuple(c for c in vehicle.c if c.name != "key")


class SqlPaymentRecords:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def of(self, subject_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        with self._sessions() as session:

            def rows(query: Any) -> list[dict[str, Any]]:
                return [dict(row._mapping) for row in session.execute(query)]

            wallets = rows(select(*WALLET_COLUMNS).where(account.c.owner_id == subject_id))
            wallet_ids = [w["id"] for w in wallets]
            transactions = rows(
                select(*TRANSACTION_COLUMNS)
                .where(
                    or_(
                        payment_transaction.c.source_account_id.in_(wallet_ids),
                        payment_transaction.c.destination_account_id.in_(wallet_ids),
                        payment_transaction.c.initiated_by == subject_id,
                    )
                )
                .order_by(payment_transaction.c.created_at)
            )
            for t in transactions:
                if t["source_account_id"] in wallet_ids:
                    t["direction"] = "out"
                elif t["destination_account_id"] in wallet_ids:
                    t["direction"] = "in"
                else:
                    t["direction"] = "initiated"  # e.g. a deposit booked by staff
            invoices = rows(
                select(invoice).where(invoice.c.payer_id == subject_id).order_by(invoice.c.created_at)
            )
            issuers = rows(select(invoice_issuer).where(invoice_issuer.c.owner_id == subject_id))
            issued = rows(
                select(invoice)
                .where(invoice.c.issuer_id.in_([i["id"] for i in issuers]))
                .order_by(invoice.c.created_at)
            )
            lines = rows(
                select(invoice_line).where(
                    invoice_line.c.invoice_id.in_([i["id"] for i in invoices + issued])
                )
            )
            for i in invoices + issued:
                i.pop("payment_key", None)  # an idempotency key, not information about the person
                i["lines"] = [line for line in lines if line["invoice_id"] == i["id"]]
            periods = rows(
                select(
                    vehicle.c.id.label("vehicle_id"),
                    vehicle_ownership.c.period,
                    vehicle_ownership.c.transfer_id,
                )
                .join(vehicle, vehicle.c.key == vehicle_ownership.c.vehicle_key)
                .where(vehicle_ownership.c.owner_id == subject_id)
            )
            for p in periods:
                span = p.pop("period")
                p["started_at"], p["ended_at"] = span.lower, span.upper
            vehicle_keys = select(vehicle_ownership.c.vehicle_key).where(
                vehicle_ownership.c.owner_id == subject_id
            )
            vehicles = rows(
                select(*VEHICLE_COLUMNS).where(
                    or_(vehicle.c.owner_id == subject_id, vehicle.c.key.in_(vehicle_keys))
                )
            )
            transfers = rows(
                select(
                    *[c for c in vehicle_transfer.c if c.name != "vehicle_key"],
                    vehicle.c.id.label("vehicle_id"),
                )
                .join(vehicle, vehicle.c.key == vehicle_transfer.c.vehicle_key)
                .where(
                    or_(
                        vehicle_transfer.c.from_owner_id == subject_id,
                        vehicle_transfer.c.to_user_id == subject_id,
                    )
                )
            )
        return {
            "wallets": wallets,
            "transactions": transactions,
            "invoices": invoices,
            "invoice_issuers": issuers,
            "invoices_issued": issued,
            "vehicles": vehicles,
            "vehicle_ownership": periods,
            "vehicle_transfers": transfers,
        }
