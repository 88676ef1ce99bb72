"""Celery configured from Settings and bound to a Flask app (the Flask + Celery recipe):
every task runs inside `app.app_context()` and finds the container through `main.container_of(app)`.

Besides the platform's own tasks (`tasks`), one task is registered per job the container's
contexts declare (`Container.jobs()`), under the job's name and with its retry policy."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from celery.signals import setup_logging
from flask import Flask, current_app

from elcorp.config import Settings
from elcorp.jobs.schedule import schedule_of
from elcorp.jobs.tasks import TRANSIENT
from elcorp.main import container_of
from elcorp.shared.application.jobs import Job
from elcorp.shared.infrastructure.logging import configure_logging
from elcorp.shared.infrastructure.redis import celery_url

# One line per task received/succeeded and per beat tick is noise at one run a second;
# failures are still logged at WARNING/ERROR.
_CHATTY_LOGGERS = ("celery.app.trace", "celery.worker.strategy", "celery.beat")


def celery_init_app(app: Flask, settings: Settings) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    jobs = container_of(app).jobs()
    redis_url = settings.REDIS_URL or ""
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=celery_url(redis_url),
        result_backend=celery_url(redis_url),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="elcorp",
        result_expires=3600,
        timezone="UTC",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        beat_schedule=schedule_of(settings, jobs),
        task_always_eager=False,
        imports=("elcorp.jobs.tasks",),
    )

    for job in jobs:
        _register(celery, job)

    def _logging(**_: Any) -> None:
        # Our JSON logging instead of Celery's own handlers.
        configure_logging(settings.LOG_LEVEL, json_output=settings.LOG_JSON)
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)

    setup_logging.connect(_logging, weak=False)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def _register(celery: Celery, job: Job) -> None:
    """The job's task. It runs the job of the container of the app it runs in, looked up at
    each call as the platform's tasks do, so the app's current services serve it."""
    name = job.name

    def run(*args: Any, **kwargs: Any) -> object:
        found = next(j for j in container_of(current_app).jobs() if j.name == name)
        return found.run(*args, **kwargs)

    run.__name__ = run.__qualname__ = name.rsplit(".", 1)[-1]
    run.__doc__ = getattr(job.run, "__doc__", None)
    celery.task(shared=False, **_options(job))(run)


def _options(job: Job) -> dict[str, Any]:
    """Celery's options for the job's retry policy; the unset ones keep Celery's defaults."""
    options: dict[str, Any] = {"name": job.name, "ignore_result": job.ignore_result}
    if job.autoretry:
        options["autoretry_for"] = TRANSIENT
    if job.retry_backoff:
        options["retry_backoff"] = True
    if job.retry_backoff_max is not None:
        options["retry_backoff_max"] = job.retry_backoff_max
    if job.max_retries is not None:
        options["max_retries"] = job.max_retries
    return options
