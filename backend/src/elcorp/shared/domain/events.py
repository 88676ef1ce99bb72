"""Domain events: small immutable facts, serialisable for the transactional outbox.

Each context lists the events it publishes (`EVENT_TYPES` in its `application/event_types.py`)
and the composition root registers those lists with `register_event_types`, so a worker can
turn any stored payload back into the class its handlers subscribe to, whichever modules it
happened to import. Defining a subclass only names it (`event_type`); it registers nothing.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, get_type_hints

from elcorp.shared.domain.clock import utc_now
from elcorp.shared.domain.ids import new_id

_REGISTRY: dict[str, type[DomainEvent]] = {}


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of all events. Subclasses are frozen keyword-only dataclasses."""

    event_type: ClassVar[str] = ""
    event_id: uuid.UUID = field(default_factory=new_id)
    occurred_at: datetime = field(default_factory=utc_now)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.event_type = cls.__dict__.get("event_type") or f"{cls.__module__.split('.')[1]}.{cls.__name__}"

    def to_payload(self) -> dict[str, Any]:
        """JSON-safe dict (UUID, datetime and Decimal become strings)."""
        return {f.name: _to_json(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> DomainEvent:
        hints = get_type_hints(cls)
        values = {
            f.name: _from_json(hints.get(f.name), payload[f.name])
            for f in dataclasses.fields(cls)
            if f.name in payload
        }
        return cls(**values)


def register_event_types(types: Iterable[type[DomainEvent]]) -> None:
    """Make `types` known by their stored names (called by the composition root with each
    context's EVENT_TYPES). Registering a class again is harmless; a second class under a
    name already taken is a TypeError, since stored rows could no longer be read back."""
    for cls in types:
        known = _REGISTRY.get(cls.event_type)
        if known is not None and known is not cls and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"event type {cls.event_type!r} is already registered to {known.__qualname__}")
        _REGISTRY[cls.event_type] = cls


def event_class(event_type: str) -> type[DomainEvent]:
    """The registered class for a stored event type; KeyError if its context did not list it."""
    try:
        return _REGISTRY[event_type]
    except KeyError:
        raise KeyError(
            f"event type {event_type!r} is not registered: list it in its context's EVENT_TYPES"
        ) from None


def _to_json(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    return value


def _from_json(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if hint is uuid.UUID or hint == uuid.UUID | None:
        return uuid.UUID(value)
    if hint is datetime or hint == datetime | None:
        return datetime.fromisoformat(value)
    if hint is Decimal or hint == Decimal | None:
        return Decimal(value)
    return value
