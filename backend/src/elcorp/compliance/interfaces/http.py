"""HTTP routes of the compliance context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from flask import Response, current_app

from elcorp.compliance.application.audit_trail import AuditFilter, AuditRecord, AuditTrail
from elcorp.compliance.interfaces.schemas import AuditQuery, CheckpointQuery, VerifyQuery
from elcorp.shared.application.pagination import decode_cursor, encode_cursor
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import BEARER, context_blueprint
from elcorp.shared.interfaces.auth import require_permission

api = context_blueprint(
    "compliance",
    "the audit trail, retention and purge, POPIA (consent, data-subject requests, breach "
    "notification), SLAs, incidents, risks, regulatory reports",
)


def trail() -> AuditTrail:
    found: AuditTrail = current_app.extensions["elcorp.audit"]
    return found


def record_json(record: AuditRecord) -> dict[str, object]:
    return {**record.entry, "seq": record.seq, "hash": record.hash}


@api.get("/audit-logs", security=BEARER)
@require_permission("audit:view")
def list_audit_logs(query: AuditQuery) -> Response:
    after = None
    if query.cursor:
        position = decode_cursor(query.cursor)
        try:
            after = (datetime.fromisoformat(position["at"]), uuid.UUID(position["id"]))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValidationFailed(details=[{"field": "cursor", "message": "invalid cursor"}]) from exc
    criteria = AuditFilter(
        actor_id=query.actor_id,
        action=query.action,
        resource_type=query.resource_type,
        resource_id=query.resource_id,
        request_id=query.request_id,
        occurred_from=query.occurred_from,
        occurred_to=query.occurred_to,
    )
    records = trail().search(criteria, after=after, limit=query.limit + 1)
    page, more = records[: query.limit], len(records) > query.limit
    next_cursor = None
    if more:
        last = page[-1].entry
        next_cursor = encode_cursor({"at": last["occurred_at"].replace("Z", "+00:00"), "id": last["id"]})
    return envelope.success([record_json(r) for r in page], meta={"next_cursor": next_cursor})


@api.get("/audit-logs/verify", security=BEARER)
@require_permission("audit:export")
def verify_audit_logs(query: VerifyQuery) -> Response:
    report = trail().verify(query.first_seq, query.last_seq)
    return envelope.success(dataclasses.asdict(report))


@api.get("/audit-logs/checkpoints", security=BEARER)
@require_permission("audit:view")
def audit_checkpoints(query: CheckpointQuery) -> Response:
    items = trail().checkpoints(after_size=query.before_size, limit=query.limit)
    return envelope.success([dataclasses.asdict(c) for c in items], meta={"total": len(items)})


@api.get("/audit-logs/public-keys", security=BEARER)
@require_permission("audit:view")
def audit_public_keys() -> Response:
    keys = trail().public_keys()
    return envelope.success(
        [{"key_id": kid, "algorithm": "Ed25519", "public_key": key} for kid, key in keys.items()]
    )
