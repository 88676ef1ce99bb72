"""Payments' background jobs: approval expiry and reminders, idempotency keys, the nightly
integrity check, the settlement close and the unpaid-invoice reminders."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.payments.application.invoices import InvoiceService
from elcorp.payments.application.payments import Payments
from elcorp.payments.application.settlement import Settlement
from elcorp.shared.application.jobs import Beat, Cron, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(payments: Payments, invoices: InvoiceService, settlement: Settlement) -> list[Job]:
    """Times are UTC: Windhoek is UTC+2 all year (Namibian Time Act 2017)."""
    return [
        Job(
            "elcorp.payments.expire_pending",
            _expire_pending(payments),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("payments-expire-pending", 300.0),
        ),
        # The client's schedule: pending approvals reminded every 4 hours.
        Job(
            "elcorp.payments.remind_approvers",
            _remind_approvers(payments),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("payments-approval-reminders", 4 * 3600.0),
        ),
        # 08:00 in Windhoek: payers are reminded in the morning.
        Job(
            "elcorp.payments.remind_unpaid_invoices",
            _remind_unpaid_invoices(invoices),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("payments-invoice-reminders", Cron(minute="0", hour="6")),
        ),
        Job(
            "elcorp.payments.purge_idempotency_keys",
            _purge_idempotency_keys(payments),
            ignore_result=True,
            beat=Beat("payments-idempotency-purge", 3600.0),
        ),
        Job(
            "elcorp.payments.check_integrity",
            _check_integrity(payments),
            retry_backoff=True,
            max_retries=3,
            beat=Beat("payments-integrity", 24 * 3600.0),
        ),
        # 00:15 in Windhoek: yesterday's batches.
        Job(
            "elcorp.payments.close_settlement",
            _close_settlement(settlement),
            retry_backoff=True,
            max_retries=3,
            beat=Beat("payments-settlement-close", Cron(minute="15", hour="22")),
        ),
    ]


def _expire_pending(payments: Payments) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Release the holds of movements whose approval deadline passed (status `expired`)."""
        expired = payments.expire_pending()
        if expired:
            logger.info("payments.expired", expired=expired)
        return {"expired": expired}

    return run


def _remind_approvers(payments: Payments) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Remind approvers of movements waiting for a second person (mail through the outbox)."""
        queued = payments.remind_pending_approvals()
        if queued:
            logger.info("payments.reminders_queued", queued=queued)
        return {"queued": queued}

    return run


def _remind_unpaid_invoices(invoices: InvoiceService) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Daily: remind the payers of issued invoices past their due date (mail through the
        outbox), each at most once per INVOICE_REMINDER_DAYS."""
        queued = invoices.remind_overdue()
        if queued:
            logger.info("payments.invoice_reminders_queued", queued=queued)
        return {"queued": queued}

    return run


def _purge_idempotency_keys(payments: Payments) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Forget idempotency keys past their retention (at least 24 hours)."""
        return {"purged": payments.purge_idempotency_keys()}

    return run


def _check_integrity(payments: Payments) -> Callable[[], dict[str, object]]:
    def run() -> dict[str, object]:
        """Nightly: the trial balance and the posting hash chains; on a mismatch an error log,
        a `LedgerIntegrityFailed` event (compliance opens an incident) and an audit entry."""
        found = payments.check_integrity()
        trial, chains = found.trial_balance, found.chains
        if not found.ok:
            logger.error(
                "payments.ledger_integrity_failed",
                totals={currency: f"{total:f}" for currency, total in trial.totals.items()},
                mismatched_accounts=len(trial.mismatched_accounts),
                first_broken_link=chains.first_broken,
            )
        return {
            "ok": found.ok,
            "postings_checked": chains.postings_checked,
            "accounts_checked": chains.accounts_checked,
            "mismatched_accounts": len(trial.mismatched_accounts),
        }

    return run


def _close_settlement(settlement: Settlement) -> Callable[[], dict[str, object]]:
    def run() -> dict[str, object]:
        """Daily, shortly after midnight in Windhoek: close yesterday's settlement batch in each
        currency (and days of the past week a missed run left unsettled). Idempotent."""
        closings = settlement.close_due()
        closed = [c.batch for c in closings if c.closed_now]
        for batch in closed:
            logger.info(
                "payments.settlement_closed",
                batch_id=str(batch.id),
                business_date=batch.business_date.isoformat(),
                currency=batch.currency,
                count=batch.totals.count,
                net=str(batch.totals.net),
            )
        return {"closed": [str(b.id) for b in closed], "already_closed": len(closings) - len(closed)}

    return run
