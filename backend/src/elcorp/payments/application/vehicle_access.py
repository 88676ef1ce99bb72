"""Who may see and act on a vehicle: object-level, so a vehicle the caller may not see is
answered 404 like an unknown identifier, never 403 (identifiers cannot be probed)."""

from __future__ import annotations

import uuid

from elcorp.governance.application.api import Grants, Scope
from elcorp.payments.application.vehicle_ports import Vehicle, VehiclesUnitOfWork
from elcorp.shared.application.audit import Actor
from elcorp.shared.domain.errors import NotFound

REGISTER, READ, TRANSFER = "vehicle:register", "vehicle:read", "vehicle:transfer"


def normalised(identifier: str) -> str:
    """A VIN or chassis number as paths give it: case and surrounding spaces forgiven."""
    return identifier.strip().upper()


def staff(grants: Grants, permission: str) -> bool:
    """Staff hold the permission at scope `all`; customers hold it `own`."""
    return grants.scope_of(permission) is Scope.ALL


def actor(caller: uuid.UUID, grants: Grants) -> Actor:
    return Actor(str(caller), tuple(sorted(grants.roles)))


def visible(
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
        found.owner_id == caller or staff(grants, read) or uow.transfers.open_to(caller, found.id)
    ):
        raise NotFound("Vehicle not found")
    return found
