"""The beat schedule: the platform's periodic jobs (audit log, outbox) and the beat entries
every context declares on its jobs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from celery.schedules import crontab

from elcorp.config import Settings
from elcorp.container import Container
from elcorp.shared.application.jobs import Beat, Cron, Job


def beat_schedule(container: Container) -> dict[str, dict[str, Any]]:
    """Every periodic job: the platform's, then those the container's contexts declare."""
    return schedule_of(container.settings, container.jobs())


def schedule_of(settings: Settings, jobs: Sequence[Job]) -> dict[str, dict[str, Any]]:
    return {**_audit(settings), **_declared(jobs), **_outbox(settings)}


def _declared(jobs: Sequence[Job]) -> dict[str, dict[str, Any]]:
    """One beat entry per job that declares one; two jobs may not share a key."""
    entries: dict[str, dict[str, Any]] = {}
    for job in jobs:
        if job.beat is None:
            continue
        if job.beat.key in entries:
            raise ValueError(f"beat entry {job.beat.key!r} declared twice")
        entries[job.beat.key] = _entry(job.name, job.beat)
    return entries


def _entry(task: str, beat: Beat) -> dict[str, Any]:
    schedule = beat.schedule
    entry: dict[str, Any] = {
        "task": task,
        "schedule": _crontab(schedule) if isinstance(schedule, Cron) else float(schedule),
    }
    if beat.expires is not None:
        entry["options"] = {"expires": beat.expires}
    return entry


def _crontab(cron: Cron) -> crontab:
    return crontab(
        minute=cron.minute, hour=cron.hour, day_of_week=cron.day_of_week, day_of_month=cron.day_of_month
    )


def _audit(settings: Settings) -> dict[str, dict[str, Any]]:
    """The audit log: sequencing, its watch, verification, archive and partitions."""
    audit_interval = settings.AUDIT_SEQUENCER_INTERVAL_SECONDS
    return {
        "audit-sequence": {
            "task": "elcorp.audit.sequence",
            "schedule": audit_interval,
            "options": {"expires": max(audit_interval * 5, 5.0)},
        },
        "audit-watch": {"task": "elcorp.audit.watch", "schedule": 60.0},
        "audit-verify": {"task": "elcorp.audit.verify", "schedule": 24 * 3600.0},
        "audit-archive": {"task": "elcorp.audit.archive", "schedule": 30 * 24 * 3600.0},
        "audit-partitions": {
            "task": "elcorp.audit.ensure_partitions",
            "schedule": 6 * 3600.0,
        },
    }


def _outbox(settings: Settings) -> dict[str, dict[str, Any]]:
    """The outbox dispatch."""
    interval = settings.OUTBOX_DISPATCH_INTERVAL_SECONDS
    return {
        "outbox-dispatch": {
            "task": "elcorp.outbox.dispatch",
            "schedule": interval,
            # A run that waited longer than one interval is superseded by the next one.
            "options": {"expires": max(interval * 5, 5.0)},
        },
    }
