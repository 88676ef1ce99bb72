"""The Celery task a context's job is registered as, on the Celery app built for a Flask app
(as the worker builds it), for tests that run a job's body."""

from __future__ import annotations

from typing import Any

from flask import Flask

from elcorp.jobs.factory import celery_init_app
from elcorp.main import container_of


def job_task(app: Flask, name: str) -> Any:
    """The task named `name` (e.g. "elcorp.compliance.sla_escalate") of the app's Celery."""
    celery = celery_init_app(app, container_of(app).settings)
    return celery.tasks[name]
