"""Registering a vehicle, and reading vehicles, their ownership history and transfers."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.vehicle_access import READ, REGISTER, actor, normalised, staff, visible
from elcorp.payments.application.vehicle_ports import (
    Direction,
    NewVehicle,
    OfferFilter,
    OwnershipPeriod,
    Vehicle,
    VehicleDetails,
    VehicleOffer,
    VehicleSummary,
    VehiclesUnitOfWork,
    VinDecoder,
)
from elcorp.payments.domain.vehicle_ownership import TransferStatus, VehicleAlreadyRegistered
from elcorp.payments.domain.vehicles import IdentifierType, VehicleIdentifier, parse_chassis_number, parse_vin
from elcorp.shared.application.audit import Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import WINDHOEK, Clock
from elcorp.shared.domain.errors import NotFound, ValidationFailed
from elcorp.shared.domain.ids import new_id


def identifier_of(vin: str | None, chassis_number: str | None) -> VehicleIdentifier:
    """Exactly one of a VIN or a chassis number, checked by its own rules."""
    if (vin is None) == (chassis_number is None):
        raise ValidationFailed(
            "Give exactly one of vin or chassis_number",
            details=[
                {"field": field, "message": "give exactly one of vin or chassis_number"}
                for field in ("vin", "chassis_number")
            ],
        )
    return parse_vin(vin) if vin is not None else parse_chassis_number(chassis_number or "")


class Registration:
    def __init__(
        self, uow: Callable[[], VehiclesUnitOfWork], access: AccessControl, decoder: VinDecoder, clock: Clock
    ) -> None:
        self._uow = uow
        self._access = access
        self._decode = decoder
        self._clock = clock

    def register(
        self, caller: uuid.UUID, *, vin: str | None, chassis_number: str | None, details: VehicleDetails
    ) -> Vehicle:
        """Register a vehicle by VIN or chassis number; the caller becomes its first owner
        and the owner of its token account."""
        grants = self._access.require(caller, REGISTER)
        new = self._new_vehicle(caller, identifier_of(vin, chassis_number), details)
        with self._uow() as uow:
            registered = uow.vehicles.register(new)
            if registered is None:
                raise VehicleAlreadyRegistered(
                    details=[{"field": new.identifier_type.value, "message": "already registered"}]
                )
            uow.audit.record(
                "vehicle.registered",
                actor(caller, grants),
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

    def _new_vehicle(
        self, caller: uuid.UUID, identifier: VehicleIdentifier, details: VehicleDetails
    ) -> NewVehicle:
        """The registration, with what a VIN tells about its vehicle (a chassis number tells nothing)."""
        manufacturer = country = model_year = None
        if identifier.type is IdentifierType.VIN:
            facts = self._decode(identifier.value, this_year=self._clock.now().astimezone(WINDHOEK).year)
            manufacturer, country, model_year = facts.manufacturer, facts.country, facts.model_year
        return NewVehicle(
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


class VehicleQueries:
    def __init__(self, uow: Callable[[], VehiclesUnitOfWork], access: AccessControl) -> None:
        self._uow = uow
        self._access = access

    def vehicles(
        self, caller: uuid.UUID, page: PageRequest, *, owner_id: uuid.UUID | None = None
    ) -> Page[Vehicle]:
        """The caller's vehicles; staff see every vehicle, or one owner's with `owner_id`."""
        grants = self._access.require(caller, READ)
        owner = owner_id if staff(grants, READ) else caller
        with self._uow() as uow:
            found, total = uow.vehicles.search(owner, offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total, offset=page.offset)

    def vehicle(self, caller: uuid.UUID, identifier: str) -> Vehicle:
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            return visible(uow, caller, grants, identifier)

    def history(
        self, caller: uuid.UUID, identifier: str, page: PageRequest
    ) -> tuple[Vehicle, Page[OwnershipPeriod]]:
        """The vehicle and its ownership periods, oldest first."""
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            found = visible(uow, caller, grants, identifier)
            return found, page.window(uow.vehicles.history(found.id))

    def transfers(self, caller: uuid.UUID, identifier: str, page: PageRequest) -> Page[VehicleOffer]:
        """The vehicle's offers and forced transfers, oldest first: all of them for its
        owner and staff, those they are a party to for anyone else who may see it."""
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            found = visible(uow, caller, grants, identifier)
            every = uow.transfers.of_vehicle(found.id)
        if not (found.owner_id == caller or staff(grants, READ)):
            every = [t for t in every if t.involves(caller)]
        summary = VehicleSummary.of(found)
        return page.window([VehicleOffer(t, summary) for t in every])

    def transfer(self, caller: uuid.UUID, identifier: str, transfer_id: uuid.UUID) -> VehicleOffer:
        """One offer of the vehicle, for a party to it, the vehicle's owner or staff (404
        for anyone else, as for an unknown offer)."""
        grants = self._access.require(caller, READ)
        with self._uow() as uow:
            found = uow.vehicles.by_identifier(normalised(identifier))
            transfer = None if found is None else uow.transfers.get(found.id, transfer_id)
        if (
            found is None
            or transfer is None
            or not (transfer.involves(caller) or found.owner_id == caller or staff(grants, READ))
        ):
            raise NotFound("Ownership offer not found")
        return VehicleOffer(transfer, VehicleSummary.of(found))

    def offers_of(
        self,
        caller: uuid.UUID,
        page: PageRequest,
        *,
        direction: Direction | None = None,
        status: TransferStatus | None = None,
    ) -> Page[VehicleOffer]:
        """The caller's own offers, newest first: made to them (incoming) and of vehicles
        they owned (outgoing). Staff see their own here too; other people's offers are read
        per vehicle."""
        self._access.require(caller, READ)
        with self._uow() as uow:
            found, total = uow.transfers.of_user(
                OfferFilter(caller, direction, status), offset=page.offset, limit=page.per_page
            )
        return Page(found, page.page, page.per_page, total, offset=page.offset)
