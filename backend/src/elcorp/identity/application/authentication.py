"""Signing in and staying signed in: login, the MFA step, refresh rotation, logout, and
checking an access token on every request."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from elcorp.identity.application.deps import IdentityDeps
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import MfaChallenge, Principal, TokenPair
from elcorp.identity.domain.errors import (
    InvalidCredentials,
    InvalidMfaCode,
    LoginThrottled,
    RefreshTokenReused,
    TokenExpired,
    TokenInvalid,
)
from elcorp.identity.domain.events import AccountLocked, SecurityNotice
from elcorp.identity.domain.user import User
from elcorp.shared.application.audit import Actor, Changes, Resource

TOTP_DIGITS = 6


def audit(
    uow: IdentityUnitOfWork,
    action: str,
    actor: uuid.UUID | str | None,
    subject: uuid.UUID | None,
    *,
    changes: Changes | None = None,
    reason: str | None = None,
) -> None:
    """Audit an identity action (never with passwords, tokens, codes or secrets)."""
    uow.audit.record(
        action,
        Actor(id=str(actor) if actor else "anonymous"),
        Resource("user", str(subject) if subject else None),
        changes,
        reason,
    )


class Authentication:
    def __init__(self, deps: IdentityDeps) -> None:
        self.d = deps

    # -- login -----------------------------------------------------------------------------
    def login(
        self,
        *,
        login: str,
        password: str,
        device_id: uuid.UUID,
        device_name: str | None,
        ip: str | None,
        user_agent: str | None,
    ) -> TokenPair | MfaChallenge:
        d = self.d
        with d.uow() as uow:
            user = uow.users.by_login(login)
            checks = d.throttle.preflight(ip, user.id if user else None)
            if checks.ip_retry_after is not None:
                raise LoginThrottled(checks.ip_retry_after)
            if user is None:
                d.hasher.burn(password)  # the same Argon2 cost as a real account
                d.throttle.record_failure(None, ip)
                audit(uow, "auth.login_failed", None, None, reason="unknown account")
                uow.commit()
                raise InvalidCredentials()
            password_ok = d.hasher.verify(user.password_hash, password)  # always, even when locked
            if checks.locked or not password_ok or not user.can_sign_in:
                self._failed(
                    uow,
                    user,
                    ip,
                    reason="locked" if checks.locked else "wrong password or inactive",
                    count=not checks.locked,
                )
                uow.commit()
                raise InvalidCredentials()
            if checks.has_failures and not user.mfa_enabled:
                # With MFA on, the counters are reset only after the second factor, so guessing
                # codes with a known password keeps growing the lockout.
                d.throttle.record_success(user.id)
            if d.hasher.needs_rehash(user.password_hash):
                user.password_hash = d.hasher.hash(password)  # parameters changed: upgrade quietly
                uow.users.save(user)
            if user.mfa_enabled:
                token = d.challenges.create(user.id, device_id, device_name)
                audit(uow, "auth.mfa_challenged", user.id, user.id)
                uow.commit()
                return MfaChallenge(token)
            pair = self._start_session(uow, user, device_id, device_name, ip, user_agent, mfa=False)
            audit(uow, "auth.login", user.id, user.id, changes=Changes(after={"device_id": str(device_id)}))
            uow.commit()
            return pair

    def _failed(
        self, uow: IdentityUnitOfWork, user: User, ip: str | None, *, reason: str, count: bool
    ) -> None:
        audit(uow, "auth.login_failed", None, user.id, reason=reason)
        if not count:
            return
        locked_for = self.d.throttle.record_failure(user.id, ip)
        if locked_for:
            audit(
                uow,
                "auth.account_locked",
                "system",
                user.id,
                reason=f"too many failed sign-ins; {locked_for}s",
            )
            uow.publish(AccountLocked(user_id=user.id, locked_seconds=locked_for, ip=ip))

    def verify_mfa(self, *, mfa_token: str, code: str, ip: str | None, user_agent: str | None) -> TokenPair:
        d = self.d
        # The attempt is counted before the code is looked at: N parallel guesses on one
        # token evaluate at most MFA_TOKEN_MAX_ATTEMPTS codes.
        pending = d.challenges.begin_attempt(mfa_token)
        if pending is None:
            raise TokenInvalid()
        with d.uow() as uow:
            user = uow.users.get(pending.user_id)
            if user is None or not user.can_sign_in or not user.mfa_enabled:
                raise TokenInvalid()
            if d.throttle.is_locked(user.id):  # locked since the password step (e.g. other guesses)
                d.challenges.take(mfa_token)
                raise InvalidCredentials()
            if not self.second_factor_ok(uow, user, code):
                self._failed(uow, user, ip, reason="wrong second factor", count=True)
                uow.commit()
                raise InvalidMfaCode()
            if not d.challenges.take(mfa_token):  # a parallel request spent it first
                raise TokenInvalid()
            d.throttle.record_success(user.id)
            pair = self._start_session(
                uow, user, pending.device_id, pending.device_name, ip, user_agent, mfa=True
            )
            audit(
                uow,
                "auth.login",
                user.id,
                user.id,
                changes=Changes(after={"device_id": str(pending.device_id), "mfa": True}),
            )
            uow.commit()
            return pair

    def reprove_password(
        self, uow: IdentityUnitOfWork, user: User, password: str, ip: str | None = None
    ) -> None:
        """A signed-in caller re-enters the password before a sensitive change. Wrong guesses
        count like failed logins (a stolen access token cannot be used to guess it)."""
        if self.d.throttle.is_locked(user.id) or not self.d.hasher.verify(user.password_hash, password):
            self._failed(uow, user, ip, reason="wrong current password", count=True)
            uow.commit()
            raise InvalidCredentials("The current password is incorrect")

    def second_factor_ok(self, uow: IdentityUnitOfWork, user: User, code: str) -> bool:
        """A TOTP code (accepted once per time step) or an unused backup code."""
        d = self.d
        cleaned = code.strip().replace(" ", "")
        if cleaned.isdigit() and len(cleaned) == TOTP_DIGITS:
            secret, _ = uow.mfa.secrets_of(user.id)
            if secret is None:
                return False
            step = d.totp.matching_step(d.ciphers.decrypt(secret), cleaned, d.clock.now())
            return step is not None and uow.mfa.claim_step(user.id, step)
        if uow.mfa.consume_backup_code(user.id, cleaned, d.clock.now()):
            audit(
                uow,
                "auth.backup_code_used",
                user.id,
                user.id,
                changes=Changes(after={"backup_codes_left": uow.mfa.backup_codes_left(user.id)}),
            )
            return True
        return False

    def _start_session(
        self,
        uow: IdentityUnitOfWork,
        user: User,
        device_id: uuid.UUID,
        device_name: str | None,
        ip: str | None,
        user_agent: str | None,
        *,
        mfa: bool,
    ) -> TokenPair:
        d = self.d
        now = d.clock.now()
        family_id = uuid.uuid4()
        family_ends = now + timedelta(seconds=d.tokens.refresh_ttl)
        refresh = d.tokens.issue_refresh(user.id, device_id, family_id, family_ends, now, mfa=mfa)
        access = d.tokens.issue_access(user.id, device_id, now, mfa=mfa)
        uow.devices.start_family(
            user_id=user.id,
            device_id=device_id,
            device_name=device_name,
            refresh_jti=refresh.jti,
            family_id=family_id,
            expires_at=family_ends,
            user_agent=user_agent,
            ip=ip,
            now=now,
        )
        return TokenPair(
            access.token,
            refresh.token,
            d.tokens.access_ttl,
            refresh_expires_in=_seconds_until(family_ends, now),
            session_expires_at=family_ends,
        )

    # -- refresh ---------------------------------------------------------------------------
    def refresh(self, *, refresh_token: str, ip: str | None, user_agent: str | None) -> TokenPair:
        d = self.d
        claims = d.tokens.decode(refresh_token, "refresh")
        with d.uow() as uow:
            device = uow.devices.get_for_update(claims.subject, claims.device_id)
            if device is None or device.revoked_at is not None or device.family_id != claims.family_id:
                raise TokenInvalid()
            if not uow.devices.is_current(device, claims.jti):
                # RFC 9700 section 4.14.2: a spent refresh token came back; one of the two
                # holders is not the user. End the whole family.
                now = d.clock.now()
                uow.devices.revoke(claims.subject, claims.device_id, now)
                d.revocations.revoke_device(claims.subject, claims.device_id)
                audit(
                    uow,
                    "auth.refresh_token_reused",
                    "system",
                    claims.subject,
                    changes=Changes(after={"device_id": str(claims.device_id)}),
                    reason="spent refresh token presented: possible theft; device signed out",
                )
                uow.publish(SecurityNotice(user_id=claims.subject, kind="refresh_token_reused"))
                uow.commit()
                raise RefreshTokenReused()
            now = d.clock.now()
            if device.expires_at <= now:
                raise TokenExpired()
            user = uow.users.get(claims.subject)
            if user is None or not user.can_sign_in:
                raise TokenInvalid()
            refresh = d.tokens.issue_refresh(
                user.id, claims.device_id, device.family_id, device.expires_at, now, mfa=claims.mfa
            )
            access = d.tokens.issue_access(user.id, claims.device_id, now, mfa=claims.mfa)
            uow.devices.rotate(user.id, claims.device_id, refresh.jti, user_agent=user_agent, ip=ip, now=now)
            uow.commit()
            return TokenPair(
                access.token,
                refresh.token,
                d.tokens.access_ttl,
                refresh_expires_in=_seconds_until(device.expires_at, now),
                session_expires_at=device.expires_at,
            )

    # -- per request -------------------------------------------------------------------------
    def authenticate(self, access_token: str) -> Principal:
        """Verify an access token and that it was not revoked (one Redis round trip)."""
        claims = self.d.tokens.decode(access_token, "access")
        self.d.revocations.ensure_valid(
            jti=claims.jti, user_id=claims.subject, device_id=claims.device_id, issued_at=claims.issued_at
        )
        return Principal(
            user_id=claims.subject,
            device_id=claims.device_id,
            jti=claims.jti,
            expires_at=claims.expires_at,
            mfa=claims.mfa,
        )

    # -- logout ----------------------------------------------------------------------------
    def logout(self, principal: Principal, *, all_devices: bool) -> None:
        d = self.d
        with d.uow() as uow:
            now = d.clock.now()
            if all_devices:
                uow.devices.revoke_all(principal.user_id, now)
                d.revocations.revoke_user(principal.user_id)
            else:
                uow.devices.revoke(principal.user_id, principal.device_id, now)
                d.revocations.revoke_device(principal.user_id, principal.device_id)
            d.revocations.deny(principal.jti, principal.expires_at)
            audit(
                uow,
                "auth.logout",
                principal.user_id,
                principal.user_id,
                changes=Changes(after={"all_devices": all_devices}),
            )
            uow.commit()

    def end_sessions(
        self,
        uow: IdentityUnitOfWork,
        user_id: uuid.UUID,
        now: datetime,
        *,
        keep_device: uuid.UUID | None = None,
    ) -> list[uuid.UUID]:
        """Revoke every session of a user (or every other one), in the DB and in Redis."""
        ended = uow.devices.revoke_all(user_id, now, except_device=keep_device)
        if keep_device is None:
            self.d.revocations.revoke_user(user_id)
        else:
            for device_id in ended:
                self.d.revocations.revoke_device(user_id, device_id)
        return ended


def _seconds_until(end: datetime, now: datetime) -> int:
    return max(0, int((end - now).total_seconds()))
