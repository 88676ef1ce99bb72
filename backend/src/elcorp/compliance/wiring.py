"""Compliance wires itself: the audit trail, the privacy programme (register, notices,
consent, data-subject requests, access bundles), erasure and retention, SLA tracking,
incidents and breach notification, the risk register and the regulatory reports.

Compliance reads every other context, through what they publish: the composition root
hands their public APIs to `wire()`, collected in `Upstream`. Each feature wires itself
(`<feature>/wiring.py`, handed what it needs of the features built before it); this module
composes them, in dependency order, into the `ComplianceModule`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.audit import wiring as audit_wiring
from elcorp.compliance.audit.application.audit_scope import AuditScope
from elcorp.compliance.audit.infrastructure.archive import AuditArchiver
from elcorp.compliance.audit.infrastructure.audit_store import SqlAuditTrail
from elcorp.compliance.audit.infrastructure.export import SqlAuditExports
from elcorp.compliance.audit.infrastructure.sequencer import AuditSequencer
from elcorp.compliance.audit.wiring import AuditFeature
from elcorp.compliance.consent import wiring as consent_wiring
from elcorp.compliance.consent.application.consent import ConsentLedger
from elcorp.compliance.consent.application.consent_marketing import MarketingDigest
from elcorp.compliance.consent.application.notices import PrivacyNotices
from elcorp.compliance.consent.wiring import ConsentFeature
from elcorp.compliance.incidents import wiring as incidents_wiring
from elcorp.compliance.incidents.application.breach import BreachEscalationMailer, BreachNotifications
from elcorp.compliance.incidents.application.incidents import Incidents
from elcorp.compliance.incidents.application.incidents_alarms import AlarmIncidents
from elcorp.compliance.incidents.application.incidents_report import IncidentsReport
from elcorp.compliance.incidents.application.incidents_summary import IncidentsSummary
from elcorp.compliance.incidents.wiring import IncidentsFeature
from elcorp.compliance.privacy import wiring as privacy_wiring
from elcorp.compliance.privacy.application.access_bundle import AccessBundles
from elcorp.compliance.privacy.application.privacy_ports import MarketingOptOut, SubjectErasure
from elcorp.compliance.privacy.application.privacy_register import ProcessingRegister
from elcorp.compliance.privacy.application.privacy_requests import PrivacyRequests
from elcorp.compliance.privacy.application.privacy_requests_mail import PrivacyRequestMailer
from elcorp.compliance.privacy.wiring import PrivacyFeature
from elcorp.compliance.reports import wiring as reports_wiring
from elcorp.compliance.reports.application.report_ports import ReportSource
from elcorp.compliance.reports.application.reports import RegulatoryReports
from elcorp.compliance.reports.wiring import ReportsFeature
from elcorp.compliance.retention import wiring as retention_wiring
from elcorp.compliance.retention.application.erasure import SubjectErasureService
from elcorp.compliance.retention.application.legal_hold import LegalHolds
from elcorp.compliance.retention.application.retention import IdempotencyPurge, Retention
from elcorp.compliance.retention.wiring import RetentionFeature
from elcorp.compliance.risks import wiring as risks_wiring
from elcorp.compliance.risks.application.risks import RiskRegister
from elcorp.compliance.risks.application.risks_mail import RiskReviewMailer
from elcorp.compliance.risks.wiring import RisksFeature
from elcorp.compliance.sla import wiring as sla_wiring
from elcorp.compliance.sla.application.sla import SlaTracking
from elcorp.compliance.sla.application.sla_feeds import SlaFeeds
from elcorp.compliance.sla.application.sla_mail import SlaMailer
from elcorp.compliance.sla.domain.business_calendar import HolidayCalendar
from elcorp.compliance.sla.wiring import SlaFeature
from elcorp.compliance.upstream import Upstream
from elcorp.governance.application.api import AccessControl, OrganizationDirectory, PermissionHolders
from elcorp.identity.application.api import ProfileCorrections, UserDirectory
from elcorp.infra import Infrastructure
from elcorp.payments.application.api import LedgerReports
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.application.personal_data_erasure import ExpiredDataPurger, PersonalDataEraser
from elcorp.shared.application.personal_data_export import PersonalDataExporter
from elcorp.shared.domain.clock import Clock


@dataclass(frozen=True)
class ComplianceFeatures:
    """The features, each with its services and the routes and event handlers it owns."""

    audit: AuditFeature
    consent: ConsentFeature
    retention: RetentionFeature
    privacy: PrivacyFeature
    sla: SlaFeature
    incidents: IncidentsFeature
    reports: ReportsFeature
    risks: RisksFeature


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
    incidents_summary: IncidentsSummary
    reports: RegulatoryReports
    risks: RiskRegister
    risk_mailer: RiskReviewMailer

    def features(self) -> ComplianceFeatures:
        """The features this module's services make up: the routes and handlers are those
        of the module's fields (a module with a service replaced serves the replacement)."""
        return ComplianceFeatures(
            audit=AuditFeature(
                sequencer=self.audit_sequencer,
                trail=self.audit_trail,
                scope=self.audit_scope,
                exports=self.audit_exports,
                archiver=self.audit_archiver,
            ),
            consent=ConsentFeature(
                notices=self.notices, consents=self.consents, digest=self.marketing_digest
            ),
            retention=RetentionFeature(
                erasure=self.erasure, legal_holds=self.legal_holds, retention=self.retention
            ),
            privacy=PrivacyFeature(
                register=self.privacy_register,
                request_mailer=self.privacy_request_mailer,
                requests=self.privacy_requests,
                access_bundles=self.access_bundles,
            ),
            sla=SlaFeature(tracking=self.sla, feeds=self.sla_feeds, mailer=self.sla_mailer),
            incidents=IncidentsFeature(
                incidents=self.incidents,
                alarms=self.incident_alarms,
                breaches=self.breach_notifications,
                breach_mailer=self.breach_mailer,
                report=self.incidents_report,
                summary=self.incidents_summary,
            ),
            reports=ReportsFeature(reports=self.reports),
            risks=RisksFeature(register=self.risks, mailer=self.risk_mailer),
        )

    def jobs(self) -> list[Job]:
        """Every feature's jobs; audit's run as the platform's own."""
        f = self.features()
        dry_run = self.upstream.infra.settings.RETENTION_PURGE_DRY_RUN
        return [
            *f.audit.jobs(),
            *f.consent.jobs(),
            *f.privacy.jobs(),
            *f.retention.jobs(dry_run_by_default=dry_run),
            *f.incidents.jobs(),
            *f.sla.jobs(),
            *f.risks.jobs(),
            *f.reports.jobs(),
        ]

    def blueprints(self) -> list[APIBlueprint]:
        f = self.features()
        # The order the API has always registered them in: the register's routes come
        # before consent's, the data-subject requests' after.
        register_routes, request_routes = f.privacy.blueprints()
        return [
            *f.audit.blueprints(),
            register_routes,
            *f.consent.blueprints(),
            request_routes,
            *f.retention.blueprints(),
            *f.incidents.blueprints(),
            *f.sla.blueprints(),
            *f.risks.blueprints(),
            *f.reports.blueprints(),
        ]

    def subscribe(self, bus: MessageBus) -> None:
        """Audit, retention and reports handle no events; the SLA feeds, which follow the
        other features' events, subscribe last."""
        f = self.features()
        f.consent.subscribe(bus)
        f.privacy.subscribe(bus)
        f.incidents.subscribe(bus)
        f.risks.subscribe(bus)
        f.sla.subscribe(bus)


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
    return _module(up, _features(up))


