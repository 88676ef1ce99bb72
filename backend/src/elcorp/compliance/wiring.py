"""Compliance wires itself: the audit trail, the privacy programme (register, notices,
consent, data-subject requests, access bundles), erasure and retention, SLA tracking,
incidents and breach notification, the risk register and the regulatory reports.

Compliance reads every other context, through what they publish: the composition root
hands their public APIs to `wire()`, collected in `Upstream`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_openapi3 import APIBlueprint

from elcorp.compliance.application.access_bundle import AccessBundles
from elcorp.compliance.application.access_bundle_sources import PrivacyPersonalData
from elcorp.compliance.application.audit_scope import AuditScope
from elcorp.compliance.application.breach import BreachEscalationMailer, BreachNotifications
from elcorp.compliance.application.consent import ConsentLedger
from elcorp.compliance.application.consent_marketing import MarketingDigest
from elcorp.compliance.application.erasure import SubjectErasureService
from elcorp.compliance.application.incidents import Incidents
from elcorp.compliance.application.incidents_alarms import AlarmIncidents
from elcorp.compliance.application.incidents_report import IncidentsReport
from elcorp.compliance.application.legal_hold import LegalHolds
from elcorp.compliance.application.notices import PrivacyNotices
from elcorp.compliance.application.privacy_ports import MarketingOptOut, SubjectErasure
from elcorp.compliance.application.privacy_register import ProcessingRegister, ResponsibleParty
from elcorp.compliance.application.privacy_requests import PrivacyRequests
from elcorp.compliance.application.privacy_requests_mail import PrivacyRequestMailer
from elcorp.compliance.application.report_ports import ReportSource
from elcorp.compliance.application.reports import RegulatoryReports
from elcorp.compliance.application.reports_sources import (
    AuditReport,
    LargeTransactionsReport,
    PrivacyRequestsReport,
    TransactionsReport,
)
from elcorp.compliance.application.retention import IdempotencyPurge, Retention
from elcorp.compliance.application.risks import RiskRegister
from elcorp.compliance.application.risks_mail import RiskReviewMailer
from elcorp.compliance.application.sla import SlaTracking
from elcorp.compliance.application.sla_feeds import SlaFeeds
from elcorp.compliance.application.sla_mail import SlaMailer
from elcorp.compliance.application.sla_report import SlaReportSource
from elcorp.compliance.domain.breach import BreachEscalationDue
from elcorp.compliance.domain.breach_letter import LetterContext
from elcorp.compliance.domain.business_calendar import BusinessHours, HolidayCalendar, RoundTheClock
from elcorp.compliance.domain.erasure import RetentionYears
from elcorp.compliance.domain.events import (
    AuditSequencerStalled,
    AuditVerificationFailed,
    IncidentOpened,
    IncidentStatusChanged,
)
from elcorp.compliance.domain.incidents import PriorityMatrix
from elcorp.compliance.domain.privacy_requests import (
    AccessBundleRequested,
    PrivacyRequestClosed,
    PrivacyRequestExtended,
    PrivacyRequestFiled,
    PrivacyRequestVerificationRecorded,
)
from elcorp.compliance.domain.risks import RiskReviewDue
from elcorp.compliance.domain.sla import ClockKind
from elcorp.compliance.domain.sla_events import SlaCaseEscalated
from elcorp.compliance.infrastructure.archive import AuditArchiver
from elcorp.compliance.infrastructure.audit_store import SqlAuditTrail
from elcorp.compliance.infrastructure.breach_pdf import PdfBreachLetters
from elcorp.compliance.infrastructure.consent_store import SqlConsentUnitOfWork
from elcorp.compliance.infrastructure.data_flow_svg import SvgDataFlowDiagrams
from elcorp.compliance.infrastructure.data_inventory import metadata_declarations
from elcorp.compliance.infrastructure.erasure_store import (
    Pseudonyms,
    SqlConsentEvidenceErasure,
    SqlRetentionUnitOfWork,
)
from elcorp.compliance.infrastructure.export import SqlAuditExports
from elcorp.compliance.infrastructure.incidents import SqlIncidentsUnitOfWork
from elcorp.compliance.infrastructure.paia_pdf import PdfPaiaDocuments
from elcorp.compliance.infrastructure.privacy_register import SqlPrivacyRegisterUnitOfWork
from elcorp.compliance.infrastructure.privacy_requests import (
    SqlCorrectionRecipients,
    SqlPrivacyRequestsUnitOfWork,
)
from elcorp.compliance.infrastructure.reports import (
    SqlAuditFigures,
    SqlPrivacyRequestFigures,
    SqlReportsUnitOfWork,
)
from elcorp.compliance.infrastructure.reports_pdf import PdfReportDocuments
from elcorp.compliance.infrastructure.retention_files import DirectoryRetention
from elcorp.compliance.infrastructure.risks import SqlIncidentDirectory, SqlRisksUnitOfWork
from elcorp.compliance.infrastructure.sequencer import AuditSequencer
from elcorp.compliance.infrastructure.signing import CheckpointSigner
from elcorp.compliance.infrastructure.sla import sla_unit_of_work
from elcorp.compliance.interfaces import consent as consent_routes
from elcorp.compliance.interfaces import http as audit_routes
from elcorp.compliance.interfaces import incidents as incident_routes
from elcorp.compliance.interfaces import privacy_register as register_routes
from elcorp.compliance.interfaces import privacy_requests as request_routes
from elcorp.compliance.interfaces import reports as report_routes
from elcorp.compliance.interfaces import retention as retention_routes
from elcorp.compliance.interfaces import risks as risk_routes
from elcorp.compliance.interfaces import sla as sla_routes
from elcorp.governance.application.api import (
    AccessControl,
    OrganizationDirectory,
    PermissionHolders,
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCancelled,
    ServiceRequestCompleted,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
)
from elcorp.identity.application.api import (
    AccountLocked,
    ProfileCorrections,
    SecurityNotice,
    UserDirectory,
    UserRegistered,
)
from elcorp.infra import Infrastructure
from elcorp.payments.application.api import LedgerIntegrityFailed, LedgerReports
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.application.personal_data_erasure import ExpiredDataPurger, PersonalDataEraser
from elcorp.shared.application.personal_data_export import PersonalDataExporter
from elcorp.shared.domain.clock import Clock
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork


@dataclass(frozen=True)
class Upstream:
    """What compliance receives from the rest of the platform."""

    infra: Infrastructure
    access: AccessControl
    users: UserDirectory
    organizations: OrganizationDirectory
    permission_holders: PermissionHolders
    holidays: HolidayCalendar  # the business calendar of the SLA clocks (governance's)
    corrections: ProfileCorrections
    exporters: Sequence[PersonalDataExporter]  # every other context's, for access bundles
    erasers: Sequence[PersonalDataEraser]  # identity first: it knows whether the subject exists
    purgers: Sequence[ExpiredDataPurger]
    ledger: LedgerReports
    idempotency: IdempotencyPurge


@dataclass(frozen=True)
class ComplianceModule:
    upstream: Upstream
    audit_sequencer: AuditSequencer
    audit_trail: SqlAuditTrail
    audit_scope: AuditScope
    audit_exports: SqlAuditExports
    audit_archiver: AuditArchiver
    privacy_register: ProcessingRegister  # the data inventory, processing register, PAIA manual
    notices: PrivacyNotices
    consents: ConsentLedger  # also the MarketingOptOut of the data-subject requests
    marketing_digest: MarketingDigest
    erasure: SubjectErasureService
    legal_holds: LegalHolds
    retention: Retention
    privacy_request_mailer: PrivacyRequestMailer
    privacy_requests: PrivacyRequests
    access_bundles: AccessBundles
    sla: SlaTracking
    sla_feeds: SlaFeeds
    sla_mailer: SlaMailer
    incidents: Incidents
    incident_alarms: AlarmIncidents
    breach_notifications: BreachNotifications
    breach_mailer: BreachEscalationMailer
    incidents_report: IncidentsReport
    reports: RegulatoryReports
    risks: RiskRegister
    risk_mailer: RiskReviewMailer

    def blueprints(self) -> list[APIBlueprint]:
        return [
            audit_routes.blueprint(self.audit_scope, self.audit_trail, self.audit_exports),
            register_routes.blueprint(self.privacy_register),
            consent_routes.blueprint(self.notices, self.consents),
            request_routes.blueprint(self.privacy_requests),
            retention_routes.blueprint(self.retention, self.legal_holds),
            incident_routes.blueprint(self.incidents, self.breach_notifications),
            sla_routes.blueprint(self.sla),
            risk_routes.blueprint(self.risks),
            report_routes.blueprint(self.reports),
        ]

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(UserRegistered, self.consents.on_user_registered)
        bus.subscribe(AccessBundleRequested, self.access_bundles.on_requested)
        bus.subscribe(PrivacyRequestClosed, self.privacy_request_mailer.on_closed)
        # Alarms open automatic incidents (one active incident per alarm key).
        alarms = self.incident_alarms
        bus.subscribe(LedgerIntegrityFailed, alarms.on_ledger_integrity_failed)
        bus.subscribe(AuditVerificationFailed, alarms.on_audit_verification_failed)
        bus.subscribe(AuditSequencerStalled, alarms.on_audit_sequencer_stalled)
        bus.subscribe(SecurityNotice, alarms.on_security_notice)
        bus.subscribe(AccountLocked, alarms.on_account_locked)
        bus.subscribe(BreachEscalationDue, self.breach_mailer.on_escalation_due)
        bus.subscribe(RiskReviewDue, self.risk_mailer.on_review_due)
        self._subscribe_sla(bus)

    def _subscribe_sla(self, bus: MessageBus) -> None:
        """Each tracked case's history follows its owner's events."""
        feeds = self.sla_feeds
        bus.subscribe(ServiceRequestSubmitted, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestAssigned, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestApproved, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestRejected, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestCompleted, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestCancelled, feeds.on_service_request_event)
        bus.subscribe(IncidentOpened, feeds.on_incident_opened)
        bus.subscribe(IncidentStatusChanged, feeds.on_incident_status_changed)
        bus.subscribe(PrivacyRequestFiled, feeds.on_privacy_request_filed)
        bus.subscribe(PrivacyRequestVerificationRecorded, feeds.on_privacy_request_verification)
        bus.subscribe(PrivacyRequestExtended, feeds.on_privacy_request_extended)
        bus.subscribe(PrivacyRequestClosed, feeds.on_privacy_request_closed)
        bus.subscribe(SlaCaseEscalated, self.sla_mailer.on_escalated)


@dataclass(frozen=True)
class _Audit:
    sequencer: AuditSequencer
    trail: SqlAuditTrail
    exports: SqlAuditExports
    archiver: AuditArchiver
    signer: CheckpointSigner


@dataclass(frozen=True)
class _Privacy:
    register: ProcessingRegister
    notices: PrivacyNotices
    consents: ConsentLedger
    digest: MarketingDigest


@dataclass(frozen=True)
class _Retention:
    erasure: SubjectErasureService
    legal_holds: LegalHolds
    retention: Retention


@dataclass(frozen=True)
class _Incidents:
    incidents: Incidents
    alarms: AlarmIncidents
    breaches: BreachNotifications
    breach_mailer: BreachEscalationMailer
    report: IncidentsReport


def wire(
    infra: Infrastructure,
    *,
    access: AccessControl,
    users: UserDirectory,
    organizations: OrganizationDirectory,
    permission_holders: PermissionHolders,
    holidays: HolidayCalendar,
    corrections: ProfileCorrections,
    exporters: Sequence[PersonalDataExporter],
    erasers: Sequence[PersonalDataEraser],
    purgers: Sequence[ExpiredDataPurger],
    ledger: LedgerReports,
    idempotency: IdempotencyPurge,
) -> ComplianceModule:
    """Compliance on what the other contexts publish (their public APIs, handed in)."""
    up = Upstream(
        infra=infra,
        access=access,
        users=users,
        organizations=organizations,
        permission_holders=permission_holders,
        holidays=holidays,
        corrections=corrections,
        exporters=exporters,
        erasers=erasers,
        purgers=purgers,
        ledger=ledger,
        idempotency=idempotency,
    )
    return _module(up)


def _module(up: Upstream) -> ComplianceModule:
    infra, access, users, holders = up.infra, up.access, up.users, up.permission_holders
    audit = _audit(up)
    privacy, kept = _privacy(up, audit.signer), _retention(up)
    request_mailer = PrivacyRequestMailer(users, infra.mail, infra.public_base_url)
    requests = _privacy_requests(up, kept.erasure, privacy.consents, request_mailer)
    tracking, found = _sla(up, None), _incidents(up)
    sources = _report_sources(up, audit.trail, tracking, found.report)
    sessions = infra.session_factory
    return ComplianceModule(
        upstream=up,
        audit_sequencer=audit.sequencer,
        audit_trail=audit.trail,
        audit_scope=AuditScope(access, up.organizations),
        audit_exports=audit.exports,
        audit_archiver=audit.archiver,
        privacy_register=privacy.register,
        notices=privacy.notices,
        consents=privacy.consents,
        marketing_digest=privacy.digest,
        erasure=kept.erasure,
        legal_holds=kept.legal_holds,
        retention=kept.retention,
        privacy_request_mailer=request_mailer,
        privacy_requests=requests,
        access_bundles=AccessBundles(
            lambda: SqlPrivacyRequestsUnitOfWork(sessions),
            [*up.exporters, PrivacyPersonalData(audit.trail, requests, privacy.consents)],
        ),
        sla=tracking,
        sla_feeds=SlaFeeds(tracking),
        sla_mailer=SlaMailer(holders, users, infra.mail, infra.public_base_url),
        incidents=found.incidents,
        incident_alarms=found.alarms,
        breach_notifications=found.breaches,
        breach_mailer=found.breach_mailer,
        incidents_report=found.report,
        reports=_reports(up, sources, None),
        risks=RiskRegister(
            lambda: SqlRisksUnitOfWork(sessions), access, users, SqlIncidentDirectory(sessions)
        ),
        risk_mailer=RiskReviewMailer(users, infra.mail, infra.public_base_url, holders.globally),
    )


def _audit(up: Upstream) -> _Audit:
    settings, sessions = up.infra.settings, up.infra.session_factory
    signer = CheckpointSigner(settings.audit_signing_keys(), settings.audit_retired_public_keys())
    tx: Callable[[], SqlAlchemyUnitOfWork] = lambda: SqlAlchemyUnitOfWork(sessions)  # noqa: E731
    return _Audit(
        sequencer=AuditSequencer(
            sessions,
            signer,
            batch_size=settings.AUDIT_SEQUENCER_BATCH,
            checkpoint_every_entries=settings.AUDIT_CHECKPOINT_EVERY_ENTRIES,
            checkpoint_every_seconds=settings.AUDIT_CHECKPOINT_EVERY_SECONDS,
        ),
        trail=SqlAuditTrail(sessions, signer),
        exports=SqlAuditExports(sessions, tx, signer),
        archiver=AuditArchiver(
            sessions, tx, signer, lookback=timedelta(seconds=settings.AUDIT_SEQUENCER_LOOKBACK_SECONDS)
        ),
        signer=signer,
    )


def _privacy(up: Upstream, signer: CheckpointSigner) -> _Privacy:
    settings, sessions, infra = up.infra.settings, up.infra.session_factory, up.infra
    consent_uow = lambda: SqlConsentUnitOfWork(sessions)  # noqa: E731
    # Receipts are signed with the audit signing keys (Ed25519, rotatable by kid).
    consents = ConsentLedger(
        consent_uow, up.access, up.users, signer, public_base_url=settings.PUBLIC_BASE_URL
    )
    return _Privacy(
        # Every context's tables are imported by then, so the metadata's declarations are complete.
        register=ProcessingRegister(
            lambda: SqlPrivacyRegisterUnitOfWork(sessions),
            up.access,
            metadata_declarations,
            PdfPaiaDocuments(),
            SvgDataFlowDiagrams(),
            ResponsibleParty(settings.INVOICE_ISSUER_NAME, settings.INVOICE_ISSUER_ADDRESS),
        ),
        notices=PrivacyNotices(consent_uow, up.access),
        consents=consents,
        digest=MarketingDigest(
            consents,
            up.users,
            infra.mail,
            lambda: SqlAlchemyUnitOfWork(sessions),
            public_base_url=infra.public_base_url,
        ),
    )


def _retention(up: Upstream) -> _Retention:
    """Erasure with every context's eraser, legal holds, retention policies and the purge."""
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
    return _Retention(erasure, LegalHolds(uow), retention)


