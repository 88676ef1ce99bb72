"""Celery configured from Settings and bound to a Flask app (the Flask + Celery recipe):
every task runs inside `app.app_context()` and finds the container through `main.container_of(app)`."""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, Task
from celery.signals import setup_logging
from flask import Flask

from elcorp.config import Settings
from elcorp.jobs.schedule import beat_schedule
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
        beat_schedule=beat_schedule(settings),
        task_always_eager=False,
        imports=("elcorp.jobs.tasks",),
    )

    def _logging(**_: Any) -> None:
        # Our JSON logging instead of Celery's own handlers.
        configure_logging(settings.LOG_LEVEL, json_output=settings.LOG_JSON)
        for name in _CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)

    setup_logging.connect(_logging, weak=False)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
