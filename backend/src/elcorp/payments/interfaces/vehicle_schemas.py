"""Request and response models of the VIN registry API (pydantic v2; unknown fields refused).

The identifier's own rules (length, letters, check digit, chassis format, exactly one of
`vin` or `chassis_number`) are the domain's and the application's
(`payments/domain/vehicles.py`, `vehicle_registration.py`), so each failure answers its own
code naming its field; here only the shape is checked. The response models describe exactly
what the routes send (`vehicles.py`'s `*_json` functions).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

IDENTIFIER_DOC = "The vehicle's VIN (17 characters) or chassis number (9 to 12), any case"
Timestamp = Annotated[
    str, Field(json_schema_extra={"format": "date-time"}, examples=["2026-11-23T08:33:51.620Z"])
]
TransferState = Literal["open", "accepted", "declined", "cancelled", "forced"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests ---------------------------------------------------------------------------------
class RegisterVehicleBody(Strict):
    """Exactly one of `vin` or `chassis_number` (422 naming both fields otherwise)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "vin": "1HGCM82633A004352",
                    "make": "Honda",
                    "model": "Accord",
                    "year": 2003,
                    "colour": "Silver",
                },
                {"chassis_number": "SV30-0169266", "make": "Toyota", "model": "Camry"},
            ]
        },
    )

    vin: str | None = Field(default=None, max_length=40, description="17 characters, no I, O or Q")
    chassis_number: str | None = Field(
        default=None, max_length=40, description="A chassis (frame) number such as SV30-0169266"
    )
    make: str | None = Field(default=None, min_length=1, max_length=100)
    model: str | None = Field(default=None, min_length=1, max_length=100)
    year: int | None = Field(default=None, ge=1886, le=2100)
    colour: str | None = Field(default=None, min_length=1, max_length=50)
    registration_number: str | None = Field(
        default=None, min_length=1, max_length=20, description="The number plate, e.g. N 12345 W"
    )


class VehiclePath(Strict):
    vin: str = Field(min_length=1, max_length=40, description=IDENTIFIER_DOC)


class VehicleTransferPath(Strict):
    vin: str = Field(min_length=1, max_length=40, description=IDENTIFIER_DOC)
    transfer_id: uuid.UUID


class VehicleListQuery(ListQuery):
    owner_id: uuid.UUID | None = Field(default=None, description="Staff: one owner's vehicles only")


class VehicleHistoryQuery(ListQuery):
    """A vehicle's ownership periods, oldest first."""


class VehicleTransferListQuery(ListQuery):
    """A vehicle's offers and forced transfers, oldest first."""


class MyVehicleTransfersQuery(ListQuery):
    direction: Literal["incoming", "outgoing"] | None = Field(
        default=None,
        description="incoming: offered to you; outgoing: of a vehicle you owned. Default both.",
    )
    status: TransferState | None = Field(default=None, description="Only offers in this state")


class VehicleOfferBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"to_user_id": "0b7c3f7e-5f0e-4a61-9d43-2f1f7d1c9a10"},
                {
                    "to_user_id": "0b7c3f7e-5f0e-4a61-9d43-2f1f7d1c9a10",
                    "force": True,
                    "reason": "Court order 2026/114: estate of the owner",
                },
            ]
        },
    )

    to_user_id: uuid.UUID
    force: bool = Field(default=False, description="Staff: move the ownership at once (needs a reason)")
    reason: str | None = Field(default=None, max_length=500, description="Mandatory when force is true")


# -- responses --------------------------------------------------------------------------------
class Vehicle(BaseModel):
    """A registered vehicle."""

    id: uuid.UUID
    vin: str | None = Field(description="Null for a vehicle registered by chassis number")
    chassis_number: str | None = Field(description="Null for a vehicle registered by VIN")
    identifier_type: Literal["vin", "chassis"]
    check_digit_valid: bool | None = Field(
        description="Whether position 9 is a correct North American check digit; null for a chassis number"
    )
    manufacturer: str | None = Field(description="Decoded from the VIN's manufacturer code")
    country: str | None = Field(description="Decoded from the VIN")
    model_year: int | None = Field(description="Decoded from the VIN's position 10")
    make: str | None
    model: str | None
    year: int | None
    colour: str | None
    registration_number: str | None
    owner_id: uuid.UUID
    account_id: uuid.UUID = Field(description="The vehicle's token account (a wallet of its owner)")
    status: Literal["active"]
    created_at: Timestamp


class OfferedVehicle(BaseModel):
    """The vehicle an ownership offer is about."""

    id: uuid.UUID
    vin: str | None
    chassis_number: str | None
    identifier_type: Literal["vin", "chassis"]
    make: str | None
    model: str | None
    year: int | None


class VehicleTransferOffer(BaseModel):
    """An ownership offer (open until accepted, declined or cancelled) or a forced transfer
    by staff: the same shape on every route."""

    id: uuid.UUID
    vehicle_id: uuid.UUID
    vehicle: OfferedVehicle
    direction: Literal["incoming", "outgoing"] | None = Field(
        description="For the caller: incoming (offered to you), outgoing (of a vehicle you owned), "
        "null when you are neither (staff)"
    )
    from_owner_id: uuid.UUID
    to_user_id: uuid.UUID
    status: TransferState
    offered_by: uuid.UUID
    reason: str | None
    created_at: Timestamp
    decided_by: uuid.UUID | None
    decided_at: Timestamp | None


class VehicleOwnershipPeriod(BaseModel):
    """One owner's period [started_at, ended_at) of a vehicle."""

    owner_id: uuid.UUID
    started_at: Timestamp
    ended_at: Timestamp | None = Field(description="Null for the current owner")
    transfer_id: uuid.UUID | None = Field(
        description="The transfer that started it; null for the registration"
    )
