"""Accounts: registration, email verification, profile, password change and recovery,
devices. Every change is audited; nothing sensitive goes into the audit record.

Each use case lives in its own module; `Accounts` combines them under the one name the
composition root, the HTTP layer, the outbox handlers and the administration use."""

from __future__ import annotations

from elcorp.identity.application.account_use_case import EMAIL_VERIFY, PASSWORD_RESET, user_view
from elcorp.identity.application.devices import Devices
from elcorp.identity.application.email_verification import EmailVerification
from elcorp.identity.application.passwords import Passwords
from elcorp.identity.application.profile import Profile
from elcorp.identity.application.registration import Registration

__all__ = ["EMAIL_VERIFY", "PASSWORD_RESET", "Accounts", "user_view"]


class Accounts(Registration, EmailVerification, Profile, Passwords, Devices):
    """Constructed as `Accounts(deps, auth)`; the methods are those of the use cases."""
