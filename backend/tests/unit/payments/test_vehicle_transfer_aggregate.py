"""The ownership transfer aggregate (payments/domain/vehicle_ownership.py): offers,
decisions, forced transfers and the events they record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from elcorp.payments.domain.vehicle_ownership import (
    ForceReasonRequired,
    OwnershipTransfer,
    TransferDecision,
    TransferNotOpen,
    TransferStatus,
    VehicleOwnershipChanged,
    VehicleTransferOffered,
)
from elcorp.shared.domain.errors import AccessDenied
from support.factories.payments import OwnershipTransferFactory

AT = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
OWNER, BUYER, STAFF = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def offered() -> OwnershipTransfer:
    return OwnershipTransferFactory(from_owner_id=OWNER, to_user_id=BUYER)


def test_an_offer_by_the_owner_is_open_and_tells_the_recipient():
    vehicle_id = uuid.uuid4()
    made = OwnershipTransfer.offer(
        uuid.uuid4(),
        vehicle_id=vehicle_id,
        owner_id=OWNER,
        to_user_id=BUYER,
        offered_by=OWNER,
        note="Sold",
        at=AT,
    )
    assert (made.status, made.reason, made.created_at, made.decided_at) == (
        TransferStatus.OPEN,
        "Sold",
        AT,
        None,
    )
    [event] = made.events
    assert isinstance(event, VehicleTransferOffered)
    assert (event.vehicle_id, event.transfer_id, event.from_owner_id, event.to_user_id) == (
        vehicle_id,
        made.id,
        OWNER,
        BUYER,
    )


def test_only_the_owner_offers_their_vehicle():
    with pytest.raises(AccessDenied):
        OwnershipTransfer.offer(
            uuid.uuid4(),
            vehicle_id=uuid.uuid4(),
            owner_id=OWNER,
            to_user_id=BUYER,
            offered_by=STAFF,
            note=None,
            at=AT,
        )


def test_a_forced_transfer_is_decided_as_it_is_made_with_its_reason_trimmed():
    made = OwnershipTransfer.force(
        uuid.uuid4(),
        vehicle_id=uuid.uuid4(),
        owner_id=OWNER,
        to_user_id=BUYER,
        by=STAFF,
        reason="  Court order ",
        at=AT,
    )
    assert (made.status, made.reason, made.decided_by, made.decided_at) == (
        TransferStatus.FORCED,
        "Court order",
        STAFF,
        AT,
    )
    assert made.events == []  # the change of hands is recorded once the vehicle moved


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_forced_transfer_needs_a_reason(reason):
    with pytest.raises(ForceReasonRequired):
        OwnershipTransfer.force(
            uuid.uuid4(),
            vehicle_id=uuid.uuid4(),
            owner_id=OWNER,
            to_user_id=BUYER,
            by=STAFF,
            reason=reason,
            at=AT,
        )


@pytest.mark.parametrize(
    ("decide", "caller", "outcome"),
    [
        (OwnershipTransfer.accept, BUYER, TransferStatus.ACCEPTED),
        (OwnershipTransfer.decline, BUYER, TransferStatus.DECLINED),
        (OwnershipTransfer.cancel, OWNER, TransferStatus.CANCELLED),
    ],
)
def test_a_decision_closes_the_offer_by_whom_and_when(decide, caller, outcome):
    transfer = offered()
    decide(transfer, caller, owner_id=OWNER, at=AT)
    assert (transfer.status, transfer.decided_by, transfer.decided_at) == (outcome, caller, AT)


@pytest.mark.parametrize(
    ("decision", "caller"),
    [(TransferDecision.ACCEPT, OWNER), (TransferDecision.DECLINE, STAFF), (TransferDecision.CANCEL, BUYER)],
)
def test_the_wrong_party_changes_nothing(decision, caller):
    transfer = offered()
    with pytest.raises(AccessDenied):
        transfer.decide(decision, caller, owner_id=OWNER, at=AT)
    assert (transfer.status, transfer.decided_by) == (TransferStatus.OPEN, None)


def test_a_decided_offer_is_not_decided_again():
    transfer = offered()
    transfer.decline(BUYER, owner_id=OWNER, at=AT)
    with pytest.raises(TransferNotOpen):
        transfer.accept(BUYER, owner_id=OWNER, at=AT)
    assert transfer.status is TransferStatus.DECLINED


def test_an_offer_lapses_when_the_vehicle_changed_hands_since():
    transfer = offered()
    with pytest.raises(TransferNotOpen, match="changed hands"):
        transfer.accept(BUYER, owner_id=STAFF, at=AT)
    assert transfer.status is TransferStatus.OPEN


def test_a_forced_transfer_supersedes_the_open_offer():
    transfer = offered()
    transfer.supersede(STAFF, at=AT)
    assert (transfer.status, transfer.decided_by) == (TransferStatus.CANCELLED, STAFF)
    with pytest.raises(TransferNotOpen):
        transfer.supersede(STAFF, at=AT)


def test_the_change_of_hands_is_recorded_with_the_token_account():
    transfer, account = offered(), uuid.uuid4()
    transfer.accept(BUYER, owner_id=OWNER, at=AT)
    transfer.handed_over(account_id=account, at=AT)
    [event] = transfer.events
    assert isinstance(event, VehicleOwnershipChanged)
    assert (event.previous_owner_id, event.owner_id, event.account_id, event.forced, event.changed_at) == (
        OWNER,
        BUYER,
        account,
        False,
        AT,
    )


@pytest.mark.parametrize("status", [TransferStatus.OPEN, TransferStatus.DECLINED, TransferStatus.CANCELLED])
def test_only_an_accepted_or_forced_transfer_moves_the_vehicle(status):
    transfer = OwnershipTransferFactory(status=status)
    with pytest.raises(TransferNotOpen):
        transfer.handed_over(account_id=uuid.uuid4(), at=AT)
    assert transfer.events == []


def test_involves_its_parties_only():
    transfer = offered()
    assert transfer.involves(OWNER) and transfer.involves(BUYER) and not transfer.involves(STAFF)
