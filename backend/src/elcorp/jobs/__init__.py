"""Celery: the app (`celery_app`), the beat schedule (`schedule`), the platform's own tasks
(`tasks`) and one task per job the contexts declare (`factory`).

Tasks call application services through the container; they hold no business rules.
Start a worker with `celery -A elcorp.jobs.celery_app worker` and beat with `... beat`.
"""
