"""The composed application: the shared infrastructure, the four context modules, and the
platform-wide services built over them (readiness probe, outbox dispatcher).

The app factory registers the modules' blueprints, the Celery tasks and the CLI call the
services through the typed properties below, and tests reach them the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import redis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from elcorp.compliance.audit.application.audit_scope import AuditScope
from elcorp.compliance.audit.infrastructure.archive import AuditArchiver
from elcorp.compliance.audit.infrastructure.audit_store import SqlAuditTrail
from elcorp.compliance.audit.infrastructure.export import SqlAuditExports
from elcorp.compliance.audit.infrastructure.sequencer import AuditSequencer
from elcorp.compliance.consent.application.consent import ConsentLedger
from elcorp.compliance.consent.application.consent_marketing import MarketingDigest
from elcorp.compliance.incidents.application.breach import BreachNotifications
from elcorp.compliance.incidents.application.incidents_alarms import AlarmIncidents
from elcorp.compliance.incidents.application.incidents_report import IncidentsReport
from elcorp.compliance.privacy.application.access_bundle import AccessBundles
from elcorp.compliance.privacy.application.privacy_requests import PrivacyRequests
from elcorp.compliance.reports.application.reports import RegulatoryReports
from elcorp.compliance.retention.application.erasure import SubjectErasureService
from elcorp.compliance.retention.application.legal_hold import LegalHolds
from elcorp.compliance.retention.application.retention import Retention
from elcorp.compliance.risks.application.risks import RiskRegister
from elcorp.compliance.sla.application.sla import SlaTracking
from elcorp.compliance.sla.application.sla_feeds import SlaFeeds
from elcorp.compliance.wiring import ComplianceModule
from elcorp.config import Settings
from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.invitations import OrganizationInvitations
from elcorp.governance.application.organizations import OrganizationAdministration
from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.roles import RoleAdministration
from elcorp.governance.application.service_requests import ServiceRequests
from elcorp.governance.wiring import GovernanceModule
from elcorp.identity.application.api import UserDirectory
from elcorp.identity.application.authorization import PermissionGate
from elcorp.identity.application.notifications import IdentityMailer
from elcorp.identity.interfaces.services import IdentityServices
from elcorp.identity.wiring import IdentityModule
from elcorp.infra import Infrastructure
from elcorp.payments.application.invoices import InvoiceService
from elcorp.payments.application.payments import Payments
from elcorp.payments.application.reconciliation import Reconciliations
from elcorp.payments.application.settlement import Settlement
from elcorp.payments.application.vehicles import VehicleRegistry
from elcorp.payments.wiring import PaymentsModule
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.infrastructure.health import ReadinessProbe
from elcorp.shared.infrastructure.outbox import OutboxDispatcher
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from elcorp.shared.security.encryption import FieldCipher


@dataclass(frozen=True)
class Container:
    infra: Infrastructure
    identity_module: IdentityModule
    governance_module: GovernanceModule
    payments_module: PaymentsModule
    compliance_module: ComplianceModule
    readiness: ReadinessProbe
    outbox: OutboxDispatcher

    def uow(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work (one per request or job)."""
        return SqlAlchemyUnitOfWork(self.infra.session_factory)

    def jobs(self) -> list[Job]:
        """Every context's background jobs, from the modules' current services (the
        platform's own, outbox and audit log, are the Celery adapter's)."""
        return [
            *self.identity_module.jobs(),
            *self.governance_module.jobs(),
            *self.payments_module.jobs(),
            *self.compliance_module.jobs(),
        ]

    # -- the shared infrastructure ---------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.infra.settings

    @property
    def engine(self) -> Engine:
        return self.infra.engine

    @property
    def session_factory(self) -> Callable[[], Session]:
        return self.infra.session_factory

    @property
    def redis(self) -> redis.Redis:
        return self.infra.redis

    @property
    def bus(self) -> MessageBus:
        return self.infra.bus

    @property
    def cipher(self) -> FieldCipher:
        return self.infra.cipher

    # -- identity --------------------------------------------------------------------------
    @property
    def identity(self) -> IdentityServices:
        return self.identity_module.services

    @property
    def users(self) -> UserDirectory:
        return self.identity_module.users

    @property
    def authorizer(self) -> PermissionGate:
        return self.identity_module.gate

    @property
    def mailer(self) -> IdentityMailer:
        return self.identity_module.mailer

    # -- governance ------------------------------------------------------------------------
    @property
    def access(self) -> AccessControl:
        return self.governance_module.access

    @property
    def roles(self) -> RoleAdministration:
        return self.governance_module.roles

    @property
    def policies(self) -> PolicyAdministration:
        return self.governance_module.policies

    @property
    def organizations(self) -> OrganizationAdministration:
        return self.governance_module.organizations

    @property
    def organization_invitations(self) -> OrganizationInvitations:
        return self.governance_module.organization_invitations

    @property
    def service_requests(self) -> ServiceRequests:
        return self.governance_module.service_requests

    # -- payments --------------------------------------------------------------------------
    @property
    def payments(self) -> Payments:
        return self.payments_module.payments

    @property
    def invoices(self) -> InvoiceService:
        return self.payments_module.invoices

    @property
    def vehicles(self) -> VehicleRegistry:
        return self.payments_module.vehicles

    @property
    def reconciliation(self) -> Reconciliations:
        return self.payments_module.reconciliation

    @property
    def settlement(self) -> Settlement:
        return self.payments_module.settlement

    # -- compliance ------------------------------------------------------------------------
    @property
    def audit_sequencer(self) -> AuditSequencer:
        return self.compliance_module.audit_sequencer

    @property
    def audit_trail(self) -> SqlAuditTrail:
        return self.compliance_module.audit_trail

    @property
    def audit_scope(self) -> AuditScope:
        return self.compliance_module.audit_scope

    @property
    def audit_exports(self) -> SqlAuditExports:
        return self.compliance_module.audit_exports

    @property
    def audit_archiver(self) -> AuditArchiver:
        return self.compliance_module.audit_archiver

    @property
    def consents(self) -> ConsentLedger:
        return self.compliance_module.consents

    @property
    def marketing_digest(self) -> MarketingDigest:
        return self.compliance_module.marketing_digest

    @property
    def privacy_requests(self) -> PrivacyRequests:
        return self.compliance_module.privacy_requests

    @property
    def access_bundles(self) -> AccessBundles:
        return self.compliance_module.access_bundles

    @property
    def erasure(self) -> SubjectErasureService:
        return self.compliance_module.erasure

    @property
    def legal_holds(self) -> LegalHolds:
        return self.compliance_module.legal_holds

    @property
    def retention(self) -> Retention:
        return self.compliance_module.retention

    @property
    def sla(self) -> SlaTracking:
        return self.compliance_module.sla

    @property
    def sla_feeds(self) -> SlaFeeds:
        return self.compliance_module.sla_feeds

    @property
    def incident_alarms(self) -> AlarmIncidents:
        return self.compliance_module.incident_alarms

    @property
    def incidents_report(self) -> IncidentsReport:
        return self.compliance_module.incidents_report

    @property
    def breach_notifications(self) -> BreachNotifications:
        return self.compliance_module.breach_notifications

    @property
    def reports(self) -> RegulatoryReports:
        return self.compliance_module.reports

    @property
    def risks(self) -> RiskRegister:
        return self.compliance_module.risks
