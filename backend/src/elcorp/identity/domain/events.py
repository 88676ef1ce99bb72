"""Identity's domain events (stored in the outbox, delivered at least once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from elcorp.shared.domain.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class UserRegistered(DomainEvent):
    """A new account exists. Payments opens its wallet; identity sends the verification mail;
    compliance records the consents ticked at registration (`consents`: purposes, against
    the privacy notice in force at `occurred_at`)."""

    event_type = "identity.UserRegistered"
    user_id: uuid.UUID
    wallet_address: uuid.UUID
    email_verified: bool = False
    consents: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class PasswordResetRequested(DomainEvent):
    event_type = "identity.PasswordResetRequested"
    user_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class EmailVerificationRequested(DomainEvent):
    """The owner of an unverified address asked for a new verification mail (the first one
    got lost, expired, or the address was corrected). Identity mails a fresh code."""

    event_type = "identity.EmailVerificationRequested"
    user_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class AccountLocked(DomainEvent):
    """Too many failed sign-ins: the owner is told by email; compliance counts lockouts per
    client IP (`ip`, None when unknown) to open an incident on repeated ones."""

    event_type = "identity.AccountLocked"
    user_id: uuid.UUID
    locked_seconds: int
    ip: str | None = None


@dataclass(frozen=True, kw_only=True)
class SecurityNotice(DomainEvent):
    """Something the owner must hear about (password changed, MFA off, token theft)."""

    event_type = "identity.SecurityNotice"
    user_id: uuid.UUID
    kind: str


@dataclass(frozen=True, kw_only=True)
class UserDeleted(DomainEvent):
    """An account was (soft-)deleted. Governance ends its organization membership."""

    event_type = "identity.UserDeleted"
    user_id: uuid.UUID
