"""Composition root: builds every adapter from Settings and wires the message bus.

The app factory, the Celery worker and the CLI all call `bootstrap()`; tests call it with
their own session factory (per-test transaction) or with fakes. Contexts never read
settings themselves: what they need is passed in here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

import redis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from elcorp.compliance.application.access_bundle import AccessBundles
from elcorp.compliance.application.access_bundle_sources import PrivacyPersonalData
from elcorp.compliance.application.audit_scope import AuditScope
from elcorp.compliance.application.breach import BreachEscalationMailer, BreachNotifications
from elcorp.compliance.application.consent import ConsentLedger
from elcorp.compliance.application.consent_marketing import MarketingDigest
from elcorp.compliance.application.erasure import SubjectErasureService
from elcorp.compliance.application.event_types import EVENT_TYPES as COMPLIANCE_EVENTS
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
from elcorp.compliance.domain.business_calendar import BusinessHours, RoundTheClock
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
from elcorp.config import Settings
from elcorp.governance.application.api import (
    AccessControl,
    GovernancePersonalDataErasure,
    Grants,
    OrganizationDirectory,
    PermissionHolders,
)
from elcorp.governance.application.event_types import EVENT_TYPES as GOVERNANCE_EVENTS
from elcorp.governance.application.invitation_mail import InvitationMailer
from elcorp.governance.application.invitations import OrganizationInvitations
from elcorp.governance.application.organizations import OrganizationAdministration
from elcorp.governance.application.personal_data_export import GovernancePersonalData
from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.roles import RoleAdministration
from elcorp.governance.application.service_requests import ApprovalReminderDue, ServiceRequests
from elcorp.governance.application.workflow_mail import WorkflowMailer
from elcorp.governance.application.workflow_ports import DefaultSlaTable
from elcorp.governance.domain.invitations import OrganizationInvitationSent
from elcorp.governance.domain.service_requests import (
    ServiceRequestApprovalRecorded,
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCancelled,
    ServiceRequestCompleted,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
)
from elcorp.governance.infrastructure.calendar import CountryHolidayCalendar
from elcorp.governance.infrastructure.grants import RedisGrantsCache, SqlGrantsStore
from elcorp.governance.infrastructure.personal_data_erasure import SqlGovernanceErasureStore
from elcorp.governance.infrastructure.personal_data_export import SqlGovernanceRecords
from elcorp.governance.infrastructure.reference_data import AccessControlReferenceData
from elcorp.governance.infrastructure.service_requests import SqlWorkflowUnitOfWork
from elcorp.governance.infrastructure.unit_of_work import SqlGovernanceUnitOfWork
from elcorp.identity.application.accounts import Accounts
from elcorp.identity.application.admin import UserAdministration
from elcorp.identity.application.api import (
    IdentityPersonalData,
    IdentityPersonalDataErasure,
    IdentityRetentionPurge,
    ProfileCorrections,
    UserDirectory,
)
from elcorp.identity.application.authentication import Authentication
from elcorp.identity.application.authorization import PermissionGate
from elcorp.identity.application.deps import Ciphers, IdentityDeps
from elcorp.identity.application.event_types import EVENT_TYPES as IDENTITY_EVENTS
from elcorp.identity.application.mfa import TwoFactor
from elcorp.identity.application.notifications import IdentityMailer
from elcorp.identity.domain.events import (
    AccountLocked,
    PasswordResetRequested,
    SecurityNotice,
    UserDeleted,
    UserRegistered,
)
from elcorp.identity.domain.passwords import PasswordPolicy
from elcorp.identity.infrastructure.challenges import RedisMfaChallenges
from elcorp.identity.infrastructure.email import FileEmailSender, SmtpEmailSender
from elcorp.identity.infrastructure.lookup import LookupHasher
from elcorp.identity.infrastructure.passwords import Argon2PasswordHasher, ZxcvbnStrengthEstimator
from elcorp.identity.infrastructure.personal_data_erasure import SqlIdentityErasureStore
from elcorp.identity.infrastructure.personal_data_export import SqlDeviceHistory
from elcorp.identity.infrastructure.revocation import RedisRevocationList
from elcorp.identity.infrastructure.throttle import RedisLoginThrottle, ThrottleRules, parse_rate
from elcorp.identity.infrastructure.tokens import JwtTokenService
from elcorp.identity.infrastructure.totp import PyOtpTotp
from elcorp.identity.infrastructure.unit_of_work import SqlIdentityUnitOfWork
from elcorp.identity.interfaces.services import IdentityServices
from elcorp.payments.application.api import PaymentsPersonalDataErasure
from elcorp.payments.application.event_types import EVENT_TYPES as PAYMENTS_EVENTS
from elcorp.payments.application.invoices import InvoiceService, InvoiceSettings, PlatformBusiness
from elcorp.payments.application.notifications import PaymentApprovalReminder, PaymentsMailer
from elcorp.payments.application.payments import Payments, PaymentSettings
from elcorp.payments.application.personal_data_export import PaymentsPersonalData
from elcorp.payments.application.reconciliation import Reconciliations
from elcorp.payments.application.settlement import Settlement
from elcorp.payments.application.vehicles import VehicleRegistry
from elcorp.payments.domain.events import InvoiceOverdue, LedgerIntegrityFailed, TransactionDecided
from elcorp.payments.domain.ledger import ApprovalThresholds, FeeSchedule, StaffDailyLimits
from elcorp.payments.infrastructure.invoice_pdf import PdfInvoiceDocuments
from elcorp.payments.infrastructure.invoices import SqlInvoicesUnitOfWork
from elcorp.payments.infrastructure.ledger import SqlPaymentsUnitOfWork
from elcorp.payments.infrastructure.movements import SqlMovements, autocommit, in_session
from elcorp.payments.infrastructure.personal_data_erasure import (
    SqlPaymentsErasureStore,
    expired_idempotency_keys,
)
from elcorp.payments.infrastructure.personal_data_export import SqlPaymentRecords
from elcorp.payments.infrastructure.reconciliation import SqlReconciliationUnitOfWork
from elcorp.payments.infrastructure.reporting import SqlLedgerReports
from elcorp.payments.infrastructure.settlement import SqlSettlementUnitOfWork
from elcorp.payments.infrastructure.vehicles import SqlVehiclesUnitOfWork
from elcorp.payments.infrastructure.vin_decoder import decode_vin
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.application.personal_data_export import PersonalDataExporter
from elcorp.shared.domain.clock import Clock, SystemClock, utc_now
from elcorp.shared.domain.events import register_event_types
from elcorp.shared.infrastructure.db import build_engine, build_session_factory
from elcorp.shared.infrastructure.health import ReadinessProbe, migration_heads
from elcorp.shared.infrastructure.outbox import OutboxDispatcher
from elcorp.shared.infrastructure.redis import build_redis
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from elcorp.shared.security.encryption import FieldCipher


class MissingServerError(RuntimeError):
    """DATABASE_URL or REDIS_URL is unset and no embedded server was started."""


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: Callable[[], Session]
    redis: redis.Redis
    bus: MessageBus
    cipher: FieldCipher
    readiness: ReadinessProbe
    outbox: OutboxDispatcher
    access: AccessControl
    identity: IdentityServices
    users: UserDirectory  # identity's public API, as other contexts' services receive it
    roles: RoleAdministration
    policies: PolicyAdministration
    organizations: OrganizationAdministration
    service_requests: ServiceRequests
    payments: Payments
    payments_mailer: PaymentsMailer
    reconciliation: Reconciliations
    settlement: Settlement
    vehicles: VehicleRegistry
    invoices: InvoiceService
    workflow_mailer: WorkflowMailer
    organization_invitations: OrganizationInvitations
    invitation_mailer: InvitationMailer
    authorizer: PermissionGate
    mailer: IdentityMailer
    audit_sequencer: AuditSequencer
    audit_trail: SqlAuditTrail
    audit_scope: AuditScope
    audit_exports: SqlAuditExports
    audit_archiver: AuditArchiver
    privacy_register: ProcessingRegister  # the data inventory, processing register, PAIA manual
    notices: PrivacyNotices
    consents: ConsentLedger  # also the MarketingOptOut of the data-subject requests
    marketing_digest: MarketingDigest
    # Data-subject requests (POPIA s23-s25), wired after construction by wire_privacy_requests().
    privacy_requests: PrivacyRequests = field(init=False)
    access_bundles: AccessBundles = field(init=False)
    privacy_request_mailer: PrivacyRequestMailer = field(init=False)
    # Erasure (POPIA s24 against FIA 2012), legal holds, retention and purge: wire_retention().
    erasure: SubjectErasureService = field(init=False)
    legal_holds: LegalHolds = field(init=False)
    retention: Retention = field(init=False)
    # SLA policies, tracked cases, their escalation and report: wire_sla().
    sla: SlaTracking = field(init=False)
    sla_feeds: SlaFeeds = field(init=False)
    sla_mailer: SlaMailer = field(init=False)
    # Incidents, automatic incidents from alarms, POPIA s22 breach notifications: wire_incidents().
    incidents: Incidents = field(init=False)
    incident_alarms: AlarmIncidents = field(init=False)
    breach_notifications: BreachNotifications = field(init=False)
    breach_mailer: BreachEscalationMailer = field(init=False)
    incidents_report: IncidentsReport = field(init=False)
    # Regulatory reports (CSV/PDF with their SHA-256) from every report source: wire_reports().
    reports: RegulatoryReports = field(init=False)
    # The risk register (POPIA s19) and its review reminders: wire_risks().
    risks: RiskRegister = field(init=False)
    risk_mailer: RiskReviewMailer = field(init=False)

    def __post_init__(self) -> None:
        # The services built from the others (init=False fields) are built here, so that a
        # container copied with dataclasses.replace(...) (tests swap one service) has them
        # too, built from its own parts. Erasure first: the requests service is handed it.
        wire_retention(self)
        wire_privacy_requests(self)
        wire_sla(self)  # before the reports: the SLA report is one of their sources
        wire_incidents(self)
        wire_reports(self)
        wire_risks(self)

    def uow(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work (one per request or job)."""
        return SqlAlchemyUnitOfWork(self.session_factory)


