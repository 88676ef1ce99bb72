"""Email verification: the single-use link the verification mail carries, and spending it.
The raw token is made when the mail is sent (by the outbox handler) and lives only in it."""

from __future__ import annotations

import uuid

from elcorp.identity.application.account_use_case import EMAIL_VERIFY, AccountUseCase
from elcorp.identity.application.authentication import audit
from elcorp.identity.domain.errors import InvalidLinkToken


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
                raise InvalidLinkToken()
            user.verify_email(now)
            uow.users.save(user)
            audit(uow, "user.email_verified", user.id, user.id)
            uow.commit()

    def address_of(self, user_id: uuid.UUID) -> str | None:
        with self.d.uow() as uow:
            user = uow.users.get(user_id)
        return user.email.value if user else None
