"""WSGI entry point for gunicorn: `gunicorn elcorp.wsgi:app` (settings from the environment)."""

from elcorp.main import create_app

app = create_app()
