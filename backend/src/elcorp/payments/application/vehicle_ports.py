"""Ports of the VIN registry: the vehicle store, the ownership transfers' repository, the
VIN decoder, what they return."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from elcorp.payments.domain.vehicle_ownership import OwnershipTransfer as OwnershipTransfer
from elcorp.payments.domain.vehicle_ownership import TransferStatus
from elcorp.payments.domain.vehicles import IdentifierType
from elcorp.shared.application.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class VehicleDetails:
    """What the registrant says about the vehicle (none of it checked against the VIN)."""

    make: str | None = None
    model: str | None = None
    year: int | None = None
    colour: str | None = None
    registration_number: str | None = None


@dataclass(frozen=True, slots=True)
class Vehicle:
    id: uuid.UUID
    identifier: str
    identifier_type: IdentifierType
    check_digit_valid: bool | None
    manufacturer: str | None
    country: str | None
    model_year: int | None
    details: VehicleDetails
    owner_id: uuid.UUID
    account_id: uuid.UUID
    status: str
    registered_by: uuid.UUID
    created_at: datetime

    @property
    def vin(self) -> str | None:
        return self.identifier if self.identifier_type is IdentifierType.VIN else None

    @property
    def chassis_number(self) -> str | None:
        return self.identifier if self.identifier_type is IdentifierType.CHASSIS else None


@dataclass(frozen=True, slots=True)
class VehicleSummary:
    """What an ownership offer shows of its vehicle: which one it is, and what its
    registrant said it is."""

    id: uuid.UUID
    identifier: str
    identifier_type: IdentifierType
    make: str | None
    model: str | None
    year: int | None

    @classmethod
    def of(cls, vehicle: Vehicle) -> VehicleSummary:
        details = vehicle.details
        return cls(
            vehicle.id, vehicle.identifier, vehicle.identifier_type, details.make, details.model, details.year
        )

    @property
    def vin(self) -> str | None:
        return self.identifier if self.identifier_type is IdentifierType.VIN else None

    @property
    def chassis_number(self) -> str | None:
        return self.identifier if self.identifier_type is IdentifierType.CHASSIS else None


@dataclass(frozen=True, slots=True)
class VehicleOffer:
    """An ownership offer (or a forced transfer) with the vehicle it is about: what the
    API shows of it, the same on every route."""

    transfer: OwnershipTransfer
    vehicle: VehicleSummary


class Direction(StrEnum):
    """An offer as one user sees it: made to them, or of a vehicle they owned."""

    INCOMING = "incoming"
    OUTGOING = "outgoing"


@dataclass(frozen=True, slots=True)
class OfferFilter:
    """Which of one user's offers: `direction` None means both; `status` None means any."""

    user_id: uuid.UUID
    direction: Direction | None = None
    status: TransferStatus | None = None


@dataclass(frozen=True, slots=True)
class NewVehicle:
    """A registration about to be stored: the store gives it its token account and its
    first ownership period."""

    id: uuid.UUID
    identifier: str
    identifier_type: IdentifierType
    check_digit_valid: bool | None
    manufacturer: str | None
    country: str | None
    model_year: int | None
    details: VehicleDetails
    owner_id: uuid.UUID
    registered_by: uuid.UUID


@dataclass(frozen=True, slots=True)
class OwnershipPeriod:
    owner_id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None  # None: the current owner
    transfer_id: uuid.UUID | None  # None: the registration


class Vehicles(Protocol):
    """The vehicle store. `lock=True` takes the vehicle's row lock for the rest of the
    transaction: every change of ownership happens under it."""

    def register(self, vehicle: NewVehicle) -> Vehicle | None:
        """Store the vehicle with its token account (owned by the owner) and its first
        ownership period; None when the identifier already has an active registration."""
        ...

    def by_identifier(self, identifier: str, *, lock: bool = False) -> Vehicle | None:
        """The active registration of a VIN or chassis number (normalised)."""
        ...

    def by_id(self, vehicle_id: uuid.UUID) -> Vehicle | None:
        """A registration by its id, active or not."""
        ...

    def search(self, owner_id: uuid.UUID | None, *, offset: int, limit: int) -> tuple[list[Vehicle], int]:
        """Active vehicles, newest first, of one owner (None: every owner), and the total."""
        ...

    def change_owner(self, vehicle_id: uuid.UUID, new_owner: uuid.UUID, transfer_id: uuid.UUID) -> datetime:
        """End the current ownership period and start the new owner's at the same instant
        (the database clock, read under the vehicle's lock, so periods follow each other);
        the vehicle's token account moves to the new owner. Returns that instant."""
        ...

    def history(self, vehicle_id: uuid.UUID) -> list[OwnershipPeriod]:
        """Ownership periods, oldest first."""
        ...


class OwnershipTransfers(Protocol):
    """The repository of the `OwnershipTransfer` aggregate. The unit of work stores what
    changed on the transfers it handed out or took in, and publishes their events, when it
    commits; the database backs the rule of one open offer per vehicle."""

    def add(self, transfer: OwnershipTransfer) -> None: ...

    def get(self, vehicle_id: uuid.UUID, transfer_id: uuid.UUID) -> OwnershipTransfer | None: ...

    def open_for(self, vehicle_id: uuid.UUID) -> OwnershipTransfer | None:
        """The vehicle's open offer, if it has one."""
        ...

    def of_vehicle(self, vehicle_id: uuid.UUID) -> list[OwnershipTransfer]:
        """Every offer and forced transfer of the vehicle, oldest first."""
        ...

    def open_to(self, user_id: uuid.UUID, vehicle_id: uuid.UUID) -> bool:
        """Does `user_id` have an open offer of this vehicle?"""
        ...

    def of_user(self, where: OfferFilter, *, offset: int, limit: int) -> tuple[list[VehicleOffer], int]:
        """One user's offers, newest first, each with its vehicle, and how many match:
        incoming ones were made to the user, outgoing ones are of a vehicle the user owned
        when the offer was made (forced transfers included)."""
        ...


class VehiclesUnitOfWork(UnitOfWork, Protocol):
    @property
    def vehicles(self) -> Vehicles: ...

    @property
    def transfers(self) -> OwnershipTransfers: ...


class VinFacts(Protocol):
    """What a VIN tells about its vehicle (reported, never used to refuse it)."""

    @property
    def manufacturer(self) -> str | None: ...

    @property
    def country(self) -> str | None: ...

    @property
    def model_year(self) -> int | None: ...


class VinDecoder(Protocol):
    def __call__(self, vin: str, *, this_year: int) -> VinFacts: ...


class ActiveUsers(Protocol):
    """Identity's public API, as the registry needs it."""

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]: ...
