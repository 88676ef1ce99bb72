"""PostgreSQL adapter of the audit port: one INSERT in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from elcorp.shared.application import context
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.clock import utc_now
from elcorp.shared.infrastructure.tables import audit_log

MAX_USER_AGENT = 512


class SqlAuditLog:
    """Appends to `audit_log` through the unit of work's session; never commits itself."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self,
        action: str,
        actor: Actor,
        resource: Resource,
        changes: Changes | None = None,
        reason: str | None = None,
    ) -> None:
        ctx = context.current()
        diff = changes or Changes()
        self._session.execute(
            insert(audit_log).values(
                occurred_at=utc_now(),
                action=action,
                actor_id=actor.id,
                actor_roles=list(actor.roles),
                resource_type=resource.type,
                resource_id=resource.id,
                changes={"before": diff.before, "after": diff.after},
                reason=reason,
                ip=ctx.ip,
                user_agent=(ctx.user_agent or "")[:MAX_USER_AGENT] or None,
                request_id=ctx.request_id,
            )
        )
