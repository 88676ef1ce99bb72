"""HTTP routes of the compliance context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from flask import Response
from flask_openapi3 import APIBlueprint

from elcorp.compliance.audit.application.audit_scope import AuditScope
from elcorp.compliance.audit.application.audit_trail import AuditExports, AuditFilter, AuditRecord, AuditTrail
from elcorp.compliance.audit.interfaces import schemas as s
from elcorp.shared.application.pagination import (
    decode_cursor,
    decode_position,
    encode_cursor,
    encode_position,
)
from elcorp.shared.domain.errors import NotFound, ValidationFailed
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import BEARER, context_blueprint
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import download, listed, ok
from elcorp.shared.interfaces.pagination import bounded_response, cursor_response


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


def _page_of_entries(
    scope: AuditScope, trail: AuditTrail, query: s.AuditLogQuery
) -> tuple[list[AuditRecord], str | None]:
    if query.page not in (None, 1):
        raise ValidationFailed(
            details=[{"field": "page", "message": "this list pages by `cursor` only (meta.next_cursor)"}]
        )
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
    limit = query.page_size
    records = trail.search(criteria, after=after, limit=limit + 1)
    page, more = records[:limit], len(records) > limit
    if not more:
        return page, None
    last = page[-1].entry
    at = datetime.fromisoformat(last["occurred_at"].replace("Z", "+00:00"))
    return page, encode_position(at, uuid.UUID(last["id"]))


def _checkpoint_window(query: s.AuditCheckpointQuery) -> int | None:
    """The size below which the page starts: from the cursor, or the `before_size` alias."""
    if query.cursor:
        size = decode_cursor(query.cursor).get("below")
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ValidationFailed(details=[{"field": "cursor", "message": "invalid cursor"}])
        return size
    return query.before_size


def _audit_log_routes(api: APIBlueprint, scope: AuditScope, trail: AuditTrail) -> None:
    @api.get("/audit-logs", security=BEARER, responses=listed(s.AuditLogEntry))
    @require_permission("audit:view")
    def list_audit_logs(query: s.AuditLogQuery) -> Response:
        """List audit entries, newest first.

        Needs `audit:view`; a reader whose grant is scoped (own, organization) sees only the
        entries by or about the people in reach. Pages by `cursor` (a position in the stream),
        so entries written meanwhile never shift a page.
        """
        page, next_cursor = _page_of_entries(scope, trail, query)
        return cursor_response([record_json(r) for r in page], next_cursor=next_cursor, limit=query.page_size)

    @api.get("/audit-logs/verify", security=BEARER, responses=ok(s.AuditVerification))
    @require_permission("audit:export")
    def verify_audit_logs(query: s.AuditVerifyQuery) -> Response:
        """Verify the audit chain and its signed checkpoints over a range of sequence numbers.

        Needs `audit:export`. `ok: false` lists each problem found (`seq`, `reason`).
        """
        report = trail.verify(query.first_seq, query.last_seq)
        return envelope.success(dataclasses.asdict(report))

    @api.get("/audit-logs/checkpoints", security=BEARER, responses=listed(s.AuditCheckpoint))
    @require_permission("audit:view")
    def list_audit_checkpoints(query: s.AuditCheckpointQuery) -> Response:
        """List the signed checkpoints of the audit chain, largest first.

        Needs `audit:view`. `before_size` is kept as an alias of a cursor.
        """
        limit = query.page_size
        items = trail.checkpoints(after_size=_checkpoint_window(query), limit=limit + 1)
        page, more = items[:limit], len(items) > limit
        next_cursor = encode_cursor({"below": page[-1].size}) if more else None
        return cursor_response([dataclasses.asdict(c) for c in page], next_cursor=next_cursor, limit=limit)

    @api.get("/audit-logs/public-keys", security=BEARER, responses=listed(s.AuditPublicKey))
    @require_permission("audit:view")
    def list_audit_public_keys() -> Response:
        """List the Ed25519 public keys that checkpoints, exports and archives are signed with.

        Needs `audit:view`. A bounded set (the current and retired keys): one page.
        """
        keys = trail.public_keys()
        return bounded_response(
            [{"key_id": kid, "algorithm": "Ed25519", "public_key": key} for kid, key in keys.items()]
        )


def _export_routes(api: APIBlueprint, exports: AuditExports) -> None:
    @api.get(
        "/audit-logs/export",
        security=BEARER,
        responses=download(tuple(CONTENT_TYPES.values())),
    )
    @require_permission("audit:export")
    def export_audit_logs(query: s.AuditExportQuery) -> Response:
        """Export a run of the audit chain as JSON Lines or CSV.

        Needs `audit:export`. The file streams; its id is in `X-Export-Id`, and its manifest is
        at /audit-logs/exports/{export_id}/manifest once the download has finished. Entries
        already archived are exported from their archive files (422 naming `from_seq`).
        """
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

    @api.get(
        "/audit-logs/exports/<uuid:export_id>/manifest",
        security=BEARER,
        responses=ok(s.AuditExportManifest),
    )
    @require_permission("audit:export")
    def get_audit_export_manifest(path: s.AuditExportPath) -> Response:
        """Get the manifest of a finished audit export.

        Needs `audit:export`. 404 until the export's download has finished.
        """
        manifest = exports.manifest(path.export_id)
        if manifest is None:
            raise NotFound("No completed export with this id")
        return envelope.success(manifest)