def _features(up: Upstream) -> ComplianceFeatures:
    """The features in dependency order, each handed what it needs of those before it."""
    signer = audit_wiring.checkpoint_signer(up)
    audited = audit_wiring.wire(up, signer=signer)
    consented = consent_wiring.wire(up, signer=signer)
    kept = retention_wiring.wire(up)
    private = privacy_wiring.wire(
        up,
        erasure=kept.erasure,
        opt_out=consented.consents,
        consent_history=consented.consents,
        trail=audited.trail,
    )
    tracked, found = sla_wiring.wire(up), incidents_wiring.wire(up)
    reported = reports_wiring.wire(up, trail=audited.trail, fed_by=[tracked.report_source(), found.report])
    return ComplianceFeatures(
        audit=audited,
        consent=consented,
        retention=kept,
        privacy=private,
        sla=tracked,
        incidents=found,
        reports=reported,
        risks=risks_wiring.wire(up),
    )


def _module(up: Upstream, f: ComplianceFeatures) -> ComplianceModule:
    return ComplianceModule(
        upstream=up,
        audit_sequencer=f.audit.sequencer,
        audit_trail=f.audit.trail,
        audit_scope=f.audit.scope,
        audit_exports=f.audit.exports,
        audit_archiver=f.audit.archiver,
        privacy_register=f.privacy.register,
        notices=f.consent.notices,
        consents=f.consent.consents,
        marketing_digest=f.consent.digest,
        erasure=f.retention.erasure,
        legal_holds=f.retention.legal_holds,
        retention=f.retention.retention,
        privacy_request_mailer=f.privacy.request_mailer,
        privacy_requests=f.privacy.requests,
        access_bundles=f.privacy.access_bundles,
        sla=f.sla.tracking,
        sla_feeds=f.sla.feeds,
        sla_mailer=f.sla.mailer,
        incidents=f.incidents.incidents,
        incident_alarms=f.incidents.alarms,
        breach_notifications=f.incidents.breaches,
        breach_mailer=f.incidents.breach_mailer,
        incidents_report=f.incidents.report,
        incidents_summary=f.incidents.summary,
        reports=f.reports.reports,
        risks=f.risks.register,
        risk_mailer=f.risks.mailer,
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
    return privacy_wiring.privacy_requests(
        module.upstream,
        erasure or module.erasure,
        opt_out or module.consents,
        module.privacy_request_mailer,
    )


def build_sla(module: ComplianceModule, *, clock: Clock | None = None) -> SlaTracking:
    """SLA tracking on the business calendar of the settings (the `holidays` package's
    country calendar plus BUSINESS_HOLIDAYS_EXTRA); tests may hand a clock."""
    return sla_wiring.sla_tracking(module.upstream, clock)


def report_sources(module: ComplianceModule) -> list[ReportSource]:
    """The report sources of a built module (tests pick some of them)."""
    fed_by: list[ReportSource] = [module.features().sla.report_source(), module.incidents_report]
    return reports_wiring.report_sources(module.upstream, module.audit_trail, fed_by)


def build_reports(
    module: ComplianceModule,
    *,
    sources: list[ReportSource] | None = None,
    clock: Clock | None = None,
) -> RegulatoryReports:
    """The regulatory report service (tests may hand their own sources or clock)."""
    return reports_wiring.regulatory_reports(
        module.upstream, report_sources(module) if sources is None else sources, clock
    )
