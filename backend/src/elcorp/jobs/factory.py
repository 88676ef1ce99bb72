"""Celery configured from Settings and bound to a Flask app (the Flask + Celery recipe):
every task runs inside `app.app_context()` and finds the container in `app.extensions`."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

from elcorp.config import Settings
from elcorp.jobs.schedule import beat_schedule
from elcorp.shared.infrastructure.redis import celery_url


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
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
