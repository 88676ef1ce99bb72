"""The platform's own Celery tasks: the outbox dispatch, the ping, and the audit log's
sequencing, watch, verification, archive and partitions. Each is a thin shell: get the app's
container, call one service, log the result. The contexts' jobs are declared by each context
(`<context>/interfaces/jobs.py`) and registered by `factory.celery_init_app`.

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
