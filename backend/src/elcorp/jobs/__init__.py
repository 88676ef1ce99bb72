"""Celery: the app (`celery_app`), the beat schedule (`schedule`) and tasks (`tasks`).

Tasks call application services through the container; they hold no business rules.
Start a worker with `celery -A elcorp.jobs.celery_app worker` and beat with `... beat`.
"""
