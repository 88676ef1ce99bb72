"""Celery tasks. Each is a thin shell: get the app's container, call one service, log the result.

Transient failures (database or broker unreachable) are retried with exponential backoff.
"""

from __future__ import annotations

from typing import Any

import redis
import structlog
from celery import shared_task
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from elcorp.container import Container
from elcorp.main import container_of

logger = structlog.get_logger("elcorp.jobs")

TRANSIENT = (OperationalError, redis.ConnectionError, redis.TimeoutError)


def _container() -> Container:
    return container_of(current_app)


@shared_task(
    name="elcorp.outbox.dispatch",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    ignore_result=True,
)
def dispatch_outbox() -> dict[str, int]:
    """Deliver committed outbox events to their handlers (at least once)."""
    container = _container()
    result = container.outbox.dispatch_pending(batch_size=container.settings.OUTBOX_BATCH_SIZE)
    if result.claimed or result.fanned_out:
        logger.info(
            "outbox.dispatched",
            fanned_out=result.fanned_out,
            dispatched=result.dispatched,
            retried=result.retried,
            failed=result.failed,
        )
    return {
        "fanned_out": result.fanned_out,
        "dispatched": result.dispatched,
        "retried": result.retried,
        "failed": result.failed,
    }


@shared_task(name="elcorp.ping", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def ping(payload: Any = None) -> dict[str, Any]:
    """Round-trip check for operators and tests: proves a worker consumes the queue and can
    reach the database."""

    with _container().engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"pong": payload}


@shared_task(
    name="elcorp.audit.sequence",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=30,
    max_retries=3,
    ignore_result=True,
)
def sequence_audit_log() -> dict[str, int]:
    """Chain committed audit entries and sign a checkpoint when one is due."""
    run = _container().audit_sequencer.run()
    if run.sequenced:
        logger.info(
            "audit.sequenced", sequenced=run.sequenced, head=run.head_seq, checkpoint=run.checkpointed
        )
    return {"sequenced": run.sequenced, "head_seq": run.head_seq}


@shared_task(
    name="elcorp.audit.ensure_partitions", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5
)
def ensure_audit_partitions(months_ahead: int = 3) -> list[str]:
    """Create next months' audit_log partitions ahead of time (inserts need one)."""
    sql = text(
        "SELECT audit_log_create_partition("
        "(date_trunc('month', now()) + make_interval(months => g))::date) FROM generate_series(0, :n) AS g"
    )
    with _container().engine.begin() as conn:
        names: list[str] = list(conn.execute(sql, {"n": months_ahead}).scalars())
    return list(names)


@shared_task(
    name="elcorp.audit.watch", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3, ignore_result=True
)
def watch_audit_sequencer() -> dict[str, float]:
    """Sequencer lag to /metrics; an alarm (error log + event) when it stalls."""
    from elcorp.compliance.audit.infrastructure.monitoring import observe_lag

    container = _container()
    waiting, age = container.audit_sequencer.lag()
    with container.uow() as uow:
        observe_lag(uow, waiting, age, container.settings.AUDIT_MAX_LAG_SECONDS)
    return {"waiting": waiting, "oldest_age_seconds": age}


