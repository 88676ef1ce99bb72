"""Wallets and money for payments tests."""

from __future__ import annotations

import uuid
from decimal import Decimal

from elcorp.shared.domain.money import Money

TRANSFERS = "/api/v1/transfers"


def wallet_of(client, container, user) -> dict:
    """The user's NAD wallet (the outbox opens it on registration: dispatched here)."""
    container.outbox.dispatch_pending()
    response = client.get("/api/v1/wallets", headers=user.auth)
    assert response.status_code == 200, response.get_json()
    (wallet,) = [w for w in response.get_json()["data"] if w["currency"] == "NAD"]
    return wallet


def fund(container, staff, wallet_id: str, amount: str) -> None:
    """A deposit booked by `staff` (a user holding payment:create and payment:deposit)."""
    result = container.payments.deposit(
        uuid.UUID(staff.id),
        key=f"fund-{uuid.uuid4()}",
        body={"amount": amount},
        wallet_id=uuid.UUID(wallet_id),
        amount=Money.of(amount),
        external_reference=f"BANK-{uuid.uuid4().hex[:8]}",
    )
    assert result.data["status"] == "completed", result.data


def transfer(client, user, source: str, destination: str, amount: str, *, key: str | None = None, **extra):
    headers = {**user.auth, "Idempotency-Key": key or str(uuid.uuid4())}
    body = {"source_wallet_id": source, "destination_wallet_id": destination, "amount": amount, **extra}
    return client.post(TRANSFERS, headers=headers, json=body)


def balance(client, user, wallet_id: str) -> Decimal:
    response = client.get(f"/api/v1/wallets/{wallet_id}", headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return Decimal(response.get_json()["data"]["balance"])
