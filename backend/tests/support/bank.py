"""Money exchanged with the bank, for reconciliation and settlement tests: deposits and
withdrawals booked through the payments service, placed on a chosen instant."""

from __future__ import annotations

import io
import uuid
from datetime import datetime

from sqlalchemy import text

from elcorp.shared.domain.money import Money


def book(
    container,
    staff,
    wallet_id: str,
    kind: str,
    amount: str,
    reference: str,
    *,
    at: datetime | None = None,
    currency: str = "NAD",
) -> uuid.UUID:
    """A deposit or withdrawal booked by `staff` (payment:create + payment:deposit). With
    `at`, the transaction is moved to have completed then (the business day under test):
    `payment_transaction` times are not part of the ledger's hash chain."""
    movement = container.payments.deposit if kind == "deposit" else container.payments.withdraw
    result = movement(
        uuid.UUID(staff.id),
        key=f"bank-{uuid.uuid4()}",
        body={"amount": amount, "currency": currency, "reference": reference},
        wallet_id=uuid.UUID(wallet_id),
        amount=Money.of(amount, currency),
        external_reference=reference,
    )
    transaction_id = uuid.UUID(result.data["id"])
    if at is not None:
        with container.session_factory() as session:
            session.execute(
                text(
                    "UPDATE payment_transaction SET created_at = :at, "
                    "completed_at = CASE WHEN completed_at IS NULL THEN NULL ELSE :at END WHERE id = :id"
                ),
                {"at": at, "id": transaction_id},
            )
            session.commit()
    return transaction_id


def statement_upload(content: str | bytes, name: str = "statement.csv", content_type: str = "text/csv"):
    """The multipart body of a statement upload (the Flask test client's form)."""
    raw = content.encode() if isinstance(content, str) else content
    return {"file": (io.BytesIO(raw), name, content_type)}


def row_counts(container, *tables: str) -> dict[str, int]:
    with container.session_factory() as session:
        return {
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in tables
        }
