"""Domain events: small immutable facts, serialisable for the transactional outbox.

Every subclass is registered by its `event_type` name, so the outbox dispatcher can turn a
stored payload back into the class the handlers subscribe to.
"""

from __future__ import annotations

import dataclasses
import uuid
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
        name = cls.__dict__.get("event_type") or f"{cls.__module__.split('.')[1]}.{cls.__name__}"
        cls.event_type = name
        if name in _REGISTRY and _REGISTRY[name].__qualname__ != cls.__qualname__:
            raise TypeError(f"event type {name!r} is already registered")
        _REGISTRY[name] = cls

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


def event_class(event_type: str) -> type[DomainEvent]:
    """The registered class for a stored event type; KeyError if none."""
    return _REGISTRY[event_type]


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
