"""HTTP routes of the compliance context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from flask import Response
from flask_openapi3 import APIBlueprint

from elcorp.compliance.audit.application.audit_scope import AuditScope
from elcorp.compliance.audit.application.audit_trail import AuditExports, AuditFilter, AuditRecord, AuditTrail
from elcorp.compliance.audit.interfaces.schemas import (
    AuditQuery,
    CheckpointQuery,
    ExportPath,
    ExportQuery,
    VerifyQuery,
)
from elcorp.shared.application.pagination import decode_position, encode_position
from elcorp.shared.domain.errors import NotFound
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import BEARER, context_blueprint
from elcorp.shared.interfaces.auth import current_caller, require_permission


def record_json(record: AuditRecord) -> dict[str, object]:
    return {**record.entry, "seq": record.seq, "hash": record.hash}


CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}


def blueprint(scope: AuditScope, trail: AuditTrail, exports: AuditExports) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = context_blueprint(
        "compliance",
        "the audit trail, retention and purge, POPIA (consent, data-subject requests, breach "
        "notification), SLAs, incidents, risks, regulatory reports",
    )
    _audit_log_routes(api, scope, trail)
    _export_routes(api, exports)
    return api


def _audit_log_routes(api: APIBlueprint, scope: AuditScope, trail: AuditTrail) -> None:
    @api.get("/audit-logs", security=BEARER)
    @require_permission("audit:view")
    def list_audit_logs(query: AuditQuery) -> Response:
        after = decode_position(query.cursor)
        criteria = AuditFilter(
            actor_id=query.actor_id,
            action=query.action,
            resource_type=query.resource_type,
            resource_id=query.resource_id,
            request_id=query.request_id,
            occurred_from=query.occurred_from,
            occurred_to=query.occurred_to,
        )
        reach = scope.reach_of(current_caller().user_id)
        if not reach.everything:
            criteria = dataclasses.replace(
                criteria, about_people=reach.people, about_organization=reach.organization
            )
        records = trail.search(criteria, after=after, limit=query.limit + 1)
        page, more = records[: query.limit], len(records) > query.limit
        next_cursor = None
        if more:
            last = page[-1].entry
            next_cursor = encode_position(
                datetime.fromisoformat(last["occurred_at"].replace("Z", "+00:00")), uuid.UUID(last["id"])
            )
        return envelope.success([record_json(r) for r in page], meta={"next_cursor": next_cursor})

    @api.get("/audit-logs/verify", security=BEARER)
    @require_permission("audit:export")
    def verify_audit_logs(query: VerifyQuery) -> Response:
        report = trail.verify(query.first_seq, query.last_seq)
        return envelope.success(dataclasses.asdict(report))

    @api.get("/audit-logs/checkpoints", security=BEARER)
    @require_permission("audit:view")
    def audit_checkpoints(query: CheckpointQuery) -> Response:
        items = trail.checkpoints(after_size=query.before_size, limit=query.limit)
        next_before = items[-1].size if len(items) == query.limit else None
        return envelope.success(
            [dataclasses.asdict(c) for c in items], meta={"next_before_size": next_before}
        )

    @api.get("/audit-logs/public-keys", security=BEARER)
    @require_permission("audit:view")
    def audit_public_keys() -> Response:
        keys = trail.public_keys()
        return envelope.success(
            [{"key_id": kid, "algorithm": "Ed25519", "public_key": key} for kid, key in keys.items()]
        )


def _export_routes(api: APIBlueprint, exports: AuditExports) -> None:
    @api.get("/audit-logs/export", security=BEARER)
    @require_permission("audit:export")
    def export_audit_logs(query: ExportQuery) -> Response:
        """Stream a run of the chain; its manifest is at /audit-logs/exports/{X-Export-Id}/manifest
        once the download has finished."""
        started = exports.start(str(current_caller().user_id), query.format, query.first_seq, query.last_seq)
        filename = f"audit-{started.id}.{query.format}"
        return Response(
            (chunk.encode() for chunk in started.chunks),
            mimetype=CONTENT_TYPES[query.format],
            headers={
                "X-Export-Id": str(started.id),
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )

    @api.get("/audit-logs/exports/<uuid:export_id>/manifest", security=BEARER)
    @require_permission("audit:export")
    def export_manifest(path: ExportPath) -> Response:
        manifest = exports.manifest(path.export_id)
        if manifest is None:
            raise NotFound("No completed export with this id")
        return envelope.success(manifest)
