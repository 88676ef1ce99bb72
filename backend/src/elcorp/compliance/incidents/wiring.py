"""The incidents feature wires itself: incidents (priority matrix from the settings), the
alarm handlers that open them, POPIA s22 breach notification with its letter and escalation
mail, and the `incidents` report source."""

from __future__ import annotations

from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.domain.events import AuditSequencerStalled, AuditVerificationFailed
from elcorp.compliance.incidents.application.breach import BreachEscalationMailer, BreachNotifications
from elcorp.compliance.incidents.application.incidents import Incidents
from elcorp.compliance.incidents.application.incidents_alarms import AlarmIncidents
from elcorp.compliance.incidents.application.incidents_report import IncidentsReport
from elcorp.compliance.incidents.application.incidents_summary import IncidentsSummary
from elcorp.compliance.incidents.domain.breach import BreachEscalationDue
from elcorp.compliance.incidents.domain.breach_letter import LetterContext
from elcorp.compliance.incidents.domain.incidents import PriorityMatrix
from elcorp.compliance.incidents.infrastructure.breach_pdf import PdfBreachLetters
from elcorp.compliance.incidents.infrastructure.incidents import SqlIncidentsUnitOfWork
from elcorp.compliance.incidents.infrastructure.incidents_summary import SqlIncidentCounts
from elcorp.compliance.incidents.interfaces import incidents as incident_routes
from elcorp.compliance.incidents.interfaces import incidents_summary as summary_routes
from elcorp.compliance.incidents.interfaces.jobs import jobs as incidents_jobs
from elcorp.compliance.upstream import Upstream
from elcorp.identity.application.api import AccountLocked, SecurityNotice
from elcorp.payments.application.api import LedgerIntegrityFailed
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus


@dataclass(frozen=True)
class IncidentsFeature:
    incidents: Incidents
    alarms: AlarmIncidents
    breaches: BreachNotifications
    breach_mailer: BreachEscalationMailer
    report: IncidentsReport
    summary: IncidentsSummary  # the dashboard's open incidents by priority

    def jobs(self) -> list[Job]:
        return incidents_jobs(self.breaches)

    def blueprints(self) -> list[APIBlueprint]:
        return [
            incident_routes.blueprint(self.incidents, self.breaches),
            summary_routes.blueprint(self.summary),
        ]

    def subscribe(self, bus: MessageBus) -> None:
        # Alarms open automatic incidents (one active incident per alarm key).
        alarms = self.alarms
        bus.subscribe(LedgerIntegrityFailed, alarms.on_ledger_integrity_failed)
        bus.subscribe(AuditVerificationFailed, alarms.on_audit_verification_failed)
        bus.subscribe(AuditSequencerStalled, alarms.on_audit_sequencer_stalled)
        bus.subscribe(SecurityNotice, alarms.on_security_notice)
        bus.subscribe(AccountLocked, alarms.on_account_locked)
        bus.subscribe(BreachEscalationDue, self.breach_mailer.on_escalation_due)


def wire(up: Upstream) -> IncidentsFeature:
    settings, sessions, infra = up.infra.settings, up.infra.session_factory, up.infra
    uow = lambda: SqlIncidentsUnitOfWork(sessions)  # noqa: E731
    incidents = Incidents(
        uow, up.access, up.users, matrix=PriorityMatrix.parse(settings.INCIDENT_PRIORITY_MATRIX)
    )
    return IncidentsFeature(
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
        summary=IncidentsSummary(SqlIncidentCounts(sessions)),
    )