@shared_task(name="elcorp.audit.verify", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def verify_audit_chain() -> dict[str, object]:
    """Recompute the whole chain and check every checkpoint (daily); alarm on failure."""
    from elcorp.compliance.audit.infrastructure.monitoring import observe_verification

    container = _container()
    report = container.audit_trail.verify()
    with container.uow() as uow:
        observe_verification(uow, report)
    return {"ok": report.ok, "checked": report.checked, "problems": report.problems[:1]}


@shared_task(name="elcorp.audit.archive", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def archive_audit_log() -> dict[str, object]:
    """Monthly: archive (export, verify, detach) the months older than AUDIT_ONLINE_MONTHS."""
    from datetime import UTC, datetime

    container = _container()
    settings = container.settings
    this_month = datetime.now(UTC).date().replace(day=1)
    index = this_month.year * 12 + this_month.month - 1 - settings.AUDIT_ONLINE_MONTHS
    before = this_month.replace(year=index // 12, month=index % 12 + 1)
    target = settings.AUDIT_ARCHIVE_DIR or settings.VAR_DIR / "audit-archive"
    result = container.audit_archiver.archive(before, target, requested_by="system:beat")
    logger.info(
        "audit.archived", first_seq=result.first_seq, last_seq=result.last_seq, detached=result.detached
    )
    return {"last_seq": result.last_seq, "detached": result.detached}


@shared_task(
    name="elcorp.governance.remind_approvers",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def remind_pending_approvers() -> dict[str, int]:
    """Queue reminders to the approvers of requests waiting more than 24 hours (at most one
    per approver and request every 4 hours; the emails go out through the outbox)."""
    queued = _container().service_requests.remind_pending_approvers()
    if queued:
        logger.info("service_request.reminders_queued", queued=queued)
    return {"queued": queued}


@shared_task(
    name="elcorp.payments.expire_pending",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def expire_pending_payments() -> dict[str, int]:
    """Release the holds of movements whose approval deadline passed (status `expired`)."""
    expired = _container().payments.expire_pending()
    if expired:
        logger.info("payments.expired", expired=expired)
    return {"expired": expired}


@shared_task(
    name="elcorp.payments.remind_approvers",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def remind_payment_approvers() -> dict[str, int]:
    """Remind approvers of movements waiting for a second person (mail through the outbox)."""
    queued = _container().payments.remind_pending_approvals()
    if queued:
        logger.info("payments.reminders_queued", queued=queued)
    return {"queued": queued}


@shared_task(
    name="elcorp.payments.remind_unpaid_invoices",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def remind_unpaid_invoices() -> dict[str, int]:
    """Daily: remind the payers of issued invoices past their due date (mail through the
    outbox), each at most once per INVOICE_REMINDER_DAYS."""
    queued = _container().invoices.remind_overdue()
    if queued:
        logger.info("payments.invoice_reminders_queued", queued=queued)
    return {"queued": queued}


@shared_task(name="elcorp.payments.purge_idempotency_keys", autoretry_for=TRANSIENT, ignore_result=True)
def purge_idempotency_keys() -> dict[str, int]:
    """Forget idempotency keys past their retention (at least 24 hours)."""
    purged = _container().payments.purge_idempotency_keys()
    return {"purged": purged}


@shared_task(
    name="elcorp.payments.check_integrity", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3
)
def check_ledger_integrity() -> dict[str, object]:
    """Nightly: the trial balance and the posting hash chains; on a mismatch an error log,
    a `LedgerIntegrityFailed` event (compliance opens an incident) and an audit entry."""
    found = _container().payments.check_integrity()
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


@shared_task(
    name="elcorp.payments.close_settlement", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3
)
def close_settlement() -> dict[str, object]:
    """Daily, shortly after midnight in Windhoek: close yesterday's settlement batch in each
    currency (and days of the past week a missed run left unsettled). Idempotent."""
    closings = _container().settlement.close_due()
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
    return {
        "closed": [str(b.id) for b in closed],
        "already_closed": len(closings) - len(closed),
    }


@shared_task(
    name="elcorp.compliance.send_marketing_digest",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
)
def send_marketing_digest() -> dict[str, int]:
    """Weekly: mail the marketing digest to the active subjects whose marketing consent
    stands at the moment of the run (a withdrawal is honoured by the next run; POPIA s69)."""
    run = _container().marketing_digest.send()
    logger.info("privacy.marketing_digest", mailed=run.mailed, consenting=run.consenting)
    return {"mailed": run.mailed, "consenting": run.consenting}


@shared_task(
    name="elcorp.compliance.build_access_bundle",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def build_access_bundle(request_id: str) -> dict[str, object]:
    """Build one access request's bundle (POPIA s23) from every context's exporter."""
    import uuid

    built = _container().access_bundles.build(uuid.UUID(request_id))
    if built:
        logger.info("privacy.access_bundle_built", request_id=request_id)
    return {"request_id": request_id, "built": built}


@shared_task(
    name="elcorp.compliance.build_access_bundles",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def build_pending_access_bundles() -> dict[str, int]:
    """Sweep: build the access bundles still pending (the outbox event normally triggers
    each build at once; this catches any whose delivery failed for good)."""
    built = _container().access_bundles.build_pending()
    if built:
        logger.info("privacy.access_bundles_built", built=built)
    return {"built": built}


@shared_task(name="elcorp.compliance.purge", autoretry_for=TRANSIENT, retry_backoff=True, max_retries=3)
def purge_expired_personal_data(dry_run: bool | None = None) -> dict[str, object]:
    """Nightly: apply the retention policies (final disposals of erased subjects' restricted
    copies, expired sessions and one-time links, idempotency keys, mail spool, export files),
    except what a legal hold covers; leaves a purge_run evidence record and an audit entry.
    RETENTION_PURGE_DRY_RUN (or `dry_run=True`) only counts."""
    container = _container()
    dry = container.settings.RETENTION_PURGE_DRY_RUN if dry_run is None else dry_run
    run = container.retention.purge(dry_run=dry)
    logger.info(
        "privacy.purge_run",
        run_id=str(run.id),
        dry_run=run.dry_run,
        total=run.total,
        items={i.policy: i.count for i in run.items},
    )
    return {"run_id": str(run.id), "dry_run": run.dry_run, "total": run.total}


@shared_task(
    name="elcorp.compliance.purge_access_bundles",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def purge_access_bundles() -> dict[str, int]:
    """Daily: delete access bundles past their 30-day download window (audited)."""
    purged = _container().access_bundles.purge_expired()
    if purged:
        logger.info("privacy.access_bundles_purged", purged=purged)
    return {"purged": purged}


@shared_task(
    name="elcorp.compliance.generate_monthly_reports",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
)
def generate_monthly_reports() -> dict[str, object]:
    """Monthly, early on the 1st (Africa/Windhoek): last month's regulatory report of every
    type with a source, as CSV and PDF, generated and recorded as the system. A report the
    system already generated for that month is skipped, so a retried run adds nothing."""
    done = _container().reports.generate_monthly()
    for report in done:
        logger.info(
            "report.pregenerated",
            type=report.report_type,
            period=str(report.period),
            format=report.format.value,
            sha256=report.sha256,
        )
    return {"generated": len(done), "reports": [f"{r.report_type}.{r.format.value}" for r in done]}


@shared_task(
    name="elcorp.compliance.remind_risk_reviews",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def remind_risk_reviews() -> dict[str, int]:
    """Daily: remind the owner of each risk whose review date has passed (the risk managers
    while it has no owner), at most once a week per risk; mail through the outbox, each
    reminder recorded (risk_review_reminder) and audited (POPIA s19(2)(d))."""
    queued = _container().risks.remind_overdue_reviews()
    if queued:
        logger.info("risk.review_reminders_queued", queued=queued)
    return {"queued": queued}


@shared_task(
    name="elcorp.compliance.escalate_breach_notifications",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def escalate_breach_notifications() -> dict[str, int]:
    """Daily: every POPIA s22 record still missing the Regulator's or the subjects'
    notification gets a timeline note and an audit entry, and the holders of
    incident:manage are mailed (through the outbox), until both are recorded."""
    escalated = _container().breach_notifications.escalate_due()
    if escalated:
        logger.warning("incident.breach_notifications_escalated", escalated=escalated)
    return {"escalated": escalated}


@shared_task(
    name="elcorp.compliance.sla_escalate",
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    ignore_result=True,
)
def sla_escalate() -> dict[str, int]:
    """Every 15 minutes: escalate (once) each tracked case whose escalation time passed
    unresolved, mailing the holders of its manage permission through the outbox, and record
    each missed SLA goal once (audited)."""
    run = _container().sla.escalate()
    if run.escalated or run.breaches:
        logger.info("sla.escalation_run", escalated=run.escalated, breaches=run.breaches)
    return {"escalated": run.escalated, "breaches": run.breaches}