def _privacy_requests(
    up: Upstream, erasure: SubjectErasure, opt_out: MarketingOptOut, notices: PrivacyRequestMailer
) -> PrivacyRequests:
    sessions = up.infra.session_factory
    return PrivacyRequests(
        lambda: SqlPrivacyRequestsUnitOfWork(sessions),
        up.access,
        up.users,
        up.corrections,
        erasure,
        opt_out,
        recipients=SqlCorrectionRecipients(sessions),
        notices=notices,
    )


def build_privacy_requests(
    module: ComplianceModule,
    *,
    erasure: SubjectErasure | None = None,
    opt_out: MarketingOptOut | None = None,
) -> PrivacyRequests:
    """The data-subject request service; `erasure` and `opt_out` carry out an erasure and a
    marketing opt-out (by default the module's erasure service and consent ledger; tests may
    hand others)."""
    return _privacy_requests(
        module.upstream,
        erasure or module.erasure,
        opt_out or module.consents,
        module.privacy_request_mailer,
    )


def _sla(up: Upstream, clock: Clock | None) -> SlaTracking:
    return SlaTracking(
        sla_unit_of_work(up.infra.session_factory),
        up.access,
        {ClockKind.BUSINESS_HOURS: BusinessHours(up.holidays), ClockKind.ROUND_THE_CLOCK: RoundTheClock()},
        clock=clock,
    )


