"""Ports of the VIN registry: the vehicle store, the VIN decoder, what they return."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

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
class OwnershipTransfer:
    id: uuid.UUID
    vehicle_id: uuid.UUID
    from_owner_id: uuid.UUID
    to_user_id: uuid.UUID
    status: TransferStatus
    offered_by: uuid.UUID
    reason: str | None
    created_at: datetime
    decided_by: uuid.UUID | None
    decided_at: datetime | None

    def involves(self, user_id: uuid.UUID) -> bool:
        return user_id in (self.from_owner_id, self.to_user_id, self.offered_by)


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

    def search(self, owner_id: uuid.UUID | None, *, offset: int, limit: int) -> tuple[list[Vehicle], int]:
        """Active vehicles, newest first, of one owner (None: every owner), and the total."""
        ...

    def transfer(self, vehicle_id: uuid.UUID, transfer_id: uuid.UUID) -> OwnershipTransfer | None: ...

    def open_transfer(self, vehicle_id: uuid.UUID) -> OwnershipTransfer | None: ...

    def transfers(self, vehicle_id: uuid.UUID) -> list[OwnershipTransfer]: ...

    def open_transfer_to(self, user_id: uuid.UUID, vehicle_id: uuid.UUID) -> bool:
        """Does `user_id` have an open offer of this vehicle?"""
        ...

    def add_transfer(
        self,
        vehicle_id: uuid.UUID,
        *,
        from_owner_id: uuid.UUID,
        to_user_id: uuid.UUID,
        status: TransferStatus,
        offered_by: uuid.UUID,
        reason: str | None = None,
    ) -> OwnershipTransfer:
        """A new offer (`open`) or a forced transfer (decided at once), stamped by the
        database clock."""
        ...

    def close_transfer(
        self, transfer_id: uuid.UUID, status: TransferStatus, decided_by: uuid.UUID
    ) -> OwnershipTransfer:
        """Decide an open offer (accepted, declined, cancelled)."""
        ...

    def change_owner(self, vehicle_id: uuid.UUID, new_owner: uuid.UUID, transfer_id: uuid.UUID) -> datetime:
        """End the current ownership period and start the new owner's at the same instant
        (the database clock, read under the vehicle's lock, so periods follow each other);
        the vehicle's token account moves to the new owner. Returns that instant."""
        ...

    def history(self, vehicle_id: uuid.UUID) -> list[OwnershipPeriod]:
        """Ownership periods, oldest first."""
        ...


class VehiclesUnitOfWork(UnitOfWork, Protocol):
    @property
    def vehicles(self) -> Vehicles: ...


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
