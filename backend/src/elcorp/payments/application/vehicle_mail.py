"""The recipient's mail about an ownership offer: sent by an outbox handler in the Celery
worker when an owner offers a vehicle, if the offer is still open when the worker runs (one
cancelled or declined in the meantime sends nothing). The body names the vehicle, who offers
it and the routes to look at it and to accept or decline; nothing else."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol

from elcorp.payments.application.vehicle_ports import Vehicle, VehiclesUnitOfWork
from elcorp.payments.domain.vehicle_ownership import TransferStatus, VehicleTransferOffered
from elcorp.shared.application.mail import Contacts, EmailSender

logger = logging.getLogger(__name__)


class Names(Protocol):
    """Identity's public API: display names by user id (unknown ones omitted)."""

    def names(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...


def vehicle_label(found: Vehicle) -> str:
    """`Honda Accord (VIN 1HGCM82633A004352)`; without a make or model, the identifier alone."""
    kind = "VIN" if found.vin is not None else "chassis number"
    words = " ".join(w for w in (found.details.make, found.details.model) if w)
    identifier = f"{kind} {found.identifier}"
    return f"{words} ({identifier})" if words else identifier


@dataclass
class VehicleOfferMailer:
    uow: Callable[[], VehiclesUnitOfWork]
    contacts: Contacts
    people: Names
    sender: EmailSender
    public_base_url: str

    def on_transfer_offered(self, event: VehicleTransferOffered) -> None:
        """Tell the recipient a vehicle is offered to them, and how to accept or decline."""
        with self.uow() as uow:
            transfer = uow.transfers.get(event.vehicle_id, event.transfer_id)
            found = uow.vehicles.by_id(event.vehicle_id)
        if transfer is None or found is None or transfer.status is not TransferStatus.OPEN:
            return
        base = self.public_base_url.rstrip("/") + "/api/v1"
        offer_url = f"{base}/vehicles/{found.identifier}/transfers/{transfer.id}"
        offerer = self.people.names([transfer.from_owner_id]).get(transfer.from_owner_id, "Its owner")
        label = vehicle_label(found)
        body = (
            f"{offerer} offers you the ownership of the vehicle {label} on Elcorp.\n\n"
            "Nothing changes unless you accept; accepting makes you its owner and moves its "
            "token account to you.\n\n"
            f"The offer:  GET {offer_url}\n"
            f"Accept:     POST {offer_url}/accept\n"
            f"Decline:    POST {offer_url}/decline\n"
            f"Your offers: GET {base}/me/vehicle-transfers?direction=incoming\n\n"
            "If you did not expect this offer, decline it or ignore this message.\n"
        )
        for user_id, address in sorted(self.contacts.addresses(frozenset({transfer.to_user_id})).items()):
            self.sender.send(address, f"Vehicle offered to you: {label}", body)
            logger.info("vehicle.transfer_notified user_id=%s transfer_id=%s", user_id, transfer.id)
