"""Ownership transfers: the owner offers a vehicle, the recipient accepts or declines, the
offerer cancels; staff force a transfer at once, with a reason.

Every change of ownership happens under the vehicle's row lock, in one transaction with the
offer's new status, the ownership periods, the token account's new owner and the audit
entry: two concurrent accepts or forces cannot both win. The transfer aggregate checks each
move and records its events; the unit of work stores and publishes them at commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from elcorp.governance.application.api import AccessControl, Grants
from elcorp.payments.application.vehicle_access import TRANSFER, actor, normalised, staff, visible
from elcorp.payments.application.vehicle_ports import (
    ActiveUsers,
    Vehicle,
    VehicleOffer,
    VehicleSummary,
    VehiclesUnitOfWork,
)
from elcorp.payments.domain.vehicle_ownership import (
    OwnershipTransfer,
    TransferAlreadyOpen,
    TransferDecision,
    TransferStatus,
    check_recipient,
    forced_reason,
)
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import AccessDenied, NotFound
from elcorp.shared.domain.ids import new_id

SUPERSEDED = "superseded by a forced transfer"


def transfer_facts(transfer: OwnershipTransfer) -> dict[str, Any]:
    """A transfer as its audit entries record it."""
    return {
        "transfer_id": str(transfer.id),
        "status": transfer.status.value,
        "from_owner_id": str(transfer.from_owner_id),
        "to_user_id": str(transfer.to_user_id),
    }


class Transfers:
    def __init__(
        self,
        uow: Callable[[], VehiclesUnitOfWork],
        access: AccessControl,
        users: ActiveUsers,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._clock = clock

    def offer(
        self,
        caller: uuid.UUID,
        identifier: str,
        to_user_id: uuid.UUID,
        *,
        force: bool = False,
        reason: str | None = None,
    ) -> VehicleOffer:
        """The owner offers the vehicle to another active user; with `force`, staff move it
        at once (reason mandatory), superseding any open offer."""
        grants = self._access.require(caller, TRANSFER)
        if force:
            if not staff(grants, TRANSFER):
                raise AccessDenied("Only staff force an ownership transfer")
            forced_reason(reason)  # before any lock is taken
        active = to_user_id in self._users.active_among([to_user_id])
        with self._uow() as uow:
            vehicle = visible(uow, caller, grants, identifier, lock=True, read=TRANSFER)
            check_recipient(vehicle.owner_id, to_user_id, active=active)
            if force:
                made = self._force(uow, actor(caller, grants), caller, vehicle, to_user_id, reason)
            else:
                made = self._open_offer(uow, actor(caller, grants), caller, vehicle, to_user_id, reason)
            uow.commit()
        return VehicleOffer(made, VehicleSummary.of(vehicle))

    def _open_offer(
        self,
        uow: VehiclesUnitOfWork,
        by: Actor,
        caller: uuid.UUID,
        vehicle: Vehicle,
        to_user_id: uuid.UUID,
        note: str | None,
    ) -> OwnershipTransfer:
        made = OwnershipTransfer.offer(
            new_id(),
            vehicle_id=vehicle.id,
            owner_id=vehicle.owner_id,
            to_user_id=to_user_id,
            offered_by=caller,
            note=note,
            at=self._clock.now(),
        )
        pending = uow.transfers.open_for(vehicle.id)
        if pending is not None:
            raise TransferAlreadyOpen(details={"transfer_id": str(pending.id)})
        uow.transfers.add(made)
        uow.audit.record(
            "vehicle.transfer_offered",
            by,
            Resource("vehicle", str(vehicle.id)),
            Changes(after=transfer_facts(made)),
            note,
        )
        return made

    def _force(
        self,
        uow: VehiclesUnitOfWork,
        by: Actor,
        caller: uuid.UUID,
        vehicle: Vehicle,
        to_user_id: uuid.UUID,
        reason: str | None,
    ) -> OwnershipTransfer:
        resource = Resource("vehicle", str(vehicle.id))
        now = self._clock.now()
        pending = uow.transfers.open_for(vehicle.id)
        if pending is not None:  # superseded: cancelled in the same transaction, and audited
            pending.supersede(caller, at=now)
            before = {"status": TransferStatus.OPEN.value}
            uow.audit.record(
                "vehicle.transfer_cancelled",
                by,
                resource,
                Changes(before=before, after=transfer_facts(pending)),
                SUPERSEDED,
            )
        made = OwnershipTransfer.force(
            new_id(),
            vehicle_id=vehicle.id,
            owner_id=vehicle.owner_id,
            to_user_id=to_user_id,
            by=caller,
            reason=reason,
            at=now,
        )
        uow.transfers.add(made)
        moved_at = uow.vehicles.change_owner(vehicle.id, to_user_id, made.id)
        made.handed_over(account_id=vehicle.account_id, at=moved_at)
        uow.audit.record(
            "vehicle.transfer_forced",
            by,
            resource,
            Changes(
                before={"owner_id": str(vehicle.owner_id)},
                after={**transfer_facts(made), "owner_id": str(to_user_id), "moved_at": moved_at},
            ),
            made.reason,
        )
        return made

    def decide(
        self, caller: uuid.UUID, identifier: str, transfer_id: uuid.UUID, decision: TransferDecision
    ) -> VehicleOffer:
        """The recipient accepts (ownership and token account move) or declines an open
        offer; the offerer cancels it."""
        grants = self._access.require(caller, TRANSFER)
        with self._uow() as uow:
            vehicle, transfer = self._offer_of(uow, caller, grants, identifier, transfer_id)
            status = transfer.decide(decision, caller, owner_id=vehicle.owner_id, at=self._clock.now())
            after: dict[str, Any] = transfer_facts(transfer)
            before: dict[str, Any] = {"status": TransferStatus.OPEN.value}
            if decision is TransferDecision.ACCEPT:
                moved_at = uow.vehicles.change_owner(vehicle.id, transfer.to_user_id, transfer.id)
                transfer.handed_over(account_id=vehicle.account_id, at=moved_at)
                before["owner_id"], after["owner_id"] = str(vehicle.owner_id), str(transfer.to_user_id)
                after["moved_at"] = moved_at
            uow.audit.record(
                f"vehicle.transfer_{status.value}",
                actor(caller, grants),
                Resource("vehicle", str(vehicle.id)),
                Changes(before=before, after=after),
            )
            uow.commit()
        return VehicleOffer(transfer, VehicleSummary.of(vehicle))

    @staticmethod
    def _offer_of(
        uow: VehiclesUnitOfWork, caller: uuid.UUID, grants: Grants, identifier: str, transfer_id: uuid.UUID
    ) -> tuple[Vehicle, OwnershipTransfer]:
        """The vehicle (under its lock) and its offer, if the caller is a party to the offer,
        the vehicle's owner or staff; anyone else: 404."""
        vehicle = uow.vehicles.by_identifier(normalised(identifier), lock=True)
        transfer = None if vehicle is None else uow.transfers.get(vehicle.id, transfer_id)
        if (
            vehicle is None
            or transfer is None
            or not (transfer.involves(caller) or vehicle.owner_id == caller or staff(grants, TRANSFER))
        ):
            raise NotFound("Ownership offer not found")
        return vehicle, transfer
