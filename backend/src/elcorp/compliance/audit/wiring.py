"""The audit feature wires itself: the sequencer that chains the kernel's audit_log, the
trail, signed exports and archives, all signed with the audit signing keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_openapi3 import APIBlueprint

from elcorp.compliance.audit.application.audit_scope import AuditScope
from elcorp.compliance.audit.infrastructure.archive import AuditArchiver
from elcorp.compliance.audit.infrastructure.audit_store import SqlAuditTrail
from elcorp.compliance.audit.infrastructure.export import SqlAuditExports
from elcorp.compliance.audit.infrastructure.sequencer import AuditSequencer
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.compliance.audit.interfaces import http as audit_routes
from elcorp.compliance.upstream import Upstream
from elcorp.shared.application.jobs import Job
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork


@dataclass(frozen=True)
class AuditFeature:
    sequencer: AuditSequencer
    trail: SqlAuditTrail
    scope: AuditScope
    exports: SqlAuditExports
    archiver: AuditArchiver

    def jobs(self) -> list[Job]:
        """The audit log's sequencing, watch, verification, archive and partitions run as
        the platform's own jobs (they need the engine and the settings, not this feature)."""
        return []

    def blueprints(self) -> list[APIBlueprint]:
        return [audit_routes.blueprint(self.scope, self.trail, self.exports)]


def checkpoint_signer(up: Upstream) -> CheckpointSigner:
    """The audit signing keys' signer (Ed25519, rotatable by kid): it signs the checkpoints,
    exports and archives, and the consent receipts."""
    settings = up.infra.settings
    return CheckpointSigner(settings.audit_signing_keys(), settings.audit_retired_public_keys())


def wire(up: Upstream, *, signer: CheckpointSigner) -> AuditFeature:
    settings, sessions = up.infra.settings, up.infra.session_factory
    tx: Callable[[], SqlAlchemyUnitOfWork] = lambda: SqlAlchemyUnitOfWork(sessions)  # noqa: E731
    return AuditFeature(
        sequencer=AuditSequencer(
            sessions,
            signer,
            batch_size=settings.AUDIT_SEQUENCER_BATCH,
            checkpoint_every_entries=settings.AUDIT_CHECKPOINT_EVERY_ENTRIES,
            checkpoint_every_seconds=settings.AUDIT_CHECKPOINT_EVERY_SECONDS,
        ),
        trail=SqlAuditTrail(sessions, signer),
        scope=AuditScope(up.access, up.organizations),
        exports=SqlAuditExports(sessions, tx, signer),
        archiver=AuditArchiver(
            sessions, tx, signer, lookback=timedelta(seconds=settings.AUDIT_SEQUENCER_LOOKBACK_SECONDS)
        ),
    )