Seeder = Callable[["Container"], str]


def seed_access_control(container: Container) -> str:
    """The system roles, the permission catalogue and the system roles' grants (rbac.py)."""
    return AccessControlReferenceData(container.session_factory, RedisGrantsCache(container.redis)).load()


# Idempotent reference-data loaders, run by `elcorp seed`, in order. Each returns one line
# saying what it did.
SEEDERS: list[Seeder] = [seed_access_control]


def run_seeders(container: Container) -> list[str]:
    return [seeder(container) for seeder in SEEDERS]


def register_event_handlers(bus: MessageBus, container: Container) -> None:
    """Subscribe each context's handlers to the events they react to (one place, read it
    to know who reacts to what). Contexts add their lines as they gain handlers.

    Each handler takes the event type it is subscribed to (mypy checks the pairing), and
    each is a subscriber of its own to the outbox (`<context>.<Class>.<method>`): delivered,
    retried and parked apart from the other subscribers of the same event. Renaming a
    handler renames its subscriber; pass `name=` with the old name to keep its pending
    deliveries."""
    mailer = container.mailer
    bus.subscribe(UserRegistered, mailer.on_user_registered)
    bus.subscribe(UserRegistered, container.payments.on_user_registered)
    bus.subscribe(UserRegistered, container.consents.on_user_registered)
    bus.subscribe(UserDeleted, container.organizations.on_user_deleted)
    bus.subscribe(AccessBundleRequested, container.access_bundles.on_requested)
    bus.subscribe(PrivacyRequestClosed, container.privacy_request_mailer.on_closed)
    # Alarms open automatic incidents (one active incident per alarm key).
    alarms = container.incident_alarms
    bus.subscribe(LedgerIntegrityFailed, alarms.on_ledger_integrity_failed)
    bus.subscribe(AuditVerificationFailed, alarms.on_audit_verification_failed)
    bus.subscribe(AuditSequencerStalled, alarms.on_audit_sequencer_stalled)
    bus.subscribe(SecurityNotice, alarms.on_security_notice)
    bus.subscribe(AccountLocked, alarms.on_account_locked)
    bus.subscribe(BreachEscalationDue, container.breach_mailer.on_escalation_due)
    bus.subscribe(RiskReviewDue, container.risk_mailer.on_review_due)
    bus.subscribe(PaymentApprovalReminder, container.payments_mailer.on_approval_reminder)
    bus.subscribe(TransactionDecided, container.invoices.on_transaction_decided)
    bus.subscribe(InvoiceOverdue, container.payments_mailer.on_invoice_overdue)
    bus.subscribe(PasswordResetRequested, mailer.on_password_reset_requested)
    bus.subscribe(AccountLocked, mailer.on_account_locked)
    bus.subscribe(SecurityNotice, mailer.on_security_notice)
    bus.subscribe(OrganizationInvitationSent, container.invitation_mailer.on_invited)
    workflow = container.workflow_mailer
    bus.subscribe(ServiceRequestAssigned, workflow.on_assigned)
    bus.subscribe(ServiceRequestApprovalRecorded, workflow.on_approval_recorded)
    bus.subscribe(ServiceRequestApproved, workflow.on_approved)
    bus.subscribe(ServiceRequestRejected, workflow.on_rejected)
    bus.subscribe(ServiceRequestCompleted, workflow.on_completed)
    bus.subscribe(ApprovalReminderDue, workflow.on_reminder_due)
    # SLA tracking: each tracked case's history follows its owner's events.
    feeds = container.sla_feeds
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
    bus.subscribe(SlaCaseEscalated, container.sla_mailer.on_escalated)


