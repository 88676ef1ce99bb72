"""Request models of the VIN registry API (pydantic v2; unknown fields refused).

The identifier's own rules (length, letters, check digit, chassis format) are the domain's
(`payments/domain/vehicles.py`), so each failure answers its own `VEH_` code; here only
the shape is checked.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE

IDENTIFIER_DOC = "The vehicle's VIN (17 characters) or chassis number (9 to 12), any case"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterVehicleBody(Strict):
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

    @model_validator(mode="after")
    def one_identifier(self) -> RegisterVehicleBody:
        if (self.vin is None) == (self.chassis_number is None):
            raise ValueError("give exactly one of vin or chassis_number")
        return self


class VehiclePath(Strict):
    vin: str = Field(min_length=1, max_length=40, description=IDENTIFIER_DOC)


class TransferPath(Strict):
    vin: str = Field(min_length=1, max_length=40, description=IDENTIFIER_DOC)
    transfer_id: uuid.UUID


class VehicleListQuery(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    owner_id: uuid.UUID | None = Field(default=None, description="Staff: one owner's vehicles only")


class OfferBody(Strict):
    to_user_id: uuid.UUID
    force: bool = Field(default=False, description="Staff: move the ownership at once (needs a reason)")
    reason: str | None = Field(default=None, max_length=500, description="Mandatory when force is true")
