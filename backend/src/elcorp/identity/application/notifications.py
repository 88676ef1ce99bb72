"""Emails identity sends, run by outbox handlers in the Celery worker (never in a request).

Raw link tokens are created here, at sending time, so they exist only in the email: the
outbox row that triggered the mail holds no secret.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from elcorp.identity.application.accounts import Accounts
from elcorp.identity.domain.events import (
    AccountLocked,
    EmailVerificationRequested,
    PasswordResetRequested,
    SecurityNotice,
    UserRegistered,
)
from elcorp.shared.application.mail import EmailSender

NOTICES = {
    "password_changed": "Your Elcorp password was changed. Your other devices were signed out.",  # nosec B105
    "password_reset": "Your Elcorp password was reset. All your devices were signed out.",  # nosec B105
    "account_unlocked": "An administrator unlocked your Elcorp account; you can sign in again.",
    "mfa_enabled": "Two-factor authentication is now on for your Elcorp account.",
    "mfa_disabled": "Two-factor authentication was turned off for your Elcorp account.",
    "refresh_token_reused": (  # nosec B105
        "A sign-in token of one of your devices was used twice, which can mean it was stolen. "
        "That device was signed out; sign in again and change your password if this was not you."
    ),
}
FOOTER = "\n\nIf this was not you, contact Elcorp support at once.\n"


@dataclass
class IdentityMailer:
    accounts: Accounts
    sender: EmailSender
    public_base_url: str
    verification_hours: int = 24
    reset_minutes: int = 30

    def _address(self, user_id: uuid.UUID) -> str | None:
        return self.accounts.address_of(user_id)

    def on_user_registered(self, event: UserRegistered) -> None:
        if not event.email_verified:
            self._send_verification(event.user_id, "Welcome to Elcorp Namibia.")

    def on_email_verification_requested(self, event: EmailVerificationRequested) -> None:
        self._send_verification(event.user_id, "You asked for a new code to confirm your email address.")

    def _send_verification(self, user_id: uuid.UUID, opening: str) -> None:
        """A fresh single-use code (it voids the previous one), unless the address is verified."""
        found = self.accounts.send_verification_email(user_id)
        if found is None:
            return
        address, token = found
        self.sender.send(
            address,
            "Confirm your email address",
            f"{opening}\n\nConfirm your email address with this code within "
            f"{self.verification_hours} hours:\n\n"
            f"    {token}\n\nApps send it to {self.public_base_url}/api/v1/auth/verify-email as "
            '{"token": "<code>"}. A new code can be requested at '
            f"{self.public_base_url}/api/v1/auth/verification/resend." + FOOTER,
        )

    def on_password_reset_requested(self, event: PasswordResetRequested) -> None:
        found = self.accounts.send_reset_email(event.user_id)
        if found is None:
            return
        address, token = found
        self.sender.send(
            address,
            "Reset your password",
            "Someone asked to reset the password of your Elcorp account. Use this code "
            f"within {self.reset_minutes} minutes:\n\n"
            f"    {token}\n\nApps send it with your new password to {self.public_base_url}"
            "/api/v1/auth/password/reset. If you did not ask for this, ignore this email." + FOOTER,
        )

    def on_account_locked(self, event: AccountLocked) -> None:
        address = self._address(event.user_id)
        if address:
            minutes = max(1, event.locked_seconds // 60)
            self.sender.send(
                address,
                "Sign-in paused after failed attempts",
                f"We paused sign-in to your Elcorp account for about {minutes} minute(s) after several "
                "failed attempts." + FOOTER,
            )

    def on_security_notice(self, event: SecurityNotice) -> None:
        address = self._address(event.user_id)
        text = NOTICES.get(event.kind)
        if address and text:
            self.sender.send(address, "Security notice for your Elcorp account", text + FOOTER)
