"""Everything the identity use cases need, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from elcorp.governance.application.api import AccessControl, OrganizationDirectory
from elcorp.identity.application.ports import (
    IdentityUnitOfWork,
    LoginThrottle,
    MfaChallenges,
    RevocationList,
    TokenService,
    Totp,
)
from elcorp.identity.domain.passwords import PasswordPolicy, StrengthEstimator
from elcorp.identity.domain.ports import PasswordHasher
from elcorp.shared.domain.clock import Clock


@dataclass(frozen=True)
class Ciphers:
    """Field encryption for the application layer (strings in, strings out)."""

    encrypt: Callable[[str], str]
    decrypt: Callable[[str], str]


@dataclass(frozen=True)
class IdentityDeps:
    uow: Callable[[], IdentityUnitOfWork]
    hasher: PasswordHasher
    policy: PasswordPolicy
    estimator: StrengthEstimator
    tokens: TokenService
    revocations: RevocationList
    throttle: LoginThrottle
    challenges: MfaChallenges
    totp: Totp
    access: AccessControl
    organizations: OrganizationDirectory
    clock: Clock
    ciphers: Ciphers
    password_history: int = 5
    email_verification_ttl: int = 86_400
    password_reset_ttl: int = 1_800
