"""HTTP routes of the payments context: the VIN registry, vehicle ownership and ownership
transfers, and the caller's own offers (`/me/vehicle-transfers`)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.payments.application.vehicle_ports import (
    Direction,
    OwnershipPeriod,
    Vehicle,
    VehicleDetails,
    VehicleOffer,
)
from elcorp.payments.application.vehicles import VehicleRegistry
from elcorp.payments.domain.vehicle_ownership import (
    AlreadyTheOwner,
    RecipientNotActive,
    TransferAlreadyOpen,
    TransferDecision,
    TransferNotOpen,
    TransferStatus,
    VehicleAlreadyRegistered,
)
from elcorp.payments.domain.vehicles import (
    ChassisNumberInvalid,
    VinCharacterInvalid,
    VinCheckDigitMismatch,
    VinLengthInvalid,
)
from elcorp.payments.interfaces import vehicle_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, ok
from elcorp.shared.interfaces.pagination import page_response

VEHICLE = "/vehicles/<vin>"
TRANSFER = VEHICLE + "/transfers/<uuid:transfer_id>"


def vehicle_json(v: Vehicle) -> dict[str, Any]:
    return {
        "id": str(v.id),
        "vin": v.vin,
        "chassis_number": v.chassis_number,
        "identifier_type": v.identifier_type.value,
        "check_digit_valid": v.check_digit_valid,
        "manufacturer": v.manufacturer,
        "country": v.country,
        "model_year": v.model_year,
        "make": v.details.make,
        "model": v.details.model,
        "year": v.details.year,
        "colour": v.details.colour,
        "registration_number": v.details.registration_number,
        "owner_id": str(v.owner_id),
        "account_id": str(v.account_id),
        "status": v.status,
        "created_at": isoformat_z(v.created_at),
    }


def _direction(offer: VehicleOffer, caller: uuid.UUID) -> str | None:
    if offer.transfer.to_user_id == caller:
        return Direction.INCOMING.value
    if offer.transfer.from_owner_id == caller:
        return Direction.OUTGOING.value
    return None


def transfer_json(offer: VehicleOffer, caller: uuid.UUID) -> dict[str, Any]:
    """An offer or forced transfer, the same on every route (`VehicleTransferOffer`)."""
    t, v = offer.transfer, offer.vehicle
    return {
        "id": str(t.id),
        "vehicle_id": str(t.vehicle_id),
        "vehicle": {
            "id": str(v.id),
            "vin": v.vin,
            "chassis_number": v.chassis_number,
            "identifier_type": v.identifier_type.value,
            "make": v.make,
            "model": v.model,
            "year": v.year,
        },
        "direction": _direction(offer, caller),
        "from_owner_id": str(t.from_owner_id),
        "to_user_id": str(t.to_user_id),
        "status": t.status.value,
        "offered_by": str(t.offered_by),
        "reason": t.reason,
        "created_at": isoformat_z(t.created_at),
        "decided_by": None if t.decided_by is None else str(t.decided_by),
        "decided_at": None if t.decided_at is None else isoformat_z(t.decided_at),
    }


def period_json(p: OwnershipPeriod) -> dict[str, Any]:
    return {
        "owner_id": str(p.owner_id),
        "started_at": isoformat_z(p.started_at),
        "ended_at": None if p.ended_at is None else isoformat_z(p.ended_at),
        "transfer_id": None if p.transfer_id is None else str(p.transfer_id),
    }


def offer_url(offer: VehicleOffer) -> str:
    return f"{API_V1}/vehicles/{offer.vehicle.identifier}/transfers/{offer.transfer.id}"


def _decide(registry: VehicleRegistry, path: s.VehicleTransferPath, decision: TransferDecision) -> Response:
    caller = current_caller().user_id
    decided = registry.decide(caller, path.vin, path.transfer_id, decision)
    return envelope.success(transfer_json(decided, caller))


def blueprint(registry: VehicleRegistry) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "vehicles",
        __name__,
        url_prefix=API_V1,
        abp_tags=[
            Tag(name="vehicles", description="the VIN registry, vehicle ownership and ownership transfers")
        ],
    )
    _vehicle_routes(api, registry)
    _transfer_routes(api, registry)
    _transfer_decision_routes(api, registry)
    return api


def _vehicle_routes(api: APIBlueprint, registry: VehicleRegistry) -> None:
    @api.post(
        "/vehicles",
        security=BEARER,
        responses=created(
            s.Vehicle,
            VinLengthInvalid,
            VinCharacterInvalid,
            VinCheckDigitMismatch,
            ChassisNumberInvalid,
            VehicleAlreadyRegistered,
        ),
    )
    @require_permission("vehicle:register")
    def register_vehicle(body: s.RegisterVehicleBody) -> Response:
        """Register a vehicle by VIN or chassis number.

        Any user holding vehicle:register; the caller becomes its first owner and the owner
        of its token account.
        """
        registered = registry.register(
            current_caller().user_id,
            vin=body.vin,
            chassis_number=body.chassis_number,
            details=VehicleDetails(body.make, body.model, body.year, body.colour, body.registration_number),
        )
        return envelope.created(
            vehicle_json(registered), location=f"{API_V1}/vehicles/{registered.identifier}"
        )

    @api.get("/vehicles", security=BEARER, responses=listed(s.Vehicle))
    @require_permission("vehicle:read")
    def list_vehicles(query: s.VehicleListQuery) -> Response:
        """List the caller's vehicles, newest first.

        Staff (vehicle:read at scope all) list every vehicle, or one owner's with owner_id.
        """
        page = registry.vehicles(current_caller().user_id, query.page_request(), owner_id=query.owner_id)
        return page_response([vehicle_json(v) for v in page.items], page)

    @api.get(VEHICLE, security=BEARER, responses=ok(s.Vehicle))
    @require_permission("vehicle:read")
    def get_vehicle(path: s.VehiclePath) -> Response:
        """Read one vehicle by its VIN or chassis number.

        Its owner, staff, and the recipient of an open offer of it; anyone else gets 404.
        """
        return envelope.success(vehicle_json(registry.vehicle(current_caller().user_id, path.vin)))

    @api.get(VEHICLE + "/history", security=BEARER, responses=listed(s.VehicleOwnershipPeriod))
    @require_permission("vehicle:read")
    def list_vehicle_history(path: s.VehiclePath, query: s.VehicleHistoryQuery) -> Response:
        """List a vehicle's ownership periods, oldest first.

        Whoever may read the vehicle (its owner, staff, the recipient of an open offer).
        """
        _, periods = registry.history(current_caller().user_id, path.vin, query.page_request())
        return page_response([period_json(p) for p in periods.items], periods)


def _transfer_routes(api: APIBlueprint, registry: VehicleRegistry) -> None:
    @api.get(VEHICLE + "/transfers", security=BEARER, responses=listed(s.VehicleTransferOffer))
    @require_permission("vehicle:read")
    def list_vehicle_transfers(path: s.VehiclePath, query: s.VehicleTransferListQuery) -> Response:
        """List a vehicle's ownership offers and forced transfers, oldest first.

        All of them for its owner and staff; those they are a party to for the recipient of
        an open offer.
        """
        caller = current_caller().user_id
        page = registry.transfers(caller, path.vin, query.page_request())
        return page_response([transfer_json(o, caller) for o in page.items], page)

    @api.get(TRANSFER, security=BEARER, responses=ok(s.VehicleTransferOffer))
    @require_permission("vehicle:read")
    def get_vehicle_transfer(path: s.VehicleTransferPath) -> Response:
        """Read one ownership offer of a vehicle.

        Its parties, the vehicle's owner and staff; anyone else gets 404.
        """
        caller = current_caller().user_id
        return envelope.success(transfer_json(registry.transfer(caller, path.vin, path.transfer_id), caller))

    @api.get("/me/vehicle-transfers", security=BEARER, responses=listed(s.VehicleTransferOffer))
    @require_permission("vehicle:read")
    def list_my_vehicle_transfers(query: s.MyVehicleTransfersQuery) -> Response:
        """List the caller's own ownership offers, newest first.

        Incoming offers were made to the caller (an open one waits for their accept or
        decline); outgoing ones are of a vehicle the caller owned, forced transfers
        included. Any signed-in user holding vehicle:read; only their own offers.
        """
        caller = current_caller().user_id
        page = registry.offers_of(
            caller,
            query.page_request(),
            direction=None if query.direction is None else Direction(query.direction),
            status=None if query.status is None else TransferStatus(query.status),
        )
        return page_response([transfer_json(o, caller) for o in page.items], page)

    @api.post(
        VEHICLE + "/transfers",
        security=BEARER,
        responses=created(
            s.VehicleTransferOffer, AlreadyTheOwner, RecipientNotActive, TransferAlreadyOpen, TransferNotOpen
        ),
    )
    @require_permission("vehicle:transfer")
    def offer_vehicle(path: s.VehiclePath, body: s.VehicleOfferBody) -> Response:
        """Offer a vehicle to another user, or (staff) force its transfer.

        The owner offers (the recipient is mailed and accepts or declines); staff holding
        vehicle:transfer at scope all may pass force with a reason to move it at once.
        """
        caller = current_caller().user_id
        made = registry.offer(caller, path.vin, body.to_user_id, force=body.force, reason=body.reason)
        return envelope.created(transfer_json(made, caller), location=offer_url(made))


def _transfer_decision_routes(api: APIBlueprint, registry: VehicleRegistry) -> None:
    @api.post(TRANSFER + "/accept", security=BEARER, responses=ok(s.VehicleTransferOffer, TransferNotOpen))
    @require_permission("vehicle:transfer")
    def accept_vehicle_transfer(path: s.VehicleTransferPath) -> Response:
        """Accept an open ownership offer: the vehicle and its token account become yours.

        Only the offer's recipient.
        """
        return _decide(registry, path, TransferDecision.ACCEPT)

    @api.post(TRANSFER + "/decline", security=BEARER, responses=ok(s.VehicleTransferOffer, TransferNotOpen))
    @require_permission("vehicle:transfer")
    def decline_vehicle_transfer(path: s.VehicleTransferPath) -> Response:
        """Decline an open ownership offer.

        Only the offer's recipient.
        """
        return _decide(registry, path, TransferDecision.DECLINE)

    @api.post(TRANSFER + "/cancel", security=BEARER, responses=ok(s.VehicleTransferOffer, TransferNotOpen))
    @require_permission("vehicle:transfer")
    def cancel_vehicle_transfer(path: s.VehicleTransferPath) -> Response:
        """Cancel an open ownership offer.

        Only whoever made the offer.
        """
        return _decide(registry, path, TransferDecision.CANCEL)
