"""The payments use cases (transfers, bookings, reversals, approvals, history, integrity)
over the in-memory `FakeLedger`: the application's own rules, without a database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from elcorp.governance.application.api import AccessControl, Grants
from elcorp.governance.domain.rbac import Scope
from elcorp.payments.application.payments import (
    IdempotencyKeyRequired,
    Payments,
    PaymentSettings,
    checked_key,
    request_hash,
)
from elcorp.payments.application.ports import TransactionFilter, TrialBalance
from elcorp.payments.domain.events import LedgerIntegrityFailed, TransactionDecided
from elcorp.payments.domain.ledger import (
    ApprovalThresholds,
    FeeSchedule,
    OwnWalletMovement,
    ReversalExceedsOriginal,
    SegregationOfDuties,
    StaffDailyLimits,
)
from elcorp.payments.domain.movement import (
    CurrencyMismatch,
    DuplicateExternalReference,
    IdempotencyKeyReused,
    InsufficientFunds,
)
from elcorp.payments.domain.wallet import AccountKind
from elcorp.shared.domain.errors import AccessDenied, Conflict, InvalidMoney, NotFound, ValidationFailed
from elcorp.shared.domain.money import Money
from support.fake_ledger import FakeLedger, FakePaymentsUnitOfWork

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CUSTOMER = Grants(frozenset({"user"}), {"payment:create": Scope.OWN})
STAFF = Grants(
    frozenset({"staff"}),
    {"payment:create": Scope.ALL, "payment:deposit": Scope.ALL, "payment:approve": Scope.ALL},
)


class NoCache:
    def get(self, user_id: uuid.UUID) -> Grants | None:
        return None

    def put(self, user_id: uuid.UUID, grants: Grants) -> None:
        """Nothing is kept: every read goes to the loader."""

    def invalidate(self, user_id: uuid.UUID) -> None:
        """Nothing is kept, so nothing to forget."""


@dataclass
class Clock:
    at: datetime = NOW

    def now(self) -> datetime:
        return self.at


@dataclass
class Books:
    """The payments facade over a fake ledger, with a customer pair and two tellers."""

    payments: Payments
    ledger: FakeLedger
    uow: FakePaymentsUnitOfWork
    grants: dict[uuid.UUID, Grants]
    alice: uuid.UUID
    bob: uuid.UUID
    teller: uuid.UUID
    checker: uuid.UUID
    alice_wallet: uuid.UUID
    bob_wallet: uuid.UUID
    fees: uuid.UUID

    def fund(self, amount: str = "1000.00") -> None:
        self.payments.deposit(
            self.teller,
            key=str(uuid.uuid4()),
            body={"amount": amount},
            wallet_id=self.alice_wallet,
            amount=Money.of(amount),
            external_reference=f"FUND-{uuid.uuid4().hex[:6]}",
        )

    def send(self, amount: str, *, key: str = "k-1", body: dict | None = None, **extra):
        return self.payments.transfer(
            self.alice,
            key=key,
            body=body or {"amount": amount},
            source=self.alice_wallet,
            destination=extra.pop("destination", self.bob_wallet),
            destination_address=extra.pop("destination_address", None),
            amount=Money.of(amount),
            description=extra.pop("description", None),
        )


def books(settings: PaymentSettings | None = None) -> Books:
    ledger = FakeLedger(now=NOW)
    for kind in (AccountKind.CLEARING, AccountKind.FEES, AccountKind.REVENUE):
        ledger.add_account(kind)
    alice, bob, teller, checker = (uuid.uuid4() for _ in range(4))
    grants = {alice: CUSTOMER, bob: CUSTOMER, teller: STAFF, checker: STAFF}
    access = AccessControl(lambda user: grants.get(user, Grants(frozenset(), {})), NoCache())
    uow = FakePaymentsUnitOfWork(ledger)
    payments = Payments(lambda: uow, ledger, access, settings, clock=Clock())
    for owner in (alice, bob, teller):
        payments.open_wallet(owner, uuid.uuid4())
    (alice_wallet,), (bob_wallet,) = ([w.id for w in ledger.wallets_of(u)] for u in (alice, bob))
    return Books(
        payments,
        ledger,
        uow,
        grants,
        alice,
        bob,
        teller,
        checker,
        alice_wallet,
        bob_wallet,
        ledger.system_account("fees", "NAD"),
    )


def fee_settings(**extra) -> PaymentSettings:
    return PaymentSettings(fees=FeeSchedule(percent=Decimal("1"), fixed=Decimal("0.50")), **extra)


# -- idempotency keys ------------------------------------------------------------------------
@pytest.mark.parametrize("key", [None, "", "   ", "k" * 256])
def test_a_money_movement_needs_a_usable_idempotency_key(key):
    with pytest.raises(IdempotencyKeyRequired):
        checked_key(key)


def test_a_key_of_255_characters_is_accepted():
    assert checked_key("k" * 255) == "k" * 255


def test_the_request_fingerprint_ignores_key_order_but_not_values():
    assert request_hash({"a": 1, "b": "2"}) == request_hash({"b": "2", "a": 1})
    assert request_hash({"a": 1}) != request_hash({"a": 2})


# -- transfers --------------------------------------------------------------------------------
def test_a_transfer_moves_the_amount_and_charges_the_fee_to_the_fees_account():
    b = books(fee_settings())
    b.fund()
    result = b.send("100.00", description="rent")
    assert (result.status_code, result.replayed, result.data["status"]) == (201, False, "completed")
    assert result.data["fee"] == "1.50000000"
    assert b.ledger.balance(b.alice_wallet)[0] == Decimal("898.50")
    assert b.ledger.balance(b.bob_wallet)[0] == Decimal("100.00")
    assert b.ledger.balance(b.fees)[0] == Decimal("1.50")


def test_the_answer_is_the_transaction_in_the_stores_form():
    b = books()
    b.fund()
    data = b.send("10.00", description="lunch").data
    assert set(data) == {
        "id",
        "type",
        "status",
        "amount",
        "fee",
        "currency",
        "source_wallet_id",
        "destination_wallet_id",
        "description",
        "external_reference",
        "initiated_by",
        "expires_at",
        "created_at",
        "completed_at",
        "reversal_of",
    }
    assert (data["type"], data["source_wallet_id"], data["initiated_by"]) == (
        "transfer",
        str(b.alice_wallet),
        str(b.alice),
    )
    assert datetime.fromisoformat(data["created_at"]).tzinfo is not None


def test_the_same_key_and_body_replays_the_first_answer_and_moves_nothing_twice():
    b = books()
    b.fund()
    first = b.send("10.00")
    again = b.send("10.00")
    assert again.replayed and again.data == first.data
    assert b.ledger.balance(b.alice_wallet)[0] == Decimal("990.00")


def test_the_same_key_with_another_body_is_refused():
    b = books()
    b.fund()
    b.send("10.00")
    with pytest.raises(IdempotencyKeyReused):
        b.send("11.00")


def test_a_transfer_without_the_funds_is_refused_and_its_key_stays_free():
    b = books()
    with pytest.raises(InsufficientFunds):
        b.send("10.00")
    b.fund()
    assert b.send("10.00").data["status"] == "completed"


def test_a_transfer_above_the_threshold_waits_for_approval_with_amount_and_fee_held():
    b = books(fee_settings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    b.fund()
    result = b.send("100.00")
    assert result.data["status"] == "pending_approval"
    assert datetime.fromisoformat(result.data["expires_at"]) == NOW + timedelta(hours=72)
    assert b.ledger.balance(b.alice_wallet) == (Decimal("1000.00"), Decimal("101.50"))


def test_a_customer_without_payment_create_cannot_transfer():
    b = books()
    b.grants[b.alice] = Grants(frozenset({"user"}), {})
    with pytest.raises(AccessDenied):
        b.send("10.00")


def test_a_transfer_audits_its_completion_with_the_amounts():
    b = books()
    b.fund()
    b.send("10.00")
    (entry,) = [e for e in b.ledger.audit if e.action == "transfer.completed"]
    assert entry.changes is not None
    assert entry.changes.after["amount"] == "10.00"
    assert entry.changes.after["destination"] == str(b.bob_wallet)


def test_a_transfer_by_wallet_address_reaches_that_wallet():
    b = books()
    b.fund()
    address = b.ledger.account(b.bob_wallet).address
    b.send("10.00", destination=None, destination_address=address)
    assert b.ledger.balance(b.bob_wallet)[0] == Decimal("10.00")


# -- deposits and withdrawals -------------------------------------------------------------------
def test_a_deposit_moves_money_from_clearing_into_the_wallet():
    b = books()
    b.fund("250.00")
    assert b.ledger.balance(b.alice_wallet)[0] == Decimal("250.00")
    assert b.ledger.balance(b.ledger.system_account("clearing", "NAD"))[0] == Decimal("-250.00")


def test_staff_cannot_deposit_into_their_own_wallet():
    b = books()
    (own,) = b.ledger.wallets_of(b.teller)
    with pytest.raises(OwnWalletMovement):
        b.payments.deposit(
            b.teller, key="d", body={}, wallet_id=own.id, amount=Money.of("5"), external_reference="R-1"
        )


def test_a_deposit_needs_the_banks_reference():
    b = books()
    with pytest.raises(ValidationFailed) as refused:
        b.payments.deposit(
            b.teller,
            key="d",
            body={},
            wallet_id=b.alice_wallet,
            amount=Money.of("5"),
            external_reference="  ",
        )
    assert refused.value.details == [
        {"field": "external_reference", "message": "the bank's reference is required"}
    ]


def test_a_deposit_reaches_only_a_wallet():
    b = books()
    with pytest.raises(NotFound):
        b.payments.deposit(
            b.teller, key="d", body={}, wallet_id=b.fees, amount=Money.of("5"), external_reference="R-1"
        )


def test_a_customer_cannot_book_deposits():
    b = books()
    with pytest.raises(AccessDenied):
        b.payments.deposit(
            b.alice, key="d", body={}, wallet_id=b.bob_wallet, amount=Money.of("5"), external_reference="R-1"
        )


def test_a_withdrawal_moves_money_from_the_wallet_to_clearing():
    b = books()
    b.fund()
    result = b.payments.withdraw(
        b.teller,
        key="w",
        body={},
        wallet_id=b.alice_wallet,
        amount=Money.of("300"),
        external_reference="OUT-1",
    )
    assert (result.data["type"], result.data["status"]) == ("withdrawal", "completed")
    assert b.ledger.balance(b.alice_wallet)[0] == Decimal("700.00")


def test_beyond_the_staff_daily_limit_a_booking_waits_for_a_colleague():
    b = books(PaymentSettings(staff_daily_limits=StaffDailyLimits({"NAD": Decimal("1500")})))
    b.fund("1000.00")
    b.fund("400.00")
    b.fund("200.00")  # 1,600 alone today: held
    held = [t for t in b.ledger.records.values() if t.status == "pending_approval"]
    assert [t.amount for t in held] == [Decimal("200.00")]
    assert any(e.action == "deposit.requested" for e in b.ledger.audit)


def test_a_currency_without_a_staff_daily_limit_always_waits():
    b = books(PaymentSettings(staff_daily_limits=StaffDailyLimits({})))
    b.fund("10.00")
    assert [t.status for t in b.ledger.records.values()] == ["pending_approval"]


# -- reversals ------------------------------------------------------------------------------------
def reversal_of(b: Books, transaction_id: str, amount: str | None, key: str = "r-1"):
    return b.payments.reverse(
        b.teller,
        key=key,
        body={"amount": amount},
        transaction_id=uuid.UUID(transaction_id),
        amount=None if amount is None else Money.of(amount),
        reason="customer complaint",
    )


def test_a_full_reversal_sends_everything_back_and_marks_the_original_reversed():
    b = books()
    b.fund()
    sent = b.send("40.00").data
    back = reversal_of(b, sent["id"], None).data
    assert (back["type"], back["reversal_of"], back["amount"]) == ("reversal", sent["id"], "40.00000000")
    assert b.ledger.records[uuid.UUID(sent["id"])].status == "reversed"
    assert b.ledger.balance(b.alice_wallet)[0] == Decimal("1000.00")


def test_partial_reversals_never_return_more_than_the_original_moved():
    b = books()
    b.fund()
    sent = b.send("40.00").data
    reversal_of(b, sent["id"], "30.00", key="r-1")
    with pytest.raises(ReversalExceedsOriginal):
        reversal_of(b, sent["id"], "10.01", key="r-2")
    assert b.ledger.records[uuid.UUID(sent["id"])].status == "completed"


def test_reversing_an_unknown_transaction_is_not_found():
    b = books()
    with pytest.raises(NotFound):
        reversal_of(b, str(uuid.uuid4()), None)


def test_a_customer_cannot_reverse():
    b = books()
    b.fund()
    sent = b.send("40.00").data
    with pytest.raises(AccessDenied):
        b.payments.reverse(
            b.alice, key="r", body={}, transaction_id=uuid.UUID(sent["id"]), amount=None, reason="mine"
        )


# -- maker-checker --------------------------------------------------------------------------------
def pending_transfer(b: Books) -> uuid.UUID:
    b.fund()
    return uuid.UUID(b.send("100.00").data["id"])


def test_a_colleague_approves_a_pending_transfer_and_it_is_posted():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    pending = pending_transfer(b)
    decided = b.payments.decide(b.checker, pending, approve=True, reason=None)
    assert (decided.status, decided.decided_by) == ("completed", b.checker)
    assert b.ledger.balance(b.alice_wallet) == (Decimal("900.00"), Decimal("0"))
    decisions = [
        (e.transaction_id, e.status) for e in b.uow.committed_events if isinstance(e, TransactionDecided)
    ]
    assert decisions == [(pending, "completed")]


def test_a_rejection_releases_the_hold():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    pending = pending_transfer(b)
    assert b.payments.decide(b.checker, pending, approve=False, reason="no").status == "rejected"
    assert b.ledger.balance(b.alice_wallet) == (Decimal("1000.00"), Decimal("0"))
    assert [e.action for e in b.uow.committed_audit][-1] == "transfer.rejected"


def test_the_initiator_never_decides_their_own_movement():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(deposits={"NAD": Decimal("50")})))
    b.fund("100.00")
    (pending,) = b.ledger.records
    with pytest.raises(SegregationOfDuties):
        b.payments.decide(b.teller, pending, approve=True, reason=None)


def test_staff_never_approve_a_movement_on_their_own_wallet():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    b.grants[b.bob] = STAFF
    pending = pending_transfer(b)
    with pytest.raises(OwnWalletMovement):
        b.payments.decide(b.bob, pending, approve=True, reason=None)


def test_a_decided_transaction_cannot_be_decided_again():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    pending = pending_transfer(b)
    b.payments.decide(b.checker, pending, approve=False, reason="no")
    with pytest.raises(Conflict):
        b.payments.decide(b.checker, pending, approve=True, reason=None)


def test_a_customer_cannot_approve():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    pending = pending_transfer(b)
    with pytest.raises(AccessDenied):
        b.payments.decide(b.bob, pending, approve=True, reason=None)


def test_pending_movements_past_their_deadline_expire_and_release_their_hold():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    pending = pending_transfer(b)
    assert b.payments.expire_pending() == 0  # not yet due
    b.payments._approvals._clock.at = NOW + timedelta(hours=73)
    assert b.payments.expire_pending() == 1
    assert b.ledger.records[pending].status == "expired"
    assert b.ledger.balance(b.alice_wallet)[1] == Decimal("0")


def test_spent_idempotency_keys_are_purged_after_their_ttl():
    b = books()
    b.fund()
    b.send("1.00")
    assert b.payments.purge_idempotency_keys() == 0
    b.payments._approvals._clock.at = NOW + timedelta(days=2)
    assert b.payments.purge_idempotency_keys() == 2


# -- wallets and history ------------------------------------------------------------------------
def test_opening_a_wallet_twice_opens_one():
    b = books()
    assert b.payments.open_wallet(b.alice, uuid.uuid4()) is False
    assert len(b.payments.wallets(b.alice)) == 1


def test_a_customer_sees_only_their_own_wallet():
    b = books()
    assert b.payments.wallet(b.alice, b.alice_wallet).id == b.alice_wallet
    with pytest.raises(NotFound):
        b.payments.wallet(b.alice, b.bob_wallet)
    assert b.payments.wallet(b.checker, b.bob_wallet).id == b.bob_wallet  # staff see all


def test_a_transaction_is_seen_by_its_parties_and_staff_only():
    b = books()
    b.fund()
    sent = uuid.UUID(b.send("10.00").data["id"])
    assert b.payments.transaction(b.bob, sent).transaction.id == sent
    assert b.payments.transaction(b.checker, sent).transaction.id == sent
    stranger = uuid.uuid4()
    b.grants[stranger] = CUSTOMER
    with pytest.raises(NotFound):
        b.payments.transaction(stranger, sent)


def test_a_customers_history_holds_only_their_wallets_movements():
    b = books()
    b.fund()
    b.send("10.00")
    assert [
        v.transaction.type for v in b.payments.transactions(b.bob, TransactionFilter(), after=None, limit=10)
    ] == ["transfer"]
    assert len(b.payments.transactions(b.checker, TransactionFilter(), after=None, limit=10)) == 2


# -- integrity ----------------------------------------------------------------------------------
def test_balanced_books_raise_nothing():
    b = books()
    b.fund()
    assert b.payments.check_integrity().ok
    assert b.uow.committed_events == []


def test_unbalanced_books_publish_an_event_and_an_audit_entry_together():
    b = books()
    b.ledger.trial_balance = lambda: TrialBalance({"NAD": Decimal("0.01")}, [])  # type: ignore[method-assign]
    found = b.payments.check_integrity()
    assert not found.ok and found.unbalanced_currencies == ["NAD"]
    (event,) = b.uow.committed_events
    assert isinstance(event, LedgerIntegrityFailed) and event.unbalanced_currencies == ["NAD"]
    assert b.uow.committed_audit[-1].action == "ledger.integrity_failed"


def test_ledger_reports_are_for_staff():
    b = books()
    with pytest.raises(AccessDenied):
        b.payments.trial_balance(b.alice)
    assert b.payments.verify(b.checker).ok


# -- what a customer sees: direction, counterparty, signed amount --------------------------------
def test_a_transfer_is_out_for_the_payer_in_for_the_payee_and_neither_for_staff():
    b = books(fee_settings())
    b.fund()
    sent = uuid.UUID(b.send("10.00").data["id"])
    payer, payee = b.payments.transaction(b.alice, sent), b.payments.transaction(b.bob, sent)
    staff = b.payments.transaction(b.checker, sent)
    assert (payer.direction, payer.signed_amount) == ("out", Decimal("-10.60"))  # amount + 1% + 0.50
    assert payer.counterparty is not None and payer.counterparty.id == b.bob_wallet
    assert payer.counterparty.kind == "wallet"
    assert payer.counterparty.address == b.ledger.addresses[b.bob_wallet]
    assert (payee.direction, payee.signed_amount) == ("in", Decimal("10.00"))
    assert payee.counterparty is not None and payee.counterparty.id == b.alice_wallet
    assert (staff.direction, staff.counterparty, staff.signed_amount) == (None, None, None)


def test_a_deposit_comes_in_from_the_clearing_account_which_has_no_address():
    b = books()
    b.fund("25.00")
    (view,) = b.payments.transactions(b.alice, TransactionFilter(), after=None, limit=10)
    assert (view.direction, view.signed_amount) == ("in", Decimal("25.00"))
    assert view.counterparty is not None
    assert (view.counterparty.kind, view.counterparty.address) == ("clearing", None)


# -- top-ups --------------------------------------------------------------------------------------
def top_up(b: Books, amount: str = "300.00", *, key: str = "top-1", reference: str = "EFT-123456", **extra):
    return b.payments.top_up(
        extra.pop("caller", b.alice),
        key=key,
        body={"amount": amount, "external_reference": reference},
        wallet_id=extra.pop("wallet_id", b.alice_wallet),
        amount=Money.of(amount, extra.pop("currency", "NAD")),
        external_reference=reference,
    )


def test_a_pending_top_up_changes_no_balance_until_staff_approve_it_once():
    b = books()
    made = top_up(b)
    pending = uuid.UUID(made.data["id"])
    assert (made.status_code, made.data["status"], made.data["type"]) == (201, "pending_approval", "deposit")
    assert b.ledger.balance(b.alice_wallet) == (Decimal("0"), Decimal("0"))
    assert b.ledger.balance(b.ledger.system_account("clearing", "NAD")) == (Decimal("0"), Decimal("0"))
    decided = b.payments.decide(b.checker, pending, approve=True, reason="seen at the bank")
    assert decided.status == "completed"
    assert b.ledger.balance(b.alice_wallet) == (Decimal("300.00"), Decimal("0"))
    with pytest.raises(Conflict):
        b.payments.decide(b.teller, pending, approve=True, reason=None)
    assert b.ledger.balance(b.alice_wallet) == (Decimal("300.00"), Decimal("0"))
    actions = [a.action for a in b.uow.committed_audit]
    assert actions[-2:] == ["deposit.top_up_requested", "deposit.approved"]


def test_a_top_up_replays_under_its_key_and_a_reference_is_taken_once():
    b = books()
    first = top_up(b)
    again = top_up(b)
    assert again.replayed and again.data == first.data
    assert len([t for t in b.ledger.records.values() if t.type == "deposit"]) == 1
    with pytest.raises(IdempotencyKeyReused):
        top_up(b, "301.00")
    with pytest.raises(DuplicateExternalReference):
        top_up(b, key="top-2", reference=" eft-123456 ")


def test_a_customer_tops_up_only_their_own_wallet_in_its_currency():
    b = books()
    with pytest.raises(NotFound):
        top_up(b, wallet_id=b.bob_wallet)
    with pytest.raises(CurrencyMismatch):
        top_up(b, currency="USD")
    with pytest.raises(IdempotencyKeyRequired):
        top_up(b, key="")
    with pytest.raises(InvalidMoney) as refused:
        top_up(b, "10.001")
    assert refused.value.details == [
        {"field": "amount", "message": "NAD amounts have at most 2 decimal places"}
    ]
    assert b.ledger.records == {}


def test_the_initiator_of_a_top_up_cannot_approve_it():
    b = books()
    b.grants[b.alice] = STAFF
    pending = uuid.UUID(top_up(b).data["id"])
    with pytest.raises(SegregationOfDuties):
        b.payments.decide(b.alice, pending, approve=True, reason=None)


# -- the initiator is told of a decision ---------------------------------------------------------
def test_a_decision_event_names_the_initiator_for_their_event_feed():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    pending = pending_transfer(b)
    b.payments.decide(b.checker, pending, approve=False, reason="Payee not verified")
    (event,) = [e for e in b.uow.committed_events if isinstance(e, TransactionDecided)]
    assert (event.user_id, event.status, event.decided_by) == (b.alice, "rejected", b.checker)
    assert (event.type, event.amount, event.currency) == ("transfer", Decimal("100.00"), "NAD")
    payload = event.to_payload()
    assert payload["user_id"] == str(b.alice)
    assert TransactionDecided.from_payload(payload) == event


def test_an_expired_movement_tells_its_initiator_too():
    b = books(PaymentSettings(thresholds=ApprovalThresholds(transfers={"NAD": Decimal("50")})))
    pending_transfer(b)
    b.payments._approvals._clock.at = NOW + timedelta(hours=73)
    assert b.payments.expire_pending() == 1
    (event,) = [e for e in b.uow.committed_events if isinstance(e, TransactionDecided)]
    assert (event.user_id, event.status, event.decided_by) == (b.alice, "expired", None)
