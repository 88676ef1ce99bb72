"""SQL side of payments' access-bundle section."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
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


def _direction(transaction: dict[str, Any], wallet_ids: list[uuid.UUID]) -> str:
    """How a transaction concerns the subject: money out of or into their wallets, or one
    they only initiated (e.g. a deposit booked by staff)."""
    if transaction["source_account_id"] in wallet_ids:
        return "out"
    if transaction["destination_account_id"] in wallet_ids:
        return "in"
    return "initiated"


@dataclass(frozen=True, slots=True)
class _SubjectRows:
    """The queries of one subject's payments section, in one session."""

    session: Session
    subject_id: uuid.UUID

    def rows(self, query: Any) -> list[dict[str, Any]]:
        return [dict(row._mapping) for row in self.session.execute(query)]

    def wallets(self) -> list[dict[str, Any]]:
        return self.rows(select(*WALLET_COLUMNS).where(account.c.owner_id == self.subject_id))

    def transactions(self, wallet_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        t = payment_transaction
        found = self.rows(
            select(*TRANSACTION_COLUMNS)
            .where(
                or_(
                    t.c.source_account_id.in_(wallet_ids),
                    t.c.destination_account_id.in_(wallet_ids),
                    t.c.initiated_by == self.subject_id,
                )
            )
            .order_by(t.c.created_at)
        )
        for transaction in found:
            transaction["direction"] = _direction(transaction, wallet_ids)
        return found

    def invoices(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """(invoices the subject pays, their invoice issuers, invoices those issuers issued),
        each invoice with its lines."""
        paid = self.rows(
            select(invoice).where(invoice.c.payer_id == self.subject_id).order_by(invoice.c.created_at)
        )
        issuers = self.rows(select(invoice_issuer).where(invoice_issuer.c.owner_id == self.subject_id))
        issued = self.rows(
            select(invoice)
            .where(invoice.c.issuer_id.in_([i["id"] for i in issuers]))
            .order_by(invoice.c.created_at)
        )
        lines = self.rows(
            select(invoice_line).where(invoice_line.c.invoice_id.in_([i["id"] for i in paid + issued]))
        )
        for i in paid + issued:
            i.pop("payment_key", None)  # an idempotency key, not information about the person
            i["lines"] = [line for line in lines if line["invoice_id"] == i["id"]]
        return paid, issuers, issued

    def ownership_periods(self) -> list[dict[str, Any]]:
        periods = self.rows(
            select(
                vehicle.c.id.label("vehicle_id"),
                vehicle_ownership.c.period,
                vehicle_ownership.c.transfer_id,
            )
            .join(vehicle, vehicle.c.key == vehicle_ownership.c.vehicle_key)
            .where(vehicle_ownership.c.owner_id == self.subject_id)
        )
        for p in periods:
            span = p.pop("period")
            p["started_at"], p["ended_at"] = span.lower, span.upper
        return periods

    def vehicles(self) -> list[dict[str, Any]]:
        """The vehicles the subject owns or has owned."""
        subject = self.subject_id
        owned = select(vehicle_ownership.c.vehicle_key).where(vehicle_ownership.c.owner_id == subject)
        return self.rows(
            select(*VEHICLE_COLUMNS).where(or_(vehicle.c.owner_id == subject, vehicle.c.key.in_(owned)))
        )

    def vehicle_transfers(self) -> list[dict[str, Any]]:
        t = vehicle_transfer
        return self.rows(
            select(*[c for c in t.c if c.name != "vehicle_key"], vehicle.c.id.label("vehicle_id"))
            .join(vehicle, vehicle.c.key == t.c.vehicle_key)
            .where(or_(t.c.from_owner_id == self.subject_id, t.c.to_user_id == self.subject_id))
        )


class SqlPaymentRecords:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def of(self, subject_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        with self._sessions() as session:
            read = _SubjectRows(session, subject_id)
            wallets = read.wallets()
            transactions = read.transactions([w["id"] for w in wallets])
            invoices, issuers, issued = read.invoices()
            periods = read.ownership_periods()
            vehicles = read.vehicles()
            transfers = read.vehicle_transfers()
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
