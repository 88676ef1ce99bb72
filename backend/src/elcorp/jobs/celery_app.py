"""Entry point for `celery -A elcorp.jobs.celery_app worker|beat`: builds the app once."""

from __future__ import annotations

from elcorp.config import Settings
from elcorp.jobs.factory import celery_init_app
from elcorp.main import create_app

settings = Settings()
flask_app = create_app(settings)
celery_app = celery_init_app(flask_app, settings)
app = celery_app
