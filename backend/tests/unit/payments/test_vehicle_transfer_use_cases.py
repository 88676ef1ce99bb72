"""Vehicle ownership transfer use cases (payments/application/vehicle_transfers.py and
vehicle_registration.py's reads) over in-memory fakes: events published at commit, audit
entries, and who may see or decide what."""

from __future__ import annotations

import uuid

import pytest

from elcorp.payments.domain.vehicle_ownership import (
    AlreadyTheOwner,
    RecipientNotActive,
    TransferAlreadyOpen,
    TransferDecision,
    TransferStatus,
    VehicleOwnershipChanged,
    VehicleTransferOffered,
)
from elcorp.shared.domain.errors import AccessDenied, NotFound
from support.fakes_invoices import VehicleWorld

PLATE = "SV30-0169266"


@pytest.fixture
def world() -> VehicleWorld:
    return VehicleWorld()


def test_an_offer_is_stored_open_audited_and_published(world):
    owner, buyer = world.customer(), world.customer("Buyer")
    vehicle = world.garage.park(owner)
    made = world.registry.offer(owner, PLATE.lower(), buyer, reason="Sold").transfer
    assert world.garage.transfers[made.id].status is TransferStatus.OPEN
    [event] = world.uow.committed_events
    assert isinstance(event, VehicleTransferOffered) and event.vehicle_id == vehicle.id
    [entry] = world.uow.committed_audit
    assert (entry.action, entry.reason, entry.changes.after["status"]) == (
        "vehicle.transfer_offered",
        "Sold",
        "open",
    )


def test_one_open_offer_per_vehicle(world):
    owner = world.customer()
    world.garage.park(owner)
    first = world.registry.offer(owner, PLATE, world.customer("Buyer")).transfer
    with pytest.raises(TransferAlreadyOpen) as refused:
        world.registry.offer(owner, PLATE, world.customer("Another Buyer"))
    assert refused.value.details == {"transfer_id": str(first.id)}
    assert len(world.garage.transfers) == 1 and len(world.uow.committed_events) == 1


def test_nobody_is_offered_their_own_vehicle_nor_an_inactive_user_one(world):
    owner = world.customer()
    world.garage.park(owner)
    with pytest.raises(AlreadyTheOwner):
        world.registry.offer(owner, PLATE, owner)
    with pytest.raises(RecipientNotActive):
        world.registry.offer(owner, PLATE, uuid.uuid4())


def test_accepting_moves_the_vehicle_and_publishes_the_change_of_hands(world):
    owner, buyer = world.customer(), world.customer("Buyer")
    vehicle = world.garage.park(owner)
    offer = world.registry.offer(owner, PLATE, buyer).transfer
    accepted = world.registry.decide(buyer, PLATE, offer.id, TransferDecision.ACCEPT).transfer
    assert accepted.status is TransferStatus.ACCEPTED and world.garage.vehicles[vehicle.id].owner_id == buyer
    changed = world.uow.committed_events[-1]
    assert isinstance(changed, VehicleOwnershipChanged)
    assert (changed.previous_owner_id, changed.owner_id, changed.account_id, changed.forced) == (
        owner,
        buyer,
        vehicle.account_id,
        False,
    )
    entry = world.uow.committed_audit[-1]
    assert entry.action == "vehicle.transfer_accepted" and entry.changes.before["owner_id"] == str(owner)
    assert [p.owner_id for p in world.registry.history(buyer, PLATE)[1].items] == [owner, buyer]


def test_declining_keeps_the_owner_and_publishes_nothing_more(world):
    owner, buyer = world.customer(), world.customer("Buyer")
    vehicle = world.garage.park(owner)
    offer = world.registry.offer(owner, PLATE, buyer).transfer
    world.registry.decide(buyer, PLATE, offer.id, TransferDecision.DECLINE)
    assert world.garage.vehicles[vehicle.id].owner_id == owner
    assert world.garage.transfers[offer.id].status is TransferStatus.DECLINED
    assert len(world.uow.committed_events) == 1
    assert world.uow.committed_audit[-1].action == "vehicle.transfer_declined"


def test_an_offer_a_stranger_asks_about_is_not_found(world):
    owner, buyer = world.customer(), world.customer("Buyer")
    world.garage.park(owner)
    offer = world.registry.offer(owner, PLATE, buyer).transfer
    with pytest.raises(NotFound):
        world.registry.decide(world.customer("Stranger"), PLATE, offer.id, TransferDecision.ACCEPT)
    with pytest.raises(NotFound):
        world.registry.decide(buyer, PLATE, uuid.uuid4(), TransferDecision.ACCEPT)


def test_staff_force_a_transfer_superseding_the_open_offer(world):
    owner, buyer, heir, staff = (
        world.customer(),
        world.customer("Buyer"),
        world.customer("Heir"),
        world.staff(),
    )
    vehicle = world.garage.park(owner)
    offer = world.registry.offer(owner, PLATE, buyer).transfer
    forced = world.registry.offer(staff, PLATE, heir, force=True, reason=" Estate ").transfer
    assert (forced.status, forced.reason) == (TransferStatus.FORCED, "Estate")
    assert world.garage.transfers[offer.id].status is TransferStatus.CANCELLED
    assert world.garage.vehicles[vehicle.id].owner_id == heir
    assert [e.action for e in world.uow.committed_audit[-2:]] == [
        "vehicle.transfer_cancelled",
        "vehicle.transfer_forced",
    ]
    changed = world.uow.committed_events[-1]
    assert isinstance(changed, VehicleOwnershipChanged) and changed.forced


def test_only_staff_force_a_transfer(world):
    owner = world.customer()
    world.garage.park(owner)
    with pytest.raises(AccessDenied):
        world.registry.offer(owner, PLATE, world.customer("Buyer"), force=True, reason="because")
    assert world.garage.transfers == {}


def test_the_recipient_sees_only_the_offers_they_are_party_to(world):
    owner, buyer, staff = world.customer(), world.customer("Buyer"), world.staff()
    world.garage.park(owner)
    first = world.registry.offer(owner, PLATE, world.customer("First Buyer")).transfer
    world.registry.decide(owner, PLATE, first.id, TransferDecision.CANCEL)
    world.registry.offer(owner, PLATE, buyer)
    assert world.registry.transfers(owner, PLATE).total == 2
    assert world.registry.transfers(staff, PLATE).total == 2
    assert [o.transfer.to_user_id for o in world.registry.transfers(buyer, PLATE).items] == [buyer]
    with pytest.raises(NotFound):
        world.registry.transfers(world.customer("Stranger"), PLATE)
