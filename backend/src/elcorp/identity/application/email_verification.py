"""Email verification: the single-use link the verification mail carries, spending it, and
asking for a new mail. The raw token is made when the mail is sent (by the outbox handler)
and lives only in it."""

from __future__ import annotations

import uuid

from elcorp.identity.application.account_use_case import EMAIL_VERIFY, AccountUseCase
from elcorp.identity.application.authentication import audit
from elcorp.identity.application.fields import for_field
from elcorp.identity.domain.errors import InvalidLinkToken
from elcorp.identity.domain.events import EmailVerificationRequested
from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.errors import ValidationFailed


class EmailVerification(AccountUseCase):
    def send_verification_email(self, user_id: uuid.UUID) -> tuple[str, str] | None:
        """(address, raw token) for the verification mail, or None if nothing to send.
        Called by the outbox handler; the raw token lives only in the mail."""
        with self.d.uow() as uow:
            user = uow.users.get(user_id)
            if user is None or user.email_verified:
                return None
            raw = uow.links.issue(user.id, EMAIL_VERIFY, self.d.email_verification_ttl, self.d.clock.now())
            uow.commit()
            return user.email.value, raw

    def verify_email(self, token: str) -> None:
        with self.d.uow() as uow:
            now = self.d.clock.now()
            user_id = uow.links.consume(token, EMAIL_VERIFY, now)
            user = uow.users.get(user_id, for_update=True) if user_id else None
            if user is None:
                raise InvalidLinkToken.for_verification()
            user.verify_email(now)
            uow.users.save(user)
            audit(uow, "user.email_verified", user.id, user.id)
            uow.commit()

    def resend_verification(self, *, email: str | None = None, user_id: uuid.UUID | None = None) -> None:
        """Ask for a new verification mail, for the account with address `email`, or else for
        the signed-in caller `user_id`. Always succeeds from the caller's view (no account
        enumeration): a new code is mailed only to an account whose address is unverified,
        and it voids the previous code once sent."""
        with self.d.uow() as uow:
            if email is not None:
                with for_field("email"):
                    address = EmailAddress(email)  # a malformed address is a 422, which reveals nothing
                user = uow.users.by_login(address.normalized)
            elif user_id is not None:
                user = uow.users.get(user_id)
            else:
                raise ValidationFailed(
                    details=[{"field": "email", "message": "send the address, or call with an access token"}]
                )
            pending = user is not None and not user.is_deleted and not user.email_verified
            if user is not None and pending:
                uow.publish(EmailVerificationRequested(user_id=user.id))
            # The same writes either way (an audit row and a commit), as for a password reset.
            audit(
                uow,
                "user.verification_email_requested",
                user_id,
                user.id if user is not None and pending else None,
                reason=None if pending else "no account with an unverified address",
            )
            uow.commit()

    def address_of(self, user_id: uuid.UUID) -> str | None:
        with self.d.uow() as uow:
            user = uow.users.get(user_id)
        return user.email.value if user else None
