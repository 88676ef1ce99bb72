"""Ownership transfer rules (payments/domain/vehicle_ownership.py): who may offer, accept,
decline and cancel, to whom, and only while the offer is open."""

from __future__ import annotations

import uuid

import pytest

from elcorp.payments.domain.vehicle_ownership import (
    AlreadyTheOwner,
    ForceReasonRequired,
    RecipientNotActive,
    TransferDecision,
    TransferNotOpen,
    TransferStatus,
    check_decision,
    check_offerer,
    check_recipient,
    forced_reason,
)
from elcorp.shared.domain.errors import AccessDenied

OWNER, BUYER, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def decide(decision: TransferDecision, caller: uuid.UUID, status: TransferStatus = TransferStatus.OPEN):
    return check_decision(decision, status=status, offered_by=OWNER, to_user_id=BUYER, caller=caller)


@pytest.mark.parametrize(
    ("decision", "caller", "outcome"),
    [
        (TransferDecision.ACCEPT, BUYER, TransferStatus.ACCEPTED),
        (TransferDecision.DECLINE, BUYER, TransferStatus.DECLINED),
        (TransferDecision.CANCEL, OWNER, TransferStatus.CANCELLED),
    ],
)
def test_the_recipient_accepts_or_declines_and_the_offerer_cancels(decision, caller, outcome):
    assert decide(decision, caller) is outcome


@pytest.mark.parametrize(
    ("decision", "caller"),
    [
        (TransferDecision.ACCEPT, OWNER),
        (TransferDecision.DECLINE, OTHER),
        (TransferDecision.CANCEL, BUYER),
    ],
)
def test_nobody_else_decides(decision, caller):
    with pytest.raises(AccessDenied):
        decide(decision, caller)


@pytest.mark.parametrize(
    "status",
    [TransferStatus.ACCEPTED, TransferStatus.DECLINED, TransferStatus.CANCELLED, TransferStatus.FORCED],
)
def test_an_offer_is_decided_once(status):
    with pytest.raises(TransferNotOpen) as refused:
        decide(TransferDecision.ACCEPT, BUYER, status)
    assert str(refused.value.code) == "VEH_007"


def test_an_offer_goes_to_an_active_user_other_than_the_owner():
    check_recipient(OWNER, BUYER, active=True)
    with pytest.raises(AlreadyTheOwner):
        check_recipient(OWNER, OWNER, active=True)
    with pytest.raises(RecipientNotActive):
        check_recipient(OWNER, BUYER, active=False)


def test_only_the_owner_offers():
    check_offerer(OWNER, OWNER)
    with pytest.raises(AccessDenied):
        check_offerer(OWNER, OTHER)


@pytest.mark.parametrize("reason", [None, "", "  \t"])
def test_a_forced_transfer_needs_a_reason(reason):
    with pytest.raises(ForceReasonRequired) as refused:
        forced_reason(reason)
    assert refused.value.details == [{"field": "reason", "message": "required when force is true"}]


def test_a_forced_transfers_reason_is_kept_without_surrounding_spaces():
    assert forced_reason("  court order 114 ") == "court order 114"