def build_identity(
    settings: Settings,
    session_factory: Callable[[], Session],
    redis_client: redis.Redis,
    cipher: FieldCipher,
    access: AccessControl,
    organizations: OrganizationDirectory,
) -> tuple[IdentityServices, PermissionGate, IdentityMailer, UserDirectory]:
    lookup = LookupHasher(settings.LOOKUP_HASH_KEY.get_secret_value())
    ip_failures, ip_window = parse_rate(settings.LOGIN_IP_MAX_FAILURES)
    deps = IdentityDeps(
        uow=lambda: SqlIdentityUnitOfWork(session_factory, cipher, lookup, SqlGrantsStore),
        hasher=Argon2PasswordHasher(
            time_cost=settings.ARGON2_TIME_COST,
            memory_kib=settings.ARGON2_MEMORY_KIB,
            parallelism=settings.ARGON2_PARALLELISM,
        ),
        policy=PasswordPolicy(
            min_length=settings.PASSWORD_MIN_LENGTH,
            max_length=settings.PASSWORD_MAX_LENGTH,
            composition_rules=settings.PASSWORD_COMPOSITION_RULES,
            min_strength=settings.PASSWORD_MIN_STRENGTH,
        ),
        estimator=ZxcvbnStrengthEstimator(),
        tokens=JwtTokenService(
            keys=settings.jwt_keys(),
            algorithm=settings.JWT_ALGORITHM,
            issuer=settings.JWT_ISSUER,
            audience=settings.JWT_AUDIENCE,
            access_ttl=settings.ACCESS_TOKEN_TTL_SECONDS,
            refresh_ttl=settings.REFRESH_TOKEN_TTL_SECONDS,
        ),
        revocations=RedisRevocationList(redis_client, mark_ttl=settings.ACCESS_TOKEN_TTL_SECONDS + 60),
        throttle=RedisLoginThrottle(
            redis_client,
            ThrottleRules(
                max_consecutive=settings.LOGIN_MAX_CONSECUTIVE_FAILURES,
                lock_base_seconds=settings.LOGIN_LOCK_BASE_SECONDS,
                lock_max_seconds=settings.LOGIN_LOCK_MAX_SECONDS,
                account_max_per_hour=settings.LOGIN_ACCOUNT_MAX_FAILURES_PER_HOUR,
                ip_max_failures=ip_failures,
                ip_window_seconds=ip_window,
            ),
        ),
        challenges=RedisMfaChallenges(
            redis_client, ttl=settings.MFA_TOKEN_TTL_SECONDS, max_attempts=settings.MFA_TOKEN_MAX_ATTEMPTS
        ),
        totp=PyOtpTotp(),
        access=access,
        organizations=organizations,
        clock=SystemClock(),
        ciphers=Ciphers(encrypt=cipher.encrypt, decrypt=cipher.decrypt),
        password_history=settings.PASSWORD_HISTORY,
        email_verification_ttl=settings.EMAIL_VERIFICATION_TTL_SECONDS,
        password_reset_ttl=settings.PASSWORD_RESET_TTL_SECONDS,
    )
    auth = Authentication(deps)
    accounts = Accounts(deps, auth)
    services = IdentityServices(
        auth=auth,
        accounts=accounts,
        mfa=TwoFactor(deps, auth),
        admin=UserAdministration(deps, auth, accounts),
    )
    gate = PermissionGate(access)
    sender = (
        SmtpEmailSender(
            host=settings.SMTP_HOST,
            port=settings.SMTP_PORT,
            sender=settings.EMAIL_FROM,
            username=settings.SMTP_USERNAME,
            password=settings.SMTP_PASSWORD.get_secret_value() if settings.SMTP_PASSWORD else None,
            starttls=settings.SMTP_STARTTLS,
        )
        if settings.EMAIL_BACKEND == "smtp"
        else FileEmailSender(settings.VAR_DIR / "mail", settings.EMAIL_FROM)
    )
    mailer = IdentityMailer(
        accounts=accounts,
        sender=sender,
        public_base_url=settings.PUBLIC_BASE_URL,
        verification_hours=max(1, settings.EMAIL_VERIFICATION_TTL_SECONDS // 3600),
        reset_minutes=max(1, settings.PASSWORD_RESET_TTL_SECONDS // 60),
    )
    return services, gate, mailer, UserDirectory(deps.uow)


def build_privacy_requests(
    container: Container,
    *,
    erasure: SubjectErasure | None = None,
    opt_out: MarketingOptOut | None = None,
) -> PrivacyRequests:
    """The data-subject request service; `erasure` and `opt_out` are the services that
    carry out an erasure and a marketing opt-out (by default the container's erasure service
    and consent ledger; tests may hand others)."""
    sessions = container.session_factory
    accounts = container.identity.accounts
    return PrivacyRequests(
        lambda: SqlPrivacyRequestsUnitOfWork(sessions),
        container.access,
        container.users,
        ProfileCorrections(accounts.d.uow, accounts, accounts.d.clock),
        erasure or container.erasure,
        opt_out or container.consents,
        recipients=SqlCorrectionRecipients(sessions),
        notices=getattr(container, "privacy_request_mailer", None),
    )


def wire_privacy_requests(container: Container) -> None:
    """Data-subject requests and the access bundle, built from every context's exporter."""
    sessions = container.session_factory
    container.privacy_request_mailer = PrivacyRequestMailer(
        container.users, container.mailer.sender, container.mailer.public_base_url
    )
    container.privacy_requests = build_privacy_requests(container)
    exporters: list[PersonalDataExporter] = [
        IdentityPersonalData(container.identity.accounts.d.uow, SqlDeviceHistory(sessions)),
        GovernancePersonalData(SqlGovernanceRecords(sessions)),
        PaymentsPersonalData(SqlPaymentRecords(sessions)),
        PrivacyPersonalData(container.audit_trail, container.privacy_requests, container.consents),
    ]
    container.access_bundles = AccessBundles(lambda: SqlPrivacyRequestsUnitOfWork(sessions), exporters)


def wire_incidents(container: Container) -> None:
    """Incidents (priority matrix from settings), the alarm handlers, breach notification
    with its letter and escalation mail, and the `incidents` report source."""
    settings, sessions = container.settings, container.session_factory
    uow = lambda: SqlIncidentsUnitOfWork(sessions)  # noqa: E731
    container.incidents = Incidents(
        uow, container.access, container.users, matrix=PriorityMatrix.parse(settings.INCIDENT_PRIORITY_MATRIX)
    )
    container.incident_alarms = AlarmIncidents(
        container.incidents,
        lockout_threshold=settings.INCIDENT_LOCKOUT_THRESHOLD,
        lockout_window_seconds=settings.INCIDENT_LOCKOUT_WINDOW_SECONDS,
    )
    container.breach_notifications = BreachNotifications(
        uow,
        PdfBreachLetters(),
        LetterContext(settings.INVOICE_ISSUER_NAME, settings.INVOICE_ISSUER_ADDRESS, settings.BREACH_CONTACT),
        target_hours=settings.BREACH_NOTIFICATION_TARGET_HOURS,
    )
    container.breach_mailer = BreachEscalationMailer(
        PermissionHolders(lambda: SqlGovernanceUnitOfWork(sessions)),
        container.users,
        container.mailer.sender,
        container.mailer.public_base_url,
    )
    container.incidents_report = IncidentsReport(uow, settings.BREACH_NOTIFICATION_TARGET_HOURS)


def build_sla(container: Container, *, clock: Clock | None = None) -> SlaTracking:
    """SLA tracking on the business calendar of the settings (the `holidays` package's
    country calendar plus BUSINESS_HOLIDAYS_EXTRA); tests may hand a clock."""
    settings = container.settings
    holidays = CountryHolidayCalendar(settings.BUSINESS_HOLIDAYS_COUNTRY, settings.BUSINESS_HOLIDAYS_EXTRA)
    return SlaTracking(
        sla_unit_of_work(container.session_factory),
        container.access,
        {ClockKind.BUSINESS_HOURS: BusinessHours(holidays), ClockKind.ROUND_THE_CLOCK: RoundTheClock()},
        clock=clock,
    )


def wire_sla(container: Container) -> None:
    container.sla = build_sla(container)
    container.sla_feeds = SlaFeeds(container.sla)
    container.sla_mailer = SlaMailer(
        PermissionHolders(lambda: SqlGovernanceUnitOfWork(container.session_factory)),
        container.users,
        container.mailer.sender,
        container.mailer.public_base_url,
    )


def wire_retention(container: Container) -> None:
    """Erasure with every context's eraser (identity first: it knows whether the subject
    exists), legal holds, retention policies and the purge."""
    settings, sessions, cipher = container.settings, container.session_factory, container.cipher
    uow = lambda: SqlRetentionUnitOfWork(sessions, cipher)  # noqa: E731
    spool = settings.VAR_DIR / "mail"
    identity_store = SqlIdentityErasureStore.factory(
        cipher, spool if settings.EMAIL_BACKEND == "file" else None
    )
    years = RetentionYears(settings.RETENTION_FIA_CUSTOMER_YEARS, settings.RETENTION_FIA_TRANSACTION_YEARS)
    container.erasure = SubjectErasureService(
        uow,
        [
            IdentityPersonalDataErasure(
                identity_store, container.identity.accounts.d.revocations.revoke_user
            ),
            PaymentsPersonalDataErasure(SqlPaymentsErasureStore.factory()),
            GovernancePersonalDataErasure(SqlGovernanceErasureStore.factory(), container.access.forget),
            SqlConsentEvidenceErasure(),
        ],
        Pseudonyms(settings.LOOKUP_HASH_KEY.get_secret_value()),
        years,
    )
    container.legal_holds = LegalHolds(uow)
    container.retention = Retention(
        uow,
        [IdentityRetentionPurge(identity_store)],
        DirectoryRetention(
            {"mail": spool, "exports": settings.RETENTION_EXPORTS_DIR or settings.VAR_DIR / "exports"}
        ),
        IdempotencyPurge(
            container.payments.purge_idempotency_keys, expired_idempotency_keys(sessions, utc_now)
        ),
        customer_years=years.customer,
        transaction_years=years.transaction,
    )


def report_sources(container: Container) -> list[ReportSource]:
    """Every report source: the ledger, the data-subject requests, the audit trail, the SLA
    tracking and the incidents (both built before the reports, see __post_init__)."""
    sessions = container.session_factory
    ledger = SqlLedgerReports(sessions)
    return [
        TransactionsReport(ledger),
        LargeTransactionsReport(ledger, {"NAD": container.settings.REPORT_LARGE_TRANSACTION_THRESHOLD}),
        PrivacyRequestsReport(SqlPrivacyRequestFigures(sessions)),
        AuditReport(SqlAuditFigures(sessions), container.audit_trail),
        SlaReportSource(container.sla),
        container.incidents_report,
    ]


def build_reports(
    container: Container,
    *,
    sources: list[ReportSource] | None = None,
    clock: Clock | None = None,
) -> RegulatoryReports:
    """The regulatory report service (tests may hand their own sources or clock)."""
    sessions = container.session_factory
    return RegulatoryReports(
        lambda: SqlReportsUnitOfWork(sessions),
        container.access,
        report_sources(container) if sources is None else sources,
        PdfReportDocuments(),
        clock=clock,
    )


def wire_reports(container: Container) -> None:
    container.reports = build_reports(container)


def wire_risks(container: Container) -> None:
    """The risk register; incident links are checked against the incidents table."""
    sessions = container.session_factory
    container.risks = RiskRegister(
        lambda: SqlRisksUnitOfWork(sessions),
        container.access,
        container.users,
        SqlIncidentDirectory(sessions),
    )
    container.risk_mailer = RiskReviewMailer(
        container.users,
        container.mailer.sender,
        container.mailer.public_base_url,
        PermissionHolders(lambda: SqlGovernanceUnitOfWork(sessions)).globally,
    )


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    session_factory: Callable[[], Session] | None = None,
    redis_client: redis.Redis | None = None,
) -> Container:
    if engine is None:
        if not settings.DATABASE_URL:
            raise MissingServerError(
                "DATABASE_URL is not set: run `make run` (embedded PostgreSQL) or set it"
            )
        engine = build_engine(
            settings.DATABASE_URL,
            pool_size=settings.DB_POOL_SIZE,
            statement_timeout_ms=settings.DB_STATEMENT_TIMEOUT_MS,
            pre_ping=settings.DB_POOL_PRE_PING,
        )
    if redis_client is None:
        if not settings.REDIS_URL:
            raise MissingServerError("REDIS_URL is not set: run `make run` (embedded Redis) or set it")
        redis_client = build_redis(settings.REDIS_URL)
    sessions = session_factory or build_session_factory(engine)
    # Every context's events, listed by the context, so stored rows of any type can be read.
    register_event_types(IDENTITY_EVENTS + PAYMENTS_EVENTS + GOVERNANCE_EVENTS + COMPLIANCE_EVENTS)
    bus = MessageBus()
    cipher = FieldCipher([k.get_secret_value() for k in settings.FIELD_ENCRYPTION_KEYS])

    def load_grants(user_id: uuid.UUID) -> Grants:
        # On a cache miss only: one short-lived read session.
        with sessions() as session:
            return SqlGrantsStore(session).load(user_id)

    access = AccessControl(
        load_grants,
        RedisGrantsCache(redis_client),
        mfa_roles=frozenset(settings.MFA_REQUIRED_ROLES),
        mfa_enforced=settings.MFA_ENFORCED,
    )
    organization_directory = OrganizationDirectory(lambda: SqlGovernanceUnitOfWork(sessions))
    identity, gate, mailer, directory = build_identity(
        settings,
        sessions,
        redis_client,
        cipher,
        access,
        organization_directory,
    )
    policies = PolicyAdministration(
        lambda: SqlGovernanceUnitOfWork(sessions),
        access,
        directory,
        holidays=CountryHolidayCalendar(settings.BUSINESS_HOLIDAYS_COUNTRY, settings.BUSINESS_HOLIDAYS_EXTRA),
    )
    roles = RoleAdministration(lambda: SqlGovernanceUnitOfWork(sessions), access, directory, gate=policies)
    organizations = OrganizationAdministration(lambda: SqlGovernanceUnitOfWork(sessions), access, directory)
    organization_invitations = OrganizationInvitations(
        lambda: SqlGovernanceUnitOfWork(sessions),
        access,
        directory,
        ttl=timedelta(days=settings.ORGANIZATION_INVITATION_TTL_DAYS),
    )
    workflow_uow = lambda: SqlWorkflowUnitOfWork(sessions)  # noqa: E731
    # Money movements: one autocommit statement on the engine's pool, or, under a session
    # factory of the caller's (the tests' per-test rollback), inside its sessions.
    movements = SqlMovements(in_session(sessions) if session_factory else partial(autocommit, engine))
    payments = Payments(
        lambda: SqlPaymentsUnitOfWork(sessions),
        movements,
        access,
        PaymentSettings(
            fees=FeeSchedule(settings.PAYMENT_FEE_PERCENT, settings.PAYMENT_FEE_FIXED),
            thresholds=ApprovalThresholds(
                transfers={"NAD": settings.PAYMENT_TRANSFER_APPROVAL_THRESHOLD},
                deposits={"NAD": settings.PAYMENT_DEPOSIT_APPROVAL_THRESHOLD},
            ),
            staff_daily_limits=StaffDailyLimits({"NAD": settings.STAFF_DAILY_MOVEMENT_LIMIT}),
            approval_ttl=timedelta(hours=settings.PAYMENT_APPROVAL_TTL_HOURS),
            idempotency_ttl=timedelta(hours=settings.PAYMENT_IDEMPOTENCY_TTL_HOURS),
        ),
    )
    invoices = InvoiceService(
        lambda: SqlInvoicesUnitOfWork(sessions),
        payments,
        access,
        directory,
        PdfInvoiceDocuments(),
        InvoiceSettings(
            vat_rate=settings.INVOICE_VAT_RATE,
            business=PlatformBusiness(
                settings.INVOICE_ISSUER_NAME,
                settings.INVOICE_ISSUER_ADDRESS,
                settings.INVOICE_ISSUER_VAT_NUMBER,
            ),
            remind_every=timedelta(days=settings.INVOICE_REMINDER_DAYS),
        ),
    )
    vehicles = VehicleRegistry(lambda: SqlVehiclesUnitOfWork(sessions), access, directory, decode_vin)
    service_requests = ServiceRequests(workflow_uow, access, policies, directory, DefaultSlaTable())
    workflow_mailer = WorkflowMailer(workflow_uow, directory, mailer.sender, mailer.public_base_url)
    signer = CheckpointSigner(settings.audit_signing_keys(), settings.audit_retired_public_keys())
    consent_uow = lambda: SqlConsentUnitOfWork(sessions)  # noqa: E731
    # Receipts are signed with the audit signing keys (Ed25519, rotatable by kid).
    consents = ConsentLedger(consent_uow, access, directory, signer, public_base_url=settings.PUBLIC_BASE_URL)
    sequencer = AuditSequencer(
        sessions,
        signer,
        batch_size=settings.AUDIT_SEQUENCER_BATCH,
        checkpoint_every_entries=settings.AUDIT_CHECKPOINT_EVERY_ENTRIES,
        checkpoint_every_seconds=settings.AUDIT_CHECKPOINT_EVERY_SECONDS,
    )
    container = Container(
        settings=settings,
        engine=engine,
        session_factory=sessions,
        redis=redis_client,
        bus=bus,
        cipher=cipher,
        readiness=ReadinessProbe(
            engine,
            redis_client,
            migration_heads(settings.MIGRATIONS_DIR),
            audit_lag=sequencer.lag,
            max_audit_lag_seconds=settings.AUDIT_MAX_LAG_SECONDS,
        ),
        outbox=OutboxDispatcher(
            sessions,
            bus,
            max_attempts=settings.OUTBOX_MAX_ATTEMPTS,
            lease=timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        ),
        access=access,
        identity=identity,
        users=directory,
        roles=roles,
        policies=policies,
        organizations=organizations,
        service_requests=service_requests,
        payments=payments,
        reconciliation=Reconciliations(lambda: SqlReconciliationUnitOfWork(sessions), access),
        settlement=Settlement(lambda: SqlSettlementUnitOfWork(sessions), access),
        payments_mailer=PaymentsMailer(
            PermissionHolders(lambda: SqlGovernanceUnitOfWork(sessions)),
            directory,
            mailer.sender,
            mailer.public_base_url,
        ),
        invoices=invoices,
        vehicles=vehicles,
        workflow_mailer=workflow_mailer,
        organization_invitations=organization_invitations,
        invitation_mailer=InvitationMailer(
            lambda: SqlGovernanceUnitOfWork(sessions), directory, mailer.sender, mailer.public_base_url
        ),
        authorizer=gate,
        mailer=mailer,
        audit_sequencer=sequencer,
        audit_trail=SqlAuditTrail(sessions, signer),
        audit_scope=AuditScope(access, organization_directory),
        audit_exports=SqlAuditExports(sessions, lambda: SqlAlchemyUnitOfWork(sessions), signer),
        audit_archiver=AuditArchiver(
            sessions,
            lambda: SqlAlchemyUnitOfWork(sessions),
            signer,
            lookback=timedelta(seconds=settings.AUDIT_SEQUENCER_LOOKBACK_SECONDS),
        ),
        # Every context's tables are imported above, so the metadata's declarations are complete.
        privacy_register=ProcessingRegister(
            lambda: SqlPrivacyRegisterUnitOfWork(sessions),
            access,
            metadata_declarations,
            PdfPaiaDocuments(),
            SvgDataFlowDiagrams(),
            ResponsibleParty(settings.INVOICE_ISSUER_NAME, settings.INVOICE_ISSUER_ADDRESS),
        ),
        notices=PrivacyNotices(consent_uow, access),
        consents=consents,
        marketing_digest=MarketingDigest(
            consents,
            directory,
            mailer.sender,
            lambda: SqlAlchemyUnitOfWork(sessions),
            public_base_url=mailer.public_base_url,
        ),
    )
    register_event_handlers(bus, container)
    return container
