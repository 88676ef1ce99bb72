"""Shared domain: value objects (Money, EmailAddress, PhoneNumber, ids), domain events and
the error vocabulary. Plain Python only: no Flask, SQLAlchemy, Redis, Celery or pydantic."""
