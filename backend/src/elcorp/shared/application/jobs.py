"""Background jobs as plain declarations: what runs, under which task name, how it is retried
and when beat sends it. Each context (and each compliance feature) exports its own, so adding
a job touches only that feature; the Celery adapter turns them into tasks and a beat schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Cron:
    """A crontab-style time (UTC), each field in crontab syntax ("*" = every)."""

    minute: str = "*"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"


@dataclass(frozen=True)
class Beat:
    """A periodic run: the beat entry's key, every `schedule` seconds or at a `Cron` time;
    a run still queued `expires` seconds after it was sent is dropped (superseded)."""

    key: str
    schedule: float | Cron
    expires: float | None = None


@dataclass(frozen=True)
class Job:
    """One background job. `autoretry` retries it on transient infrastructure failures
    (database or broker unreachable); the other retry fields are left to the adapter's
    defaults when None."""

    name: str
    run: Callable[..., object]
    autoretry: bool = True
    retry_backoff: bool = False
    retry_backoff_max: int | None = None
    max_retries: int | None = None
    ignore_result: bool = False
    beat: Beat | None = None
