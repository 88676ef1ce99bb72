"""Retention's background jobs: the nightly purge (POPIA s14)."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.compliance.retention.application.retention import Retention
from elcorp.shared.application.jobs import Beat, Cron, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(retention: Retention, *, dry_run_by_default: bool) -> list[Job]:
    """`dry_run_by_default` is RETENTION_PURGE_DRY_RUN: a run not told otherwise only counts."""
    # 02:30 in Windhoek (UTC+2): the retention purge, after the day's settlement close.
    return [
        Job(
            "elcorp.compliance.purge",
            _purge(retention, dry_run_by_default),
            retry_backoff=True,
            max_retries=3,
            beat=Beat("compliance-purge", Cron(minute="30", hour="0"), expires=6 * 3600.0),
        )
    ]


def _purge(retention: Retention, dry_run_by_default: bool) -> Callable[..., dict[str, object]]:
    def run(dry_run: bool | None = None) -> dict[str, object]:
        """Nightly: apply the retention policies (final disposals of erased subjects' restricted
        copies, expired sessions and one-time links, idempotency keys, mail spool, export
        files), except what a legal hold covers; leaves a purge_run evidence record and an
        audit entry. `dry_run=True` (or RETENTION_PURGE_DRY_RUN) only counts."""
        done = retention.purge(dry_run=dry_run_by_default if dry_run is None else dry_run)
        logger.info(
            "privacy.purge_run",
            run_id=str(done.id),
            dry_run=done.dry_run,
            total=done.total,
            items={i.policy: i.count for i in done.items},
        )
        return {"run_id": str(done.id), "dry_run": done.dry_run, "total": done.total}

    return run
