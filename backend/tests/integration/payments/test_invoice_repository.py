"""The invoice repository and its unit of work on real PostgreSQL
(payments/infrastructure/invoices.py): an invoice read and changed through the aggregate is
stored at commit, column by column, with the events it recorded in the outbox; nothing is
kept without commit; and the `invoice_frozen` trigger still refuses, as the backstop, a
change the aggregate would never make."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from elcorp.payments.domain.invoices import InvoiceStatus
from elcorp.payments.infrastructure.invoices import SqlInvoicesUnitOfWork
from support.factories.payments import InvoiceLineBodyFactory
from support.identity import staff_with_mfa

INVOICES = "/api/v1/invoices"


@pytest.fixture
def issued_id(client, container, alice) -> uuid.UUID:
    clerk = staff_with_mfa(client, container, "staff")
    body = {"payer_id": alice.id, "lines": [InvoiceLineBodyFactory()], "due_date": "2020-01-31"}
    created = client.post(INVOICES, headers=clerk.auth, json=body)
    assert created.status_code == 201, created.get_json()
    invoice_id = created.get_json()["data"]["id"]
    issued = client.post(f"{INVOICES}/{invoice_id}/issue", headers=clerk.auth)
    assert issued.status_code == 200, issued.get_json()
    return uuid.UUID(invoice_id)


def test_a_change_made_through_the_aggregate_is_stored_at_commit(session_factory, issued_id):
    at = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    with SqlInvoicesUnitOfWork(session_factory) as uow:
        found = uow.invoices.get(issued_id, lock=True)
        assert found is not None and found.status is InvoiceStatus.ISSUED
        found.void("Sent to the wrong customer", at=at)
        uow.commit()
    with SqlInvoicesUnitOfWork(session_factory) as uow:
        stored = uow.invoices.get(issued_id)
    assert stored is not None
    assert (stored.status, stored.voided_at, stored.void_reason) == (
        InvoiceStatus.VOID,
        at,
        "Sent to the wrong customer",
    )


def test_nothing_is_kept_without_commit(session_factory, issued_id):
    with SqlInvoicesUnitOfWork(session_factory) as uow:
        found = uow.invoices.get(issued_id, lock=True)
        assert found is not None
        found.void("never committed", at=datetime.now(UTC))
    with SqlInvoicesUnitOfWork(session_factory) as uow:
        stored = uow.invoices.get(issued_id)
    assert stored is not None and stored.status is InvoiceStatus.ISSUED and stored.void_reason is None


def test_the_events_an_invoice_recorded_go_to_the_outbox_with_the_commit(session_factory, issued_id):
    now = datetime.now(UTC)
    with SqlInvoicesUnitOfWork(session_factory) as uow:
        [due] = uow.invoices.claim_overdue(now.date(), now, timedelta(days=7), 10)
        due.remind_overdue(now)
        uow.commit()
        assert due.events == []
    with session_factory() as session:
        payloads = session.execute(
            text("SELECT payload FROM outbox_message WHERE event_type = 'payments.InvoiceOverdue'")
        ).scalars()
        assert [p["invoice_id"] for p in payloads] == [str(issued_id)]


def test_the_trigger_refuses_an_edit_of_an_issued_invoice_that_bypasses_the_rules(session_factory, issued_id):
    with SqlInvoicesUnitOfWork(session_factory) as uow:
        found = uow.invoices.get(issued_id, lock=True)
        assert found is not None
        found.payer_name = "Someone Else"  # no method of the aggregate does this
        with pytest.raises(DBAPIError, match="INV_002"):
            uow.commit()
