"""HTTP routes of the payments context: the VIN registry, vehicle ownership and ownership transfers."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.payments.application.vehicle_ports import (
    OwnershipPeriod,
    OwnershipTransfer,
    Vehicle,
    VehicleDetails,
)
from elcorp.payments.application.vehicles import VehicleRegistry
from elcorp.payments.domain.vehicle_ownership import TransferDecision
from elcorp.payments.interfaces import vehicle_schemas as s
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission

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


def transfer_json(t: OwnershipTransfer) -> dict[str, Any]:
    return {
        "id": str(t.id),
        "vehicle_id": str(t.vehicle_id),
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


def _decide(registry: VehicleRegistry, path: s.TransferPath, decision: TransferDecision) -> Response:
    decided = registry.decide(current_caller().user_id, path.vin, path.transfer_id, decision)
    return envelope.success(transfer_json(decided))


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
    _transfer_decision_routes(api, registry)
    return api


def _vehicle_routes(api: APIBlueprint, registry: VehicleRegistry) -> None:
    @api.post("/vehicles", security=BEARER)
    @require_permission("vehicle:register")
    def register_vehicle(body: s.RegisterVehicleBody) -> Response:
        created = registry.register(
            current_caller().user_id,
            vin=body.vin,
            chassis_number=body.chassis_number,
            details=VehicleDetails(body.make, body.model, body.year, body.colour, body.registration_number),
        )
        return envelope.success(vehicle_json(created), status=201)

    @api.get("/vehicles", security=BEARER)
    @require_permission("vehicle:read")
    def list_vehicles(query: s.VehicleListQuery) -> Response:
        page = registry.vehicles(
            current_caller().user_id, PageRequest(query.page, query.per_page), owner_id=query.owner_id
        )
        return envelope.success([vehicle_json(v) for v in page.items], meta=page.meta)

    @api.get(VEHICLE, security=BEARER)
    @require_permission("vehicle:read")
    def get_vehicle(path: s.VehiclePath) -> Response:
        return envelope.success(vehicle_json(registry.vehicle(current_caller().user_id, path.vin)))

    @api.get(VEHICLE + "/history", security=BEARER)
    @require_permission("vehicle:read")
    def vehicle_history(path: s.VehiclePath) -> Response:
        found, periods = registry.history(current_caller().user_id, path.vin)
        return envelope.success(
            [period_json(p) for p in periods], meta={"vehicle_id": str(found.id), "total": len(periods)}
        )

    @api.get(VEHICLE + "/transfers", security=BEARER)
    @require_permission("vehicle:read")
    def list_transfers(path: s.VehiclePath) -> Response:
        found = registry.transfers(current_caller().user_id, path.vin)
        return envelope.success([transfer_json(t) for t in found], meta={"total": len(found)})

    @api.post(VEHICLE + "/transfers", security=BEARER)
    @require_permission("vehicle:transfer")
    def offer_vehicle(path: s.VehiclePath, body: s.OfferBody) -> Response:
        made = registry.offer(
            current_caller().user_id, path.vin, body.to_user_id, force=body.force, reason=body.reason
        )
        return envelope.success(transfer_json(made), status=201)

    @api.post(TRANSFER + "/accept", security=BEARER)
    @require_permission("vehicle:transfer")
    def accept_transfer(path: s.TransferPath) -> Response:
        return _decide(registry, path, TransferDecision.ACCEPT)


def _transfer_decision_routes(api: APIBlueprint, registry: VehicleRegistry) -> None:
    @api.post(TRANSFER + "/decline", security=BEARER)
    @require_permission("vehicle:transfer")
    def decline_transfer(path: s.TransferPath) -> Response:
        return _decide(registry, path, TransferDecision.DECLINE)

    @api.post(TRANSFER + "/cancel", security=BEARER)
    @require_permission("vehicle:transfer")
    def cancel_transfer(path: s.TransferPath) -> Response:
        return _decide(registry, path, TransferDecision.CANCEL)
