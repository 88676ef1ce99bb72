"""Identity wires itself: accounts, authentication, two-factor, user administration, the
mail it sends, and the public API other contexts receive (users, personal data, erasure).

Identity needs governance's `AccessControl` and `OrganizationDirectory`; governance needs
identity's `UserDirectory`. The composition root breaks the cycle by building governance's
access control first (`governance.wiring.wire_access`), then identity, then the rest of
governance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_openapi3 import APIBlueprint
from sqlalchemy.orm import Session

from elcorp.config import Settings
from elcorp.governance.application.api import AccessControl, GrantsStore, OrganizationDirectory
from elcorp.identity.application.accounts import Accounts
from elcorp.identity.application.admin import UserAdministration
from elcorp.identity.application.api import (
    IdentityPersonalData,
    IdentityPersonalDataErasure,
    IdentityRetentionPurge,
    ProfileCorrections,
    UserDirectory,
)
from elcorp.identity.application.authentication import Authentication
from elcorp.identity.application.authorization import PermissionGate
from elcorp.identity.application.deps import Ciphers, IdentityDeps
from elcorp.identity.application.mfa import TwoFactor
from elcorp.identity.application.notifications import IdentityMailer
from elcorp.identity.domain.events import (
    AccountLocked,
    EmailVerificationRequested,
    PasswordResetRequested,
    SecurityNotice,
    UserRegistered,
)
from elcorp.identity.domain.passwords import PasswordPolicy
from elcorp.identity.infrastructure.challenges import RedisMfaChallenges
from elcorp.identity.infrastructure.email import FileEmailSender, SmtpEmailSender
from elcorp.identity.infrastructure.lookup import LookupHasher
from elcorp.identity.infrastructure.passwords import Argon2PasswordHasher, ZxcvbnStrengthEstimator
from elcorp.identity.infrastructure.personal_data_erasure import SqlIdentityErasureStore
from elcorp.identity.infrastructure.personal_data_export import SqlDeviceHistory
from elcorp.identity.infrastructure.revocation import RedisRevocationList
from elcorp.identity.infrastructure.throttle import RedisLoginThrottle, ThrottleRules, parse_rate
from elcorp.identity.infrastructure.tokens import JwtTokenService
from elcorp.identity.infrastructure.totp import PyOtpTotp
from elcorp.identity.infrastructure.unit_of_work import SqlIdentityUnitOfWork
from elcorp.identity.interfaces import http
from elcorp.identity.interfaces.services import IdentityServices
from elcorp.identity.interfaces.web_session import WebSessionPolicy, origin_of
from elcorp.infra import Infrastructure
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.mail import EmailSender
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.clock import SystemClock


@dataclass(frozen=True)
class IdentityModule:
    services: IdentityServices  # the use cases the HTTP layer calls
    gate: PermissionGate  # the authorizer the authentication middleware asks
    mailer: IdentityMailer
    users: UserDirectory  # identity's public API, as other contexts' services receive it
    corrections: ProfileCorrections
    personal_data: IdentityPersonalData
    erasure: IdentityPersonalDataErasure
    retention_purge: IdentityRetentionPurge

    def jobs(self) -> list[Job]:
        """Identity runs no background job (its mail goes out through the outbox)."""
        return []

    def blueprints(self) -> list[APIBlueprint]:
        return [http.blueprint(self.services)]

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(UserRegistered, self.mailer.on_user_registered)
        bus.subscribe(PasswordResetRequested, self.mailer.on_password_reset_requested)
        bus.subscribe(EmailVerificationRequested, self.mailer.on_email_verification_requested)
        bus.subscribe(AccountLocked, self.mailer.on_account_locked)
        bus.subscribe(SecurityNotice, self.mailer.on_security_notice)


def wire(
    infra: Infrastructure,
    *,
    access: AccessControl,
    organizations: OrganizationDirectory,
    grants_store: Callable[[Session], GrantsStore],
) -> IdentityModule:
    """`grants_store` is governance's: the identity unit of work loads a user's grants with it."""
    settings = infra.settings
    deps = _deps(infra, access, organizations, grants_store)
    auth = Authentication(deps)
    accounts = Accounts(deps, auth)
    gate = PermissionGate(access)
    services = IdentityServices(
        auth=auth,
        accounts=accounts,
        mfa=TwoFactor(deps, auth),
        admin=UserAdministration(deps, auth, accounts),
        permissions=gate,
        web=WebSessionPolicy(
            secure=settings.REFRESH_COOKIE_SECURE,
            allowed_origins=(origin_of(settings.PUBLIC_BASE_URL), *settings.CORS_ORIGINS),
        ),
    )
    mailer = IdentityMailer(
        accounts=accounts,
        sender=infra.mail,
        public_base_url=infra.public_base_url,
        verification_hours=max(1, settings.EMAIL_VERIFICATION_TTL_SECONDS // 3600),
        reset_minutes=max(1, settings.PASSWORD_RESET_TTL_SECONDS // 60),
    )
    spool = settings.VAR_DIR / "mail" if settings.EMAIL_BACKEND == "file" else None
    erasure_store = SqlIdentityErasureStore.factory(infra.cipher, spool)
    return IdentityModule(
        services=services,
        gate=gate,
        mailer=mailer,
        users=UserDirectory(deps.uow),
        corrections=ProfileCorrections(deps.uow, accounts, deps.clock),
        personal_data=IdentityPersonalData(deps.uow, SqlDeviceHistory(infra.session_factory)),
        erasure=IdentityPersonalDataErasure(erasure_store, deps.revocations.revoke_user),
        retention_purge=IdentityRetentionPurge(erasure_store),
    )


def _deps(
    infra: Infrastructure,
    access: AccessControl,
    organizations: OrganizationDirectory,
    grants_store: Callable[[Session], GrantsStore],
) -> IdentityDeps:
    settings, cipher = infra.settings, infra.cipher
    lookup = LookupHasher(settings.LOOKUP_HASH_KEY.get_secret_value())
    sessions = infra.session_factory
    return IdentityDeps(
        uow=lambda: SqlIdentityUnitOfWork(sessions, cipher, lookup, grants_store),
        hasher=Argon2PasswordHasher(
            time_cost=settings.ARGON2_TIME_COST,
            memory_kib=settings.ARGON2_MEMORY_KIB,
            parallelism=settings.ARGON2_PARALLELISM,
        ),
        policy=PasswordPolicy(
            min_length=settings.PASSWORD_MIN_LENGTH,
            max_length=settings.PASSWORD_MAX_LENGTH,
            composition_rules=settings.PASSWORD_COMPOSITION_RULES,
            min_strength=settings.PASSWORD_MIN_STRENGTH,
        ),
        estimator=ZxcvbnStrengthEstimator(),
        tokens=_tokens(settings),
        revocations=RedisRevocationList(infra.redis, mark_ttl=settings.ACCESS_TOKEN_TTL_SECONDS + 60),
        throttle=RedisLoginThrottle(infra.redis, _throttle_rules(settings)),
        challenges=RedisMfaChallenges(
            infra.redis, ttl=settings.MFA_TOKEN_TTL_SECONDS, max_attempts=settings.MFA_TOKEN_MAX_ATTEMPTS
        ),
        totp=PyOtpTotp(),
        access=access,
        organizations=organizations,
        clock=SystemClock(),
        ciphers=Ciphers(encrypt=cipher.encrypt, decrypt=cipher.decrypt),
        password_history=settings.PASSWORD_HISTORY,
        email_verification_ttl=settings.EMAIL_VERIFICATION_TTL_SECONDS,
        password_reset_ttl=settings.PASSWORD_RESET_TTL_SECONDS,
    )


def _tokens(settings: Settings) -> JwtTokenService:
    return JwtTokenService(
        keys=settings.jwt_keys(),
        algorithm=settings.JWT_ALGORITHM,
        issuer=settings.JWT_ISSUER,
        audience=settings.JWT_AUDIENCE,
        access_ttl=settings.ACCESS_TOKEN_TTL_SECONDS,
        refresh_ttl=settings.REFRESH_TOKEN_TTL_SECONDS,
    )


def _throttle_rules(settings: Settings) -> ThrottleRules:
    ip_failures, ip_window = parse_rate(settings.LOGIN_IP_MAX_FAILURES)
    return ThrottleRules(
        max_consecutive=settings.LOGIN_MAX_CONSECUTIVE_FAILURES,
        lock_base_seconds=settings.LOGIN_LOCK_BASE_SECONDS,
        lock_max_seconds=settings.LOGIN_LOCK_MAX_SECONDS,
        account_max_per_hour=settings.LOGIN_ACCOUNT_MAX_FAILURES_PER_HOUR,
        ip_max_failures=ip_failures,
        ip_window_seconds=ip_window,
    )


def email_sender(settings: Settings) -> EmailSender:
    """How mail leaves the platform, for every context (identity holds the adapters): SMTP in
    production, the file spool (VAR_DIR/mail) in development and tests."""
    if settings.EMAIL_BACKEND != "smtp":
        return FileEmailSender(settings.VAR_DIR / "mail", settings.EMAIL_FROM)
    return SmtpEmailSender(
        host=settings.SMTP_HOST,
        port=settings.SMTP_PORT,
        sender=settings.EMAIL_FROM,
        username=settings.SMTP_USERNAME,
        password=settings.SMTP_PASSWORD.get_secret_value() if settings.SMTP_PASSWORD else None,
        starttls=settings.SMTP_STARTTLS,
    )
