"""VIN registry: register a vehicle, read it and its ownership history, offer it to another
user, accept / decline / cancel the offer, and (staff) force a transfer.

`VehicleRegistry` is the facade the wiring and the HTTP layer call; the use cases live in
`vehicle_registration` (registering, reading) and `vehicle_transfers` (offers and forced
transfers, on the `OwnershipTransfer` aggregate). Reads are object-level
(`vehicle_access`): a vehicle is visible to its owner, to staff (`vehicle:read` at scope
`all`) and to the parties of an offer of it; anyone else gets 404, never 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.vehicle_access import READ, REGISTER, TRANSFER, normalised
from elcorp.payments.application.vehicle_ports import (
    ActiveUsers,
    Direction,
    OwnershipPeriod,
    Vehicle,
    VehicleDetails,
    VehicleOffer,
    VehiclesUnitOfWork,
    VinDecoder,
)
from elcorp.payments.application.vehicle_registration import Registration, VehicleQueries, identifier_of
from elcorp.payments.application.vehicle_transfers import SUPERSEDED, Transfers
from elcorp.payments.domain.vehicle_ownership import TransferDecision, TransferStatus
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock

__all__ = ["READ", "REGISTER", "SUPERSEDED", "TRANSFER", "VehicleRegistry", "identifier_of", "normalised"]


class VehicleRegistry:
    """The vehicle use cases behind one object; every method delegates."""

    def __init__(
        self,
        uow: Callable[[], VehiclesUnitOfWork],
        access: AccessControl,
        users: ActiveUsers,
        decoder: VinDecoder,
        *,
        clock: Clock | None = None,
    ) -> None:
        clock = clock or SystemClock()
        self._registration = Registration(uow, access, decoder, clock)
        self._queries = VehicleQueries(uow, access)
        self._transfers = Transfers(uow, access, users, clock)

    def register(
        self, caller: uuid.UUID, *, vin: str | None, chassis_number: str | None, details: VehicleDetails
    ) -> Vehicle:
        return self._registration.register(caller, vin=vin, chassis_number=chassis_number, details=details)

    def vehicles(
        self, caller: uuid.UUID, page: PageRequest, *, owner_id: uuid.UUID | None = None
    ) -> Page[Vehicle]:
        return self._queries.vehicles(caller, page, owner_id=owner_id)

    def vehicle(self, caller: uuid.UUID, identifier: str) -> Vehicle:
        return self._queries.vehicle(caller, identifier)

    def history(
        self, caller: uuid.UUID, identifier: str, page: PageRequest | None = None
    ) -> tuple[Vehicle, Page[OwnershipPeriod]]:
        return self._queries.history(caller, identifier, page or PageRequest())

    def transfers(
        self, caller: uuid.UUID, identifier: str, page: PageRequest | None = None
    ) -> Page[VehicleOffer]:
        return self._queries.transfers(caller, identifier, page or PageRequest())

    def transfer(self, caller: uuid.UUID, identifier: str, transfer_id: uuid.UUID) -> VehicleOffer:
        return self._queries.transfer(caller, identifier, transfer_id)

    def offers_of(
        self,
        caller: uuid.UUID,
        page: PageRequest | None = None,
        *,
        direction: Direction | None = None,
        status: TransferStatus | None = None,
    ) -> Page[VehicleOffer]:
        return self._queries.offers_of(caller, page or PageRequest(), direction=direction, status=status)

    def offer(
        self,
        caller: uuid.UUID,
        identifier: str,
        to_user_id: uuid.UUID,
        *,
        force: bool = False,
        reason: str | None = None,
    ) -> VehicleOffer:
        return self._transfers.offer(caller, identifier, to_user_id, force=force, reason=reason)

    def decide(
        self, caller: uuid.UUID, identifier: str, transfer_id: uuid.UUID, decision: TransferDecision
    ) -> VehicleOffer:
        return self._transfers.decide(caller, identifier, transfer_id, decision)