def build_sla(module: ComplianceModule, *, clock: Clock | None = None) -> SlaTracking:
    """SLA tracking on the business calendar of the settings (the `holidays` package's
    country calendar plus BUSINESS_HOLIDAYS_EXTRA); tests may hand a clock."""
    return _sla(module.upstream, clock)


def _incidents(up: Upstream) -> _Incidents:
    """Incidents (priority matrix from settings), the alarm handlers, breach notification
    with its letter and escalation mail, and the `incidents` report source."""
    settings, sessions, infra = up.infra.settings, up.infra.session_factory, up.infra
    uow = lambda: SqlIncidentsUnitOfWork(sessions)  # noqa: E731
    incidents = Incidents(
        uow, up.access, up.users, matrix=PriorityMatrix.parse(settings.INCIDENT_PRIORITY_MATRIX)
    )
    return _Incidents(
        incidents=incidents,
        alarms=AlarmIncidents(
            incidents,
            lockout_threshold=settings.INCIDENT_LOCKOUT_THRESHOLD,
            lockout_window_seconds=settings.INCIDENT_LOCKOUT_WINDOW_SECONDS,
        ),
        breaches=BreachNotifications(
            uow,
            PdfBreachLetters(),
            LetterContext(
                settings.INVOICE_ISSUER_NAME, settings.INVOICE_ISSUER_ADDRESS, settings.BREACH_CONTACT
            ),
            target_hours=settings.BREACH_NOTIFICATION_TARGET_HOURS,
        ),
        breach_mailer=BreachEscalationMailer(
            up.permission_holders, up.users, infra.mail, infra.public_base_url
        ),
        report=IncidentsReport(uow, settings.BREACH_NOTIFICATION_TARGET_HOURS),
    )


