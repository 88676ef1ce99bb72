"""Audit alarms: sequencer lag and verification results as Prometheus metrics, error logs
and domain events (through the outbox, so an incident can be opened from them)."""

from __future__ import annotations

import logging

from prometheus_client import Counter, Gauge

from elcorp.compliance.audit.application.audit_trail import VerificationReport
from elcorp.compliance.domain.events import AuditSequencerStalled, AuditVerificationFailed
from elcorp.shared.application.audit import Actor, Resource
from elcorp.shared.application.unit_of_work import UnitOfWork

logger = logging.getLogger("elcorp.audit")

UNSEQUENCED = Gauge(
    "elcorp_audit_unsequenced_entries", "Audit entries waiting to be chained", multiprocess_mode="max"
)
LAG = Gauge(
    "elcorp_audit_sequencer_lag_seconds", "Age of the oldest unchained audit entry", multiprocess_mode="max"
)
HEAD = Gauge(
    "elcorp_audit_chain_head", "Sequence number of the newest chained entry", multiprocess_mode="max"
)
VERIFICATION_FAILURES = Counter("elcorp_audit_verification_failures_total", "Audit verifications that failed")
VERIFIED = Gauge(
    "elcorp_audit_verified_entries", "Entries checked by the last verification", multiprocess_mode="max"
)


def observe_lag(uow: UnitOfWork, waiting: int, age_seconds: float, max_lag_seconds: float) -> bool:
    """Record the lag; raise the alarm (log + event) when it exceeds the limit."""
    UNSEQUENCED.set(waiting)
    LAG.set(age_seconds)
    if age_seconds <= max_lag_seconds:
        return False
    logger.error("audit.sequencer_stalled waiting=%s oldest_age_seconds=%.0f", waiting, age_seconds)
    uow.publish(AuditSequencerStalled(waiting=waiting, oldest_age_seconds=int(age_seconds)))
    uow.commit()
    return True


def observe_verification(uow: UnitOfWork, report: VerificationReport) -> None:
    VERIFIED.set(report.checked)
    if report.ok:
        HEAD.set(report.last_seq)
        return
    VERIFICATION_FAILURES.inc()
    first = report.problems[0]
    logger.error("audit.verification_failed seq=%s reason=%s", first["seq"], first["reason"])
    uow.publish(AuditVerificationFailed(first_bad_seq=int(first["seq"]), reason=str(first["reason"])))
    uow.audit.record(
        "audit.verification_failed",
        Actor(),
        Resource("audit_log"),
        reason=f"sequence {first['seq']}: {first['reason']}",
    )
    uow.commit()
