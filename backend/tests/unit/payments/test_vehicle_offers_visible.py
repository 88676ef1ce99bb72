"""A vehicle offer its recipient can see: the caller's own offers (incoming and outgoing,
by status) through `VehicleRegistry.offers_of`, and the recipient's mail when an offer is
made (payments/application/vehicle_mail.py), over in-memory fakes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from elcorp.payments.application.vehicle_mail import VehicleOfferMailer
from elcorp.payments.application.vehicle_ports import Direction
from elcorp.payments.domain.vehicle_ownership import TransferDecision, TransferStatus, VehicleTransferOffered
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.errors import AccessDenied
from support.fakes_invoices import VehicleWorld

PLATE = "SV30-0169266"


@dataclass
class Outbox:
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


@dataclass
class Contacts:
    world: VehicleWorld

    def addresses(self, user_ids) -> dict[uuid.UUID, str]:
        return {u: f"{u}@example.na" for u in user_ids if u in self.world.people.active}


@pytest.fixture
def world() -> VehicleWorld:
    return VehicleWorld()


def mailer_of(world: VehicleWorld, outbox: Outbox) -> VehicleOfferMailer:
    return VehicleOfferMailer(
        lambda: world.uow, Contacts(world), world.people, outbox, "https://elcorp.example/"
    )


def offered_event(world: VehicleWorld) -> VehicleTransferOffered:
    (event,) = [e for e in world.uow.committed_events if isinstance(e, VehicleTransferOffered)]
    return event


def test_the_recipient_sees_an_open_offer_as_incoming_and_the_owner_as_outgoing(world):
    owner, buyer = world.customer("Owner"), world.customer("Buyer")
    world.garage.park(owner)
    made = world.registry.offer(owner, PLATE, buyer).transfer

    incoming = world.registry.offers_of(buyer, direction=Direction.INCOMING)
    assert [(o.transfer.id, o.transfer.status) for o in incoming.items] == [(made.id, TransferStatus.OPEN)]
    assert incoming.items[0].vehicle.chassis_number == PLATE and incoming.total == 1
    assert world.registry.offers_of(buyer, direction=Direction.OUTGOING).items == []
    assert [o.transfer.id for o in world.registry.offers_of(owner, direction=Direction.OUTGOING).items] == [
        made.id
    ]
    assert world.registry.offers_of(owner, direction=Direction.INCOMING).items == []
    assert [o.transfer.id for o in world.registry.offers_of(owner).items] == [made.id]  # both directions


def test_an_unrelated_user_and_staff_see_none_of_other_peoples_offers(world):
    owner, buyer, staff = world.customer("Owner"), world.customer("Buyer"), world.staff()
    world.garage.park(owner)
    world.registry.offer(owner, PLATE, buyer)
    assert world.registry.offers_of(world.customer("Stranger")).items == []
    assert world.registry.offers_of(staff).total == 0  # staff read others' offers per vehicle


def test_offers_filter_by_status_and_page_newest_first(world):
    owner, buyer = world.customer("Owner"), world.customer("Buyer")
    world.garage.park(owner)
    first = world.registry.offer(owner, PLATE, buyer).transfer
    world.registry.decide(buyer, PLATE, first.id, TransferDecision.DECLINE)
    world.clock.advance(60)
    second = world.registry.offer(owner, PLATE, buyer).transfer

    assert [o.transfer.id for o in world.registry.offers_of(buyer).items] == [second.id, first.id]
    declined = world.registry.offers_of(buyer, status=TransferStatus.DECLINED)
    assert [o.transfer.id for o in declined.items] == [first.id]
    one = world.registry.offers_of(buyer, PageRequest(per_page=1))
    assert ([o.transfer.id for o in one.items], one.has_more) == ([second.id], True)
    rest = world.registry.offers_of(buyer, PageRequest(per_page=1, start=1))
    assert ([o.transfer.id for o in rest.items], rest.has_more) == ([first.id], False)


def test_reading_ones_offers_needs_vehicle_read(world):
    nobody = world.people.add("No Roles")
    with pytest.raises(AccessDenied):
        world.registry.offers_of(nobody)


def test_the_recipient_is_mailed_the_offer_with_the_routes_to_answer_it(world):
    owner, buyer = world.customer("Tangeni Amutenya"), world.customer("Buyer")
    world.garage.park(owner)
    made = world.registry.offer(owner, PLATE, buyer).transfer
    outbox = Outbox()
    mailer_of(world, outbox).on_transfer_offered(offered_event(world))

    ((to, subject, body),) = outbox.sent
    assert to == f"{buyer}@example.na"
    assert subject == f"Vehicle offered to you: chassis number {PLATE}"
    offer_url = f"https://elcorp.example/api/v1/vehicles/{PLATE}/transfers/{made.id}"
    assert "Tangeni Amutenya offers you" in body
    assert f"POST {offer_url}/accept" in body and f"POST {offer_url}/decline" in body
    assert "GET https://elcorp.example/api/v1/me/vehicle-transfers?direction=incoming" in body
    assert all(to != f"{owner}@example.na" for to, _, _ in outbox.sent)


def test_an_offer_withdrawn_before_the_worker_ran_mails_nobody(world):
    owner, buyer = world.customer("Owner"), world.customer("Buyer")
    world.garage.park(owner)
    made = world.registry.offer(owner, PLATE, buyer).transfer
    event = offered_event(world)
    world.registry.decide(owner, PLATE, made.id, TransferDecision.CANCEL)
    outbox = Outbox()
    mailer_of(world, outbox).on_transfer_offered(event)
    assert outbox.sent == []
