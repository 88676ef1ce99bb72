"""Passwords: a signed-in change, and recovery by a single-use emailed code. Either way the
new password meets the policy and none of the recent ones, and sessions end (the other
devices on a change, all of them on a reset)."""

from __future__ import annotations

import uuid

from elcorp.identity.application.account_use_case import PASSWORD_RESET, AccountUseCase
from elcorp.identity.application.authentication import audit
from elcorp.identity.application.fields import for_field
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import Principal
from elcorp.identity.domain.errors import InvalidLinkToken, PasswordReused
from elcorp.identity.domain.events import PasswordResetRequested, SecurityNotice
from elcorp.identity.domain.user import User
from elcorp.shared.domain.email import EmailAddress

NEW_PASSWORD = "new_password"  # noqa: S105  # nosec B105  (the request field's name)


class Passwords(AccountUseCase):
    def change_password(self, principal: Principal, *, current_password: str, new_password: str) -> None:
        d = self.d
        d.policy.check_length(new_password, NEW_PASSWORD)
        with d.uow() as uow:
            user = self._require(uow, principal.user_id)
            self.auth.reprove_password(uow, user, current_password)
            self._set_password(uow, user, new_password)
            self.auth.end_sessions(uow, user.id, d.clock.now(), keep_device=principal.device_id)
            audit(uow, "user.password_changed", user.id, user.id, reason="other devices signed out")
            uow.publish(SecurityNotice(user_id=user.id, kind="password_changed"))
            uow.commit()

    def _set_password(self, uow: IdentityUnitOfWork, user: User, new_password: str) -> None:
        d = self.d
        d.policy.check(new_password, d.estimator, user.identifying_inputs(), NEW_PASSWORD)
        recent = uow.users.password_history(user.id, d.password_history)
        if any(d.hasher.verify(old, new_password) for old in recent):
            raise PasswordReused(
                details=[
                    {
                        "field": "new_password",
                        "message": f"must differ from your last {d.password_history} passwords",
                    }
                ]
            )
        user.change_password(d.hasher.hash(new_password), d.clock.now())
        uow.users.save(user)
        uow.users.add_password_history(user.id, user.password_hash)

    def forgot_password(self, email: str) -> None:
        """Always succeeds from the caller's view (no account enumeration)."""
        with for_field("email"):
            address = EmailAddress(email)  # a malformed address is a 422, which reveals nothing
        with self.d.uow() as uow:
            user = uow.users.by_login(address.normalized)
            known = user is not None and user.can_sign_in
            if user is not None and known:
                uow.publish(PasswordResetRequested(user_id=user.id))
            # The same writes either way (an audit row and a commit), so the response time
            # does not tell whether the address has an account; the email is sent later.
            audit(
                uow,
                "user.password_reset_requested",
                None,
                user.id if known and user else None,
                reason=None if known else "no active account for the address",
            )
            uow.commit()

    def send_reset_email(self, user_id: uuid.UUID) -> tuple[str, str] | None:
        with self.d.uow() as uow:
            user = uow.users.get(user_id)
            if user is None or not user.can_sign_in:
                return None
            raw = uow.links.issue(user.id, PASSWORD_RESET, self.d.password_reset_ttl, self.d.clock.now())
            uow.commit()
            return user.email.value, raw

    def reset_password(self, token: str, new_password: str) -> None:
        d = self.d
        d.policy.check_length(new_password, NEW_PASSWORD)
        with d.uow() as uow:
            now = d.clock.now()
            user_id = uow.links.consume(token, PASSWORD_RESET, now)
            user = uow.users.get(user_id, for_update=True) if user_id else None
            if user is None:
                raise InvalidLinkToken.for_reset()
            self._set_password(uow, user, new_password)
            d.throttle.clear(user.id)
            self.auth.end_sessions(uow, user.id, now)
            audit(uow, "user.password_reset", user.id, user.id, reason="all sessions ended")
            uow.publish(SecurityNotice(user_id=user.id, kind="password_reset"))
            uow.commit()