def _report_sources(
    up: Upstream, trail: SqlAuditTrail, tracking: SlaTracking, incidents: IncidentsReport
) -> list[ReportSource]:
    """Every report source: the ledger, the data-subject requests, the audit trail, the SLA
    tracking and the incidents."""
    sessions = up.infra.session_factory
    return [
        TransactionsReport(up.ledger),
        LargeTransactionsReport(up.ledger, {"NAD": up.infra.settings.REPORT_LARGE_TRANSACTION_THRESHOLD}),
        PrivacyRequestsReport(SqlPrivacyRequestFigures(sessions)),
        AuditReport(SqlAuditFigures(sessions), trail),
        SlaReportSource(tracking),
        incidents,
    ]


def report_sources(module: ComplianceModule) -> list[ReportSource]:
    """The report sources of a built module (tests pick some of them)."""
    return _report_sources(module.upstream, module.audit_trail, module.sla, module.incidents_report)


def _reports(up: Upstream, sources: list[ReportSource], clock: Clock | None) -> RegulatoryReports:
    sessions = up.infra.session_factory
    return RegulatoryReports(
        lambda: SqlReportsUnitOfWork(sessions), up.access, sources, PdfReportDocuments(), clock=clock
    )


def build_reports(
    module: ComplianceModule,
    *,
    sources: list[ReportSource] | None = None,
    clock: Clock | None = None,
) -> RegulatoryReports:
    """The regulatory report service (tests may hand their own sources or clock)."""
    return _reports(module.upstream, report_sources(module) if sources is None else sources, clock)
