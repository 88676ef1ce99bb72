"""The events identity publishes, listed for the composition root to register (so a worker
can read any stored identity event back, whatever it imported)."""

from __future__ import annotations

from elcorp.identity.domain.events import (
    AccountLocked,
    EmailVerificationRequested,
    PasswordResetRequested,
    SecurityNotice,
    UserDeleted,
    UserRegistered,
)
from elcorp.shared.domain.events import DomainEvent

EVENT_TYPES: tuple[type[DomainEvent], ...] = (
    UserRegistered,
    PasswordResetRequested,
    EmailVerificationRequested,
    AccountLocked,
    SecurityNotice,
    UserDeleted,
)
