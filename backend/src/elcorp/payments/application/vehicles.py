"""VIN registry use cases: register a vehicle, read it and its ownership history, offer it
to another user, accept / decline / cancel the offer, and (staff) force a transfer.

Every change of ownership happens under the vehicle's row lock, in one transaction with the
offer's new status, the ownership periods, the token account's new owner and the audit
entry: two concurrent accepts or forces cannot both win. Reads are object-level: a vehicle
is visible to its owner, to staff (`vehicle:read` at scope `all`) and to the parties of an
offer of it; anyone else gets 404, never 403, so identifiers cannot be probed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from elcorp.governance.application.api import AccessControl, Grants, Scope
from elcorp.payments.application.vehicle_ports import (
    ActiveUsers,
    NewVehicle,
    OwnershipPeriod,
    OwnershipTransfer,
    Vehicle,
    VehicleDetails,
    VehiclesUnitOfWork,
    VinDecoder,
)
from elcorp.payments.domain.vehicle_ownership import (
    TransferAlreadyOpen,
    TransferDecision,
    TransferNotOpen,
    TransferStatus,
    VehicleAlreadyRegistered,
    VehicleOwnershipChanged,
    VehicleTransferOffered,
    check_decision,
    check_offerer,
    check_recipient,
    forced_reason,
)
from elcorp.payments.domain.vehicles import IdentifierType, VehicleIdentifier, parse_chassis_number, parse_vin
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import WINDHOEK, Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, NotFound, ValidationFailed
from elcorp.shared.domain.ids import new_id

REGISTER, READ, TRANSFER = "vehicle:register", "vehicle:read", "vehicle:transfer"
SUPERSEDED = "superseded by a forced transfer"


def identifier_of(vin: str | None, chassis_number: str | None) -> VehicleIdentifier:
    """Exactly one of a VIN or a chassis number, checked by its own rules."""
    if (vin is None) == (chassis_number is None):
        raise ValidationFailed(
            "Give exactly one of vin or chassis_number",
            details=[{"field": "body", "message": "give exactly one of vin or chassis_number"}],
        )
    return parse_vin(vin) if vin is not None else parse_chassis_number(chassis_number or "")


def normalised(identifier: str) -> str:
    """A VIN or chassis number as paths give it: case and surrounding spaces forgiven."""
    return identifier.strip().upper()


class VehicleRegistry:
    def __init__(
        self,
        uow: Callable[[], VehiclesUnitOfWork],
        access: AccessControl,
        users: ActiveUsers,
        decoder: VinDecoder,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._decode = decoder
        self._clock = clock or SystemClock()

    # -- registration ----------------------------------------------------------------------
    def register(
        self,
        caller: uuid.UUID,
        *,
        vin: str | None,
        chassis_number: str | None,
        details: VehicleDetails,
    ) -> Vehicle:
        """Register a vehicle by VIN or chassis number; the caller becomes its first owner
        and the owner of its token account."""
        grants = self._access.require(caller, REGISTER)
        identifier = identifier_of(vin, chassis_number)
        manufacturer = country = model_year = None
        if identifier.type is IdentifierType.VIN:
            facts = self._decode(identifier.value, this_year=self._clock.now().astimezone(WINDHOEK).year)
            manufacturer, country, model_year = facts.manufacturer, facts.country, facts.model_year
        with self._uow() as uow:
            registered = uow.vehicles.register(
                NewVehicle(
                    id=new_id(),
                    identifier=identifier.value,
                    identifier_type=identifier.type,
                    check_digit_valid=identifier.check_digit_valid,
                    manufacturer=manufacturer,
                    country=country,
                    model_year=model_year,
                    details=details,
                    owner_id=caller,
                    registered_by=caller,
                )
            )
            if registered is None:
                raise VehicleAlreadyRegistered(
                    details=[{"field": identifier.type.value, "message": "already registered"}]
                )
            uow.audit.record(
                "vehicle.registered",
                self._actor(caller, grants),
                Resource("vehicle", str(registered.id)),
                Changes(
                    after={
                        "identifier": registered.identifier,
                        "identifier_type": registered.identifier_type.value,
                        "check_digit_valid": registered.check_digit_valid,
                        "owner_id": str(registered.owner_id),
                        "account_id": str(registered.account_id),
                    }
                ),
            )
            uow.commit()
        return registered

    # -- reads -----------------------------------------------------------------------------
    def vehicles(
        self, caller: uuid.UUID, page: PageRequest, *, owner_id: uuid.UUID | None = None
    ) -> Page[Vehicle]:
        """The caller's vehicles; staff see every vehicle, or one owner's with `owner_id`."""
        grants = self._access.require(caller, READ)
        owner = owner_id if self._staff(grants, READ) else caller
        with self._uow() as uow:
            found, total = uow.vehicles.search(owner, offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total)

    def vehicle(self, caller: uuid.UUID, identifier: str) -> Vehicle:
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            return self._visible(uow, caller, grants, identifier)

    def history(self, caller: uuid.UUID, identifier: str) -> tuple[Vehicle, list[OwnershipPeriod]]:
        """The vehicle and its ownership periods, oldest first."""
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            found = self._visible(uow, caller, grants, identifier)
            return found, uow.vehicles.history(found.id)

    def transfers(self, caller: uuid.UUID, identifier: str) -> list[OwnershipTransfer]:
        """The vehicle's offers and forced transfers, oldest first: all of them for its
        owner and staff, those they are a party to for anyone else who may see it."""
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            found = self._visible(uow, caller, grants, identifier)
            every = uow.vehicles.transfers(found.id)
        if found.owner_id == caller or self._staff(grants, READ):
            return every
        return [t for t in every if t.involves(caller)]

    # -- ownership transfers ---------------------------------------------------------------
    def offer(
        self,
        caller: uuid.UUID,
        identifier: str,
        to_user_id: uuid.UUID,
        *,
        force: bool = False,
        reason: str | None = None,
    ) -> OwnershipTransfer:
        """The owner offers the vehicle to another active user; with `force`, staff move it
        at once (reason mandatory), superseding any open offer."""
        grants = self._access.require(caller, TRANSFER)
        if force:
            if not self._staff(grants, TRANSFER):
                raise AccessDenied("Only staff force an ownership transfer")
            forced_reason(reason)  # before any lock is taken
        active = to_user_id in self._users.active_among([to_user_id])
        with self._uow() as uow:
            vehicle = self._visible(uow, caller, grants, identifier, lock=True, read=TRANSFER)
            check_recipient(vehicle.owner_id, to_user_id, active=active)
            actor = self._actor(caller, grants)
            if force:
                made = self._force(uow, actor, caller, vehicle, to_user_id, forced_reason(reason))
            else:
                made = self._open_offer(uow, actor, caller, vehicle, to_user_id, reason)
            uow.commit()
        return made

    @staticmethod
    def _open_offer(
        uow: VehiclesUnitOfWork,
        actor: Actor,
        caller: uuid.UUID,
        vehicle: Vehicle,
        to_user_id: uuid.UUID,
        note: str | None,
    ) -> OwnershipTransfer:
        check_offerer(vehicle.owner_id, caller)
        pending = uow.vehicles.open_transfer(vehicle.id)
        if pending is not None:
            raise TransferAlreadyOpen(details={"transfer_id": str(pending.id)})
        made = uow.vehicles.add_transfer(
            vehicle.id,
            from_owner_id=vehicle.owner_id,
            to_user_id=to_user_id,
            status=TransferStatus.OPEN,
            offered_by=caller,
            reason=note,
        )
        uow.audit.record(
            "vehicle.transfer_offered",
            actor,
            Resource("vehicle", str(vehicle.id)),
            Changes(after=_transfer_facts(made)),
            note,
        )
        uow.publish(
            VehicleTransferOffered(
                vehicle_id=vehicle.id,
                transfer_id=made.id,
                from_owner_id=made.from_owner_id,
                to_user_id=made.to_user_id,
            )
        )
        return made

    @staticmethod
    def _force(
        uow: VehiclesUnitOfWork,
        actor: Actor,
        caller: uuid.UUID,
        vehicle: Vehicle,
        to_user_id: uuid.UUID,
        reason: str,
    ) -> OwnershipTransfer:
        resource = Resource("vehicle", str(vehicle.id))
        pending = uow.vehicles.open_transfer(vehicle.id)
        if pending is not None:  # superseded: cancelled in the same transaction, and audited
            cancelled = uow.vehicles.close_transfer(pending.id, TransferStatus.CANCELLED, caller)
            uow.audit.record(
                "vehicle.transfer_cancelled",
                actor,
                resource,
                Changes(before={"status": TransferStatus.OPEN.value}, after=_transfer_facts(cancelled)),
                SUPERSEDED,
            )
        made = uow.vehicles.add_transfer(
            vehicle.id,
            from_owner_id=vehicle.owner_id,
            to_user_id=to_user_id,
            status=TransferStatus.FORCED,
            offered_by=caller,
            reason=reason,
        )
        moved_at = uow.vehicles.change_owner(vehicle.id, to_user_id, made.id)
        uow.audit.record(
            "vehicle.transfer_forced",
            actor,
            resource,
            Changes(
                before={"owner_id": str(vehicle.owner_id)},
                after={**_transfer_facts(made), "owner_id": str(to_user_id), "moved_at": moved_at},
            ),
            reason,
        )
        uow.publish(_ownership_changed(vehicle, made, moved_at))
        return made

    def decide(
        self, caller: uuid.UUID, identifier: str, transfer_id: uuid.UUID, decision: TransferDecision
    ) -> OwnershipTransfer:
        """The recipient accepts (ownership and token account move) or declines an open
        offer; the offerer cancels it."""
        grants = self._access.require(caller, TRANSFER)
        with self._uow() as uow:
            vehicle = uow.vehicles.by_identifier(normalised(identifier), lock=True)
            transfer = None if vehicle is None else uow.vehicles.transfer(vehicle.id, transfer_id)
            if (
                vehicle is None
                or transfer is None
                or not (
                    transfer.involves(caller) or vehicle.owner_id == caller or self._staff(grants, TRANSFER)
                )
            ):
                raise NotFound("Ownership offer not found")
            status = check_decision(
                decision,
                status=transfer.status,
                offered_by=transfer.offered_by,
                to_user_id=transfer.to_user_id,
                caller=caller,
            )
            if transfer.from_owner_id != vehicle.owner_id:  # kept so by `offer`; checked all the same
                raise TransferNotOpen("The vehicle changed hands since this offer was made")
            decided = uow.vehicles.close_transfer(transfer.id, status, caller)
            after: dict[str, Any] = _transfer_facts(decided)
            before: dict[str, Any] = {"status": TransferStatus.OPEN.value}
            if decision is TransferDecision.ACCEPT:
                moved_at = uow.vehicles.change_owner(vehicle.id, transfer.to_user_id, transfer.id)
                before["owner_id"], after["owner_id"] = str(vehicle.owner_id), str(transfer.to_user_id)
                after["moved_at"] = moved_at
                uow.publish(_ownership_changed(vehicle, decided, moved_at))
            uow.audit.record(
                f"vehicle.transfer_{status.value}",
                self._actor(caller, grants),
                Resource("vehicle", str(vehicle.id)),
                Changes(before=before, after=after),
            )
            uow.commit()
        return decided

    # -- helpers ---------------------------------------------------------------------------
    def _visible(
        self,
        uow: VehiclesUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        identifier: str,
        *,
        lock: bool = False,
        read: str = READ,
    ) -> Vehicle:
        """The vehicle, if the caller may see it: its owner, staff, or the recipient of an
        open offer of it. Anyone else: 404, as for an unknown identifier."""
        found = uow.vehicles.by_identifier(normalised(identifier), lock=lock)
        if found is None or not (
            found.owner_id == caller
            or self._staff(grants, read)
            or uow.vehicles.open_transfer_to(caller, found.id)
        ):
            raise NotFound("Vehicle not found")
        return found

    @staticmethod
    def _staff(grants: Grants, permission: str) -> bool:
        """Staff hold the permission at scope `all`; customers hold it `own`."""
        return grants.scope_of(permission) is Scope.ALL

    @staticmethod
    def _actor(caller: uuid.UUID, grants: Grants) -> Actor:
        return Actor(str(caller), tuple(sorted(grants.roles)))


def _transfer_facts(transfer: OwnershipTransfer) -> dict[str, Any]:
    return {
        "transfer_id": str(transfer.id),
        "status": transfer.status.value,
        "from_owner_id": str(transfer.from_owner_id),
        "to_user_id": str(transfer.to_user_id),
    }


def _ownership_changed(
    vehicle: Vehicle, transfer: OwnershipTransfer, at: datetime
) -> VehicleOwnershipChanged:
    return VehicleOwnershipChanged(
        vehicle_id=vehicle.id,
        transfer_id=transfer.id,
        previous_owner_id=vehicle.owner_id,
        owner_id=transfer.to_user_id,
        account_id=vehicle.account_id,
        forced=transfer.status is TransferStatus.FORCED,
        changed_at=at,
    )
