"""The audit port: every security- or business-relevant change is recorded here.

`record()` appends inside the caller's transaction: if the business change rolls back, so
does its audit entry, and a committed change always has one. The audit-trail capability
adds sequencing, hash chaining, checkpoints and export on top of the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: a user id (as text) or `system`, with the roles held at the time."""

    id: str = SYSTEM_ACTOR
    roles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resource:
    """What was acted on: a type such as `user` or `transfer`, and its id."""

    type: str
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    """Before/after values, minimised: personal values must already be hashed or omitted."""

    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditedAction:
    """An audit entry for a store that writes it in the same statement as the change."""

    action: str
    actor: Actor
    resource: Resource
    changes: Changes | None = None
    reason: str | None = None


class AuditLog(Protocol):
    """Port: append one audit entry to the current unit of work."""

    def record(
        self,
        action: str,
        actor: Actor,
        resource: Resource,
        changes: Changes | None = None,
        reason: str | None = None,
    ) -> None: ...
