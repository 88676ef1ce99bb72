"""The retention feature wires itself: erasure with every context's eraser, legal holds,
the retention policies and the purge."""

from __future__ import annotations

from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.retention.application.erasure import SubjectErasureService
from elcorp.compliance.retention.application.legal_hold import LegalHolds
from elcorp.compliance.retention.application.retention import Retention
from elcorp.compliance.retention.domain.erasure import RetentionYears
from elcorp.compliance.retention.infrastructure.erasure_store import (
    Pseudonyms,
    SqlConsentEvidenceErasure,
    SqlRetentionUnitOfWork,
)
from elcorp.compliance.retention.infrastructure.retention_files import DirectoryRetention
from elcorp.compliance.retention.interfaces import retention as retention_routes
from elcorp.compliance.retention.interfaces.jobs import jobs as retention_jobs
from elcorp.compliance.upstream import Upstream
from elcorp.shared.application.jobs import Job


@dataclass(frozen=True)
class RetentionFeature:
    erasure: SubjectErasureService  # also the SubjectErasure of the data-subject requests
    legal_holds: LegalHolds
    retention: Retention

    def jobs(self, *, dry_run_by_default: bool) -> list[Job]:
        """`dry_run_by_default`: RETENTION_PURGE_DRY_RUN."""
        return retention_jobs(self.retention, dry_run_by_default=dry_run_by_default)

    def blueprints(self) -> list[APIBlueprint]:
        return [retention_routes.blueprint(self.retention, self.legal_holds)]


def wire(up: Upstream) -> RetentionFeature:
    settings, sessions, cipher = up.infra.settings, up.infra.session_factory, up.infra.cipher
    uow = lambda: SqlRetentionUnitOfWork(sessions, cipher)  # noqa: E731
    years = RetentionYears(settings.RETENTION_FIA_CUSTOMER_YEARS, settings.RETENTION_FIA_TRANSACTION_YEARS)
    erasure = SubjectErasureService(
        uow,
        [*up.erasers, SqlConsentEvidenceErasure()],
        Pseudonyms(settings.LOOKUP_HASH_KEY.get_secret_value()),
        years,
    )
    exports = settings.RETENTION_EXPORTS_DIR or settings.VAR_DIR / "exports"
    retention = Retention(
        uow,
        up.purgers,
        DirectoryRetention({"mail": settings.VAR_DIR / "mail", "exports": exports}),
        up.idempotency,
        customer_years=years.customer,
        transaction_years=years.transaction,
    )
    return RetentionFeature(erasure, LegalHolds(uow), retention)
