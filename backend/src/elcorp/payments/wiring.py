"""Payments wires itself: the ledger's money movements, invoices, vehicles, reconciliation,
settlement, their mail, and what payments publishes for the privacy programme and the
regulatory reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from flask_openapi3 import APIBlueprint

from elcorp.config import Settings
from elcorp.governance.application.api import AccessControl, PermissionHolders
from elcorp.identity.application.api import UserDirectory, UserRegistered
from elcorp.infra import Infrastructure
from elcorp.payments.application.api import LedgerReports, PaymentsPersonalDataErasure
from elcorp.payments.application.dashboard import PaymentsDashboard
from elcorp.payments.application.invoices import InvoiceService, InvoiceSettings, PlatformBusiness
from elcorp.payments.application.notifications import PaymentApprovalReminder, PaymentsMailer
from elcorp.payments.application.payments import Payments, PaymentSettings
from elcorp.payments.application.personal_data_export import PaymentsPersonalData
from elcorp.payments.application.reconciliation import Reconciliations
from elcorp.payments.application.settlement import Settlement
from elcorp.payments.application.vehicle_mail import VehicleOfferMailer
from elcorp.payments.application.vehicles import VehicleRegistry
from elcorp.payments.domain.events import InvoiceOverdue, TransactionDecided
from elcorp.payments.domain.ledger import ApprovalThresholds, FeeSchedule, StaffDailyLimits
from elcorp.payments.domain.vehicle_ownership import VehicleTransferOffered
from elcorp.payments.infrastructure.dashboard import SqlDashboardFigures
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
from elcorp.payments.infrastructure.statement_pdf import PdfStatementDocuments
from elcorp.payments.infrastructure.vehicles import SqlVehiclesUnitOfWork
from elcorp.payments.infrastructure.vin_decoder import decode_vin
from elcorp.payments.interfaces import dashboard, http, invoices, reconciliation, settlement, vehicles
from elcorp.payments.interfaces.jobs import jobs as payments_jobs
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.clock import utc_now


@dataclass(frozen=True)
class PaymentsModule:
    payments: Payments
    invoices: InvoiceService
    vehicles: VehicleRegistry
    reconciliation: Reconciliations
    settlement: Settlement
    dashboard: PaymentsDashboard  # the figures on the staff dashboard's home page
    mailer: PaymentsMailer
    vehicle_mailer: VehicleOfferMailer
    personal_data: PaymentsPersonalData
    erasure: PaymentsPersonalDataErasure
    ledger_reports: LedgerReports  # the ledger's figures for the regulatory reports
    idempotency_keys_due: Callable[[], int]  # how many keys the retention purge would remove

    def jobs(self) -> list[Job]:
        return payments_jobs(self.payments, self.invoices, self.settlement)

    def blueprints(self) -> list[APIBlueprint]:
        return [
            http.blueprint(self.payments),
            vehicles.blueprint(self.vehicles),
            invoices.blueprint(self.invoices),
            reconciliation.blueprint(self.reconciliation),
            settlement.blueprint(self.settlement),
            dashboard.blueprint(self.dashboard),
        ]

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(UserRegistered, self.payments.on_user_registered)
        bus.subscribe(PaymentApprovalReminder, self.mailer.on_approval_reminder)
        bus.subscribe(TransactionDecided, self.invoices.on_transaction_decided)
        bus.subscribe(InvoiceOverdue, self.mailer.on_invoice_overdue)
        bus.subscribe(VehicleTransferOffered, self.vehicle_mailer.on_transfer_offered)


def wire(
    infra: Infrastructure,
    *,
    access: AccessControl,
    users: UserDirectory,
    permission_holders: PermissionHolders,
) -> PaymentsModule:
    settings, sessions = infra.settings, infra.session_factory
    # Money movements: one autocommit statement on the engine's pool, or, under a session
    # factory of the caller's (the tests' per-test rollback), inside its sessions.
    movements = SqlMovements(
        in_session(sessions) if infra.caller_sessions else partial(autocommit, infra.engine)
    )
    payments = Payments(
        lambda: SqlPaymentsUnitOfWork(sessions),
        movements,
        access,
        _payment_settings(settings),
        documents=PdfStatementDocuments(),
    )
    return PaymentsModule(
        payments=payments,
        invoices=InvoiceService(
            lambda: SqlInvoicesUnitOfWork(sessions),
            payments,
            access,
            users,
            PdfInvoiceDocuments(),
            _invoice_settings(settings),
        ),
        vehicles=VehicleRegistry(lambda: SqlVehiclesUnitOfWork(sessions), access, users, decode_vin),
        reconciliation=Reconciliations(lambda: SqlReconciliationUnitOfWork(sessions), access),
        settlement=Settlement(lambda: SqlSettlementUnitOfWork(sessions), access),
        dashboard=PaymentsDashboard(SqlDashboardFigures(sessions), access),
        mailer=PaymentsMailer(permission_holders, users, infra.mail, infra.public_base_url),
        vehicle_mailer=VehicleOfferMailer(
            lambda: SqlVehiclesUnitOfWork(sessions), users, users, infra.mail, infra.public_base_url
        ),
        personal_data=PaymentsPersonalData(SqlPaymentRecords(sessions)),
        erasure=PaymentsPersonalDataErasure(SqlPaymentsErasureStore.factory()),
        ledger_reports=SqlLedgerReports(sessions),
        idempotency_keys_due=expired_idempotency_keys(sessions, utc_now),
    )


def _payment_settings(settings: Settings) -> PaymentSettings:
    return PaymentSettings(
        fees=FeeSchedule(settings.PAYMENT_FEE_PERCENT, settings.PAYMENT_FEE_FIXED),
        thresholds=ApprovalThresholds(
            transfers={"NAD": settings.PAYMENT_TRANSFER_APPROVAL_THRESHOLD},
            deposits={"NAD": settings.PAYMENT_DEPOSIT_APPROVAL_THRESHOLD},
        ),
        staff_daily_limits=StaffDailyLimits({"NAD": settings.STAFF_DAILY_MOVEMENT_LIMIT}),
        approval_ttl=timedelta(hours=settings.PAYMENT_APPROVAL_TTL_HOURS),
        idempotency_ttl=timedelta(hours=settings.PAYMENT_IDEMPOTENCY_TTL_HOURS),
    )


def _invoice_settings(settings: Settings) -> InvoiceSettings:
    return InvoiceSettings(
        vat_rate=settings.INVOICE_VAT_RATE,
        business=PlatformBusiness(
            settings.INVOICE_ISSUER_NAME,
            settings.INVOICE_ISSUER_ADDRESS,
            settings.INVOICE_ISSUER_VAT_NUMBER,
        ),
        remind_every=timedelta(days=settings.INVOICE_REMINDER_DAYS),
    )
