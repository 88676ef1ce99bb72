"""How the PostgreSQL adapter talks to `payments_execute`, without a database: the typed
request as the function's argument, its answer as a typed transaction, and its refusals
(by SQLSTATE, never by message text) as typed errors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from elcorp.payments.application.movement_requests import movement_data, result_of
from elcorp.payments.application.movement_requests import transaction_from_data as transaction_of
from elcorp.payments.application.ports import MovementAudit, MovementOutcome, MovementRequest
from elcorp.payments.domain.ledger import TransactionStatus, TransactionType
from elcorp.payments.domain.movement import (
    REFUSALS,
    DuplicateExternalReference,
    InsufficientFunds,
    ReversalLimitReached,
)
from elcorp.payments.infrastructure.ledger import REFUSAL_STATES, refusal_of
from elcorp.payments.infrastructure.movements import payload
from elcorp.payments.infrastructure.sql import version_comment
from elcorp.shared.application.audit import Actor, AuditedAction, Resource

pytestmark = pytest.mark.unit


@dataclass
class Diag:
    message_primary: str | None = None
    message_hint: str | None = None
    constraint_name: str | None = None


@dataclass
class DatabaseError(Exception):
    pgcode: str
    diag: Diag


def request(**extra) -> MovementRequest:
    values = {
        "caller": uuid.uuid4(),
        "kind": TransactionType.TRANSFER,
        "status": TransactionStatus.COMPLETED,
        "transaction_id": uuid.uuid4(),
        "journal_entry_id": uuid.uuid4(),
        "amount": Decimal("12.50"),
        "fee": Decimal("0"),
        "currency": "NAD",
        "idempotency_key": "k-1",
        "request_hash": "h",
        "idempotency_ttl": timedelta(hours=24),
        "source": uuid.uuid4(),
        "destination": uuid.uuid4(),
    }
    return MovementRequest(**{**values, **extra})


def audit(action: str = "transfer.completed") -> AuditedAction:
    return AuditedAction(action, Actor("someone"), Resource("transaction", "t"))


# -- refusals ------------------------------------------------------------------------------------
def test_every_refusal_has_a_sqlstate_of_its_own():
    assert sorted(REFUSAL_STATES) == [
        "EP001",
        "EP002",
        "EP003",
        "EP005",
        "EP006",
        "EP007",
        "EP008",
        "EP009",
        "EP010",
        "ER001",
        "ER005",
    ]
    assert set(REFUSAL_STATES.values()) == set(REFUSALS.values())


def test_a_refusal_is_read_from_its_sqlstate_whatever_its_message():
    found = refusal_of(DatabaseError("EP008", Diag("at most 10.00000000 NAD can still be reversed")))
    assert isinstance(found, ReversalLimitReached)
    assert (str(found.code), found.message, found.details) == (
        "PAY_008",
        "at most 10.00000000 NAD can still be reversed",
        None,
    )


def test_the_hint_of_a_refusal_names_the_transaction_it_refers_to():
    found = refusal_of(DatabaseError("EP010", Diag("already booked", message_hint="abc")))
    assert isinstance(found, DuplicateExternalReference)
    assert found.details == {"transaction_id": "abc"}


def test_the_old_message_text_form_is_not_a_refusal():
    """Refusals are no longer parsed from the message: P0001 'PAY_001' is just an error."""
    assert refusal_of(DatabaseError("P0001", Diag("PAY_001"))) is None


def test_the_funds_constraint_is_insufficient_funds():
    found = refusal_of(DatabaseError("23514", Diag("check", constraint_name="ck_account_funds")))
    assert isinstance(found, InsufficientFunds) and found.message == "insufficient available funds"


def test_a_parallel_booking_of_one_bank_reference_is_a_duplicate():
    found = refusal_of(
        DatabaseError("23505", Diag("dup", constraint_name="uq_payment_transaction_clearing_reference"))
    )
    assert isinstance(found, DuplicateExternalReference)


@pytest.mark.parametrize(
    ("pgcode", "constraint"),
    [("23514", "ck_other"), ("23505", "pk_account"), ("40001", None), ("XX000", None)],
)
def test_any_other_database_error_is_not_a_refusal(pgcode, constraint):
    assert refusal_of(DatabaseError(pgcode, Diag("boom", constraint_name=constraint))) is None


def test_an_error_without_a_diagnostic_is_not_a_refusal():
    assert refusal_of(ValueError("no diag")) is None


# -- the function's argument -----------------------------------------------------------------
def test_the_argument_has_the_keys_the_function_reads():
    sent = payload(request(), MovementAudit(audit()))
    assert sent["type"] == "transfer" and sent["status"] == "completed"
    assert sent["idempotency_ttl_seconds"] == 86400
    assert sent["amount"] == Decimal("12.50") and sent["audit"]["action"] == "transfer.completed"


def test_absent_values_are_absent_keys_because_the_function_tests_for_presence():
    sent = payload(request(), MovementAudit(audit()))
    for key in (
        "reversal_of",
        "destination_address",
        "solo_limit",
        "held_audit",
        "invoice_payment",
        "description",
    ):
        assert key not in sent


def test_a_staff_movement_carries_its_daily_limit_and_held_audit_entry():
    day = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
    sent = payload(
        request(kind=TransactionType.DEPOSIT, solo_limit=Decimal("100000.00"), day_start=day),
        MovementAudit(audit("deposit.completed"), audit("deposit.requested")),
    )
    assert (sent["solo_limit"], sent["day_start"]) == (Decimal("100000.00"), day)
    assert sent["held_audit"]["action"] == "deposit.requested"


def test_an_invoice_payment_says_so():
    assert payload(request(invoice_payment=True), MovementAudit(audit()))["invoice_payment"] is True


# -- the function's answer --------------------------------------------------------------------
def answer(**extra) -> dict:
    values = {
        "id": str(uuid.uuid4()),
        "type": "transfer",
        "status": "completed",
        "amount": "12.50000000",
        "fee": "0.00000000",
        "currency": "NAD",
        "source_wallet_id": str(uuid.uuid4()),
        "destination_wallet_id": str(uuid.uuid4()),
        "description": None,
        "external_reference": None,
        "initiated_by": str(uuid.uuid4()),
        "expires_at": None,
        "created_at": "2026-12-07T10:00:00.123456+00:00",
        "completed_at": "2026-12-07T10:00:00.123456+00:00",
        "reversal_of": None,
    }
    return {**values, **extra}


def test_the_answer_reads_as_a_new_transaction():
    t = transaction_of(answer())
    assert (t.amount, t.reversed_amount, t.decided_by) == (Decimal("12.5"), Decimal(0), None)
    assert t.created_at == datetime(2026, 12, 7, 10, 0, 0, 123456, tzinfo=UTC)


def test_the_answer_written_back_is_the_answer_read_so_a_replay_is_byte_for_byte():
    first = answer(expires_at="2026-12-10T10:00:00+00:00", status="pending_approval", completed_at=None)
    assert movement_data(transaction_of(first)) == first


def test_a_reversal_answer_names_its_original():
    original = str(uuid.uuid4())
    assert (
        movement_data(transaction_of(answer(type="reversal", reversal_of=original)))["reversal_of"]
        == original
    )


def test_a_replay_keeps_its_first_status_code_and_says_it_is_a_replay():
    result = result_of(MovementOutcome(transaction_of(answer()), replayed=True, status_code=201))
    assert (result.replayed, result.status_code) == (True, 201)


# -- the SQL files -----------------------------------------------------------------------------
def test_the_version_is_recorded_on_the_function():
    assert version_comment("payments_execute", "jsonb", 3) == (
        "COMMENT ON FUNCTION payments_execute(jsonb) IS 'elcorp payments_execute v3'"
    )
