"""Two-factor authentication: TOTP enrolment (RFC 6238), backup codes, disabling."""

from __future__ import annotations

from dataclasses import dataclass

from elcorp.identity.application.authentication import Authentication, audit
from elcorp.identity.application.deps import IdentityDeps
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import Principal
from elcorp.identity.domain.errors import InvalidMfaCode, MfaAlreadyEnabled, MfaNotEnabled
from elcorp.identity.domain.events import SecurityNotice
from elcorp.identity.domain.user import User
from elcorp.shared.application.audit import Changes
from elcorp.shared.domain.errors import NotFound


@dataclass(frozen=True, slots=True)
class MfaSetup:
    secret: str
    otpauth_uri: str
    qr_svg: str


class TwoFactor:
    def __init__(self, deps: IdentityDeps, auth: Authentication) -> None:
        self.d = deps
        self.auth = auth

    def setup(self, principal: Principal) -> MfaSetup:
        d = self.d
        with d.uow() as uow:
            user = uow.users.get(principal.user_id, for_update=True)
            if user is None:
                raise NotFound("Account not found")
            if user.mfa_enabled:
                raise MfaAlreadyEnabled()
            secret = d.totp.new_secret()
            uow.mfa.set_pending(user.id, d.ciphers.encrypt(secret))
            audit(uow, "auth.mfa_setup_started", user.id, user.id)
            uow.commit()
        uri = d.totp.provisioning_uri(secret, user.email.value)
        return MfaSetup(secret=secret, otpauth_uri=uri, qr_svg=d.totp.qr_svg(uri))

    def enable(self, principal: Principal, code: str, *, password: str) -> list[str]:
        """Confirm enrolment with a first code and the password (DESIGN.md section 6: an MFA
        change needs it, or a stolen token could lock the owner out); returns 10 backup
        codes, shown once."""
        d = self.d
        with d.uow() as uow:
            user = uow.users.get(principal.user_id, for_update=True)
            if user is None:
                raise NotFound("Account not found")
            if user.mfa_enabled:
                raise MfaAlreadyEnabled()
            self.auth.reprove_password(uow, user, password)
            _, pending = uow.mfa.secrets_of(user.id)
            if pending is None:
                raise MfaNotEnabled("Start with POST /api/v1/auth/mfa/setup")
            secret = d.ciphers.decrypt(pending)
            step = d.totp.matching_step(secret, code.strip(), d.clock.now())
            if step is None:
                raise InvalidMfaCode()
            uow.mfa.activate(user.id, d.ciphers.encrypt(secret), step)
            codes = uow.mfa.replace_backup_codes(user.id)
            audit(uow, "auth.mfa_enabled", user.id, user.id, changes=Changes({"mfa": False}, {"mfa": True}))
            uow.publish(SecurityNotice(user_id=user.id, kind="mfa_enabled"))
            uow.commit()
            return codes

    def _enrolled_user(self, uow: IdentityUnitOfWork, principal: Principal, password: str) -> User:
        """The caller's account, locked for update, with MFA on and the password re-proved."""
        user = uow.users.get(principal.user_id, for_update=True)
        if user is None:
            raise NotFound("Account not found")
        if not user.mfa_enabled:
            raise MfaNotEnabled()
        self.auth.reprove_password(uow, user, password)
        return user

    def disable(self, principal: Principal, *, password: str, code: str) -> None:
        d = self.d
        with d.uow() as uow:
            user = self._enrolled_user(uow, principal, password)
            if not self.auth.second_factor_ok(uow, user, code):
                raise InvalidMfaCode()
            uow.mfa.deactivate(user.id)
            self.auth.end_sessions(uow, user.id, d.clock.now(), keep_device=principal.device_id)
            audit(
                uow,
                "auth.mfa_disabled",
                user.id,
                user.id,
                changes=Changes({"mfa": True}, {"mfa": False}),
                reason="other devices signed out",
            )
            uow.publish(SecurityNotice(user_id=user.id, kind="mfa_disabled"))
            uow.commit()

    def regenerate_backup_codes(self, principal: Principal, *, password: str) -> list[str]:
        with self.d.uow() as uow:
            user = self._enrolled_user(uow, principal, password)
            codes = uow.mfa.replace_backup_codes(user.id)
            audit(uow, "auth.backup_codes_regenerated", user.id, user.id)
            uow.commit()
            return codes
