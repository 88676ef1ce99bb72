"""Identifiers: random UUIDs, so ids in URLs cannot be enumerated (API Security Top 10 API1)."""

from __future__ import annotations

import uuid
from typing import NewType

UserId = NewType("UserId", uuid.UUID)
EventId = NewType("EventId", uuid.UUID)


def new_id() -> uuid.UUID:
    """A fresh random (version 4) UUID."""
    return uuid.uuid4()


def parse_id(value: str | uuid.UUID) -> uuid.UUID | None:
    """The UUID in `value`, or None when it is not one (callers answer 404, not 500)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
