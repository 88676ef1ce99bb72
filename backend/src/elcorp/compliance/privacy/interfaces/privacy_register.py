"""HTTP routes of the compliance context: the data inventory, the processing register (POPIA s17),
the PAIA manual and the data-flow map."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, cast

from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from flask_openapi3.types import ResponseDict

from elcorp.compliance.privacy.application.privacy_register import ProcessingRegister
from elcorp.compliance.privacy.domain.data_flow import DataFlowMap
from elcorp.compliance.privacy.domain.data_inventory import InventoryCategory
from elcorp.compliance.privacy.domain.privacy_register import (
    ActivityChanges,
    ActivityFacts,
    ActivityNameTaken,
    CrossBorderTransfer,
    ProcessingActivity,
    Recipient,
    TransferInvalid,
    UndeclaredCategory,
    facts_json,
)
from elcorp.compliance.privacy.interfaces import privacy_register_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response
from elcorp.shared.interfaces.openapi import created, download, listed, no_content, ok
from elcorp.shared.interfaces.pagination import page_response

ACTIVITIES = "/privacy/processing-activities"
ACTIVITY = ACTIVITIES + "/<uuid:activity_id>"
READ, MANAGE = "privacy:read", "privacy:manage"


def category_json(c: InventoryCategory, activities: list[str]) -> dict[str, Any]:
    return {
        "category": c.category,
        "activities": activities,
        "classification": c.classification.value,
        "retention": c.retention.value,
        "disposal": c.disposal.value,
        "special": c.special,
        "contexts": list(c.contexts),
        "columns": [
            {
                "table": d.table,
                "column": d.column,
                "context": d.context,
                "purpose": d.data.purpose,
                "classification": d.data.classification.value,
                "retention": d.data.retention.value,
                "disposal": d.data.disposal.value,
                "special": d.data.special,
            }
            for d in c.columns
        ],
    }


def activity_json(a: ProcessingActivity) -> dict[str, Any]:
    body = {"id": str(a.id), **facts_json(a.facts)}
    body["lawful_basis_section"] = a.facts.lawful_basis.section
    body["lawful_basis_text"] = a.facts.lawful_basis.text
    body["created_at"] = isoformat_z(a.created_at)
    body["updated_at"] = isoformat_z(a.updated_at)
    body["created_by"] = None if a.created_by is None else str(a.created_by)
    body["updated_by"] = None if a.updated_by is None else str(a.updated_by)
    return body


def flows_json(flows: DataFlowMap) -> dict[str, Any]:
    return {
        "nodes": [asdict(n) for n in flows.nodes],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "kind": e.kind,
                "categories": e.categories,
                "activities": e.activities,
                "cross_border": bool(e.cross_border),
                "transfers": [asdict(c) for c in e.cross_border],
            }
            for e in flows.edges
        ],
    }


def _recipients(items: list[s.ProcessingRecipientBody]) -> tuple[Recipient, ...]:
    return tuple(Recipient(r.name.strip(), r.role, r.contract_reference, r.country.upper()) for r in items)


def _transfers(items: list[s.CrossBorderTransferBody]) -> tuple[CrossBorderTransfer, ...]:
    return tuple(
        CrossBorderTransfer(t.recipient.strip(), t.country.upper(), t.ground, t.safeguards) for t in items
    )


def _svg(register: ProcessingRegister) -> Response:
    body = register.data_flow_svg(current_caller().user_id)
    response = file_response(body, mimetype="image/svg+xml", filename="data-flows.svg", inline=True)
    # A diagram made from staff-written names: never run as a document of this origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


def blueprint(register: ProcessingRegister) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "privacy-register",
        __name__,
        url_prefix=API_V1,
        abp_tags=[
            Tag(
                name="privacy-register",
                description="the data inventory, processing register, PAIA manual, data-flow map",
            )
        ],
    )
    _inventory_routes(api, register)
    _activity_routes(api, register)
    _activity_change_routes(api, register)
    _manual_and_map_routes(api, register)
    return api


ACTIVITY_ERRORS = (UndeclaredCategory, ActivityNameTaken, TransferInvalid)


def _flows_responses() -> ResponseDict:
    """The map as JSON (the envelope), or as an SVG diagram with `format=svg`."""
    responses = ok(s.DataFlowMap)
    answer = cast(dict[str, Any], responses["200"])
    answer["content"]["image/svg+xml"] = {"schema": {"type": "string"}}
    return responses


def _inventory_routes(api: APIBlueprint, register: ProcessingRegister) -> None:
    @api.get("/privacy/data-inventory", security=BEARER, responses=listed(s.DataInventoryCategory))
    @require_permission(READ)
    def list_data_inventory() -> Response:
        """List the data inventory: every category of personal data held, and where.

        Needs `privacy:read`. A bounded set (declared in code): one page; `meta` adds the
        counts and `unregistered`, the categories no processing activity declares (a gap in
        the register, POPIA s17).
        """
        caller = current_caller().user_id
        found = register.data_inventory(caller)
        processed_by = register.processed_by(caller)
        return envelope.success(
            [category_json(c, processed_by.get(c.category, [])) for c in found],
            meta={
                "has_more": False,
                "next_cursor": None,
                "limit": max(len(found), 1),
                "total": len(found),
                "categories": len(found),
                "columns": sum(len(c.columns) for c in found),
                "unregistered": [c.category for c in found if c.category not in processed_by],
            },
        )

    @api.get(ACTIVITIES, security=BEARER, responses=listed(s.ProcessingActivity))
    @require_permission(READ)
    def list_processing_activities(query: s.ProcessingActivityListQuery) -> Response:
        """List the processing register's activities (POPIA s17), by name.

        Needs `privacy:read`.
        """
        window = query.page_request()
        page = register.activities(current_caller().user_id, window, status=query.status)
        return page_response([activity_json(a) for a in page.items], page)


def _activity_routes(api: APIBlueprint, register: ProcessingRegister) -> None:
    @api.post(ACTIVITIES, security=BEARER, responses=created(s.ProcessingActivity, *ACTIVITY_ERRORS))
    @require_permission(MANAGE)
    def create_processing_activity(body: s.ProcessingActivityBody) -> Response:
        """Register a processing activity.

        Needs `privacy:manage`. Its categories must be declared in the data inventory
        (PRV_001); each transfer names one of its recipients and a country abroad (PRV_003).
        """
        facts = ActivityFacts(
            name=body.name.strip(),
            purpose=body.purpose.strip(),
            lawful_basis=body.lawful_basis,
            categories=tuple(body.categories),
            data_subjects=tuple(body.data_subjects),
            recipients=_recipients(body.recipients),
            transfers=_transfers(body.transfers),
            retention=body.retention.strip(),
            retention_basis=body.retention_basis,
            status=body.status,
        )
        made = register.register(current_caller().user_id, facts)
        return envelope.created(activity_json(made), location=f"{API_V1}{ACTIVITIES}/{made.id}")


def _activity_change_routes(api: APIBlueprint, register: ProcessingRegister) -> None:
    @api.get(ACTIVITY, security=BEARER, responses=ok(s.ProcessingActivity))
    @require_permission(READ)
    def get_processing_activity(path: s.ProcessingActivityPath) -> Response:
        """Get a processing activity.

        Needs `privacy:read`.
        """
        return envelope.success(activity_json(register.activity(current_caller().user_id, path.activity_id)))

    @api.patch(ACTIVITY, security=BEARER, responses=ok(s.ProcessingActivity, *ACTIVITY_ERRORS))
    @require_permission(MANAGE)
    def update_processing_activity(
        path: s.ProcessingActivityPath, body: s.ProcessingActivityPatch
    ) -> Response:
        """Change a processing activity (only the fields given).

        Needs `privacy:manage`; the register's rules apply to the result.
        """
        changes = ActivityChanges(
            name=None if body.name is None else body.name.strip(),
            purpose=None if body.purpose is None else body.purpose.strip(),
            lawful_basis=body.lawful_basis,
            categories=None if body.categories is None else tuple(body.categories),
            data_subjects=None if body.data_subjects is None else tuple(body.data_subjects),
            recipients=None if body.recipients is None else _recipients(body.recipients),
            transfers=None if body.transfers is None else _transfers(body.transfers),
            retention=None if body.retention is None else body.retention.strip(),
            retention_basis=body.retention_basis,
            status=body.status,
        )
        updated = register.update(current_caller().user_id, path.activity_id, changes)
        return envelope.success(activity_json(updated))

    @api.delete(ACTIVITY, security=BEARER, responses=no_content())
    @require_permission(MANAGE)
    def delete_processing_activity(path: s.ProcessingActivityPath) -> Response:
        """Remove a processing activity from the register.

        Needs `privacy:manage`. The removal is audited with the activity as it was.
        """
        register.remove(current_caller().user_id, path.activity_id)
        return envelope.no_content()


def _manual_and_map_routes(api: APIBlueprint, register: ProcessingRegister) -> None:
    @api.get(
        "/privacy/paia-manual", security=BEARER, responses=download(("text/markdown", "application/pdf"))
    )
    @require_permission(READ)
    def get_paia_manual(query: s.PaiaManualQuery) -> Response:
        """Get the PAIA s51 manual (POPIA section), made from the processing register.

        Needs `privacy:read`. Markdown (shown inline) or `format=pdf` (a download).
        """
        caller = current_caller().user_id
        if query.format == "pdf":
            return file_response(
                register.paia_pdf(caller), mimetype="application/pdf", filename="paia-manual-popia.pdf"
            )
        return file_response(
            register.paia_markdown(caller),
            mimetype="text/markdown",
            filename="paia-manual-popia.md",
            inline=True,
        )

    @api.get("/privacy/data-flows", security=BEARER, responses=_flows_responses())
    @require_permission(READ)
    def get_data_flow_map(query: s.DataFlowMapQuery) -> Response:
        """Get the data-flow map: which contexts hold each category, and to whom it goes.

        Needs `privacy:read`. JSON, or `format=svg` for the diagram.
        """
        if query.format == "svg":
            return _svg(register)
        flows = register.data_flows(current_caller().user_id)
        return envelope.success(
            flows_json(flows), meta={"nodes": len(flows.nodes), "edges": len(flows.edges)}
        )

    @api.get("/privacy/data-flows.svg", security=BEARER, responses=download(("image/svg+xml",)))
    @require_permission(READ)
    def get_data_flow_diagram() -> Response:
        """Get the data-flow map as an SVG diagram.

        Needs `privacy:read`.
        """
        return _svg(register)
