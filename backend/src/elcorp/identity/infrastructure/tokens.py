"""JWT access and refresh tokens (RFC 7519 / RFC 8725 / RFC 9068) with PyJWT.

One algorithm is accepted (settings; HMAC-SHA2), keys are chosen by `kid` (rotation), and
each token type has its own `typ` header and `type` claim, so a refresh token is never
accepted as an access token or the reverse. `iat` carries milliseconds so that a
revocation and a new login within the same second are told apart.

Access tokens come back on every request for their 15 minutes, so each worker remembers
the ones it has verified (exact token text -> claims; bounded, access tokens only, as
API gateways' JWT caches do): a repeat skips the signature and the parsing, never the
time checks (`exp`, `nbf`) nor the revocation check that follows in Redis. Keys change
only with a restart, which empties the memory.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from elcorp.identity.domain.errors import TokenExpired, TokenInvalid

ACCESS, REFRESH = "access", "refresh"
TYP = {ACCESS: "at+jwt", REFRESH: "rt+jwt"}
REQUIRED = ["sub", "type", "jti", "device_id", "iat", "exp", "iss", "aud"]
LEEWAY_S = 5
VERIFIED_MEMORY = 4096  # access tokens remembered per worker process


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class Claims:
    subject: uuid.UUID
    type: str
    jti: str
    device_id: uuid.UUID
    issued_at: float
    expires_at: float
    family_id: uuid.UUID | None = None
    mfa: bool = False
    not_before: float = 0.0


class JwtTokenService:
    def __init__(
        self,
        *,
        keys: list[tuple[str, str]],
        algorithm: str,
        issuer: str,
        audience: str,
        access_ttl: int,
        refresh_ttl: int,
        clock: Callable[[], float] = time.time,
        memory: int = VERIFIED_MEMORY,
    ) -> None:
        if not keys:
            raise ValueError("at least one signing key is required")
        self._signing_kid, self._signing_key = keys[0]
        self._keys = dict(keys)
        self._algorithm = algorithm
        self._issuer = issuer
        self._audience = audience
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self._clock = clock
        self._memory_size = memory
        self._verified: dict[str, Claims] = {}
        self._remembering = threading.Lock()

    def _issue(
        self,
        kind: str,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        now: datetime,
        ttl: float,
        extra: dict[str, Any] | None = None,
    ) -> IssuedToken:
        issued = round(now.timestamp(), 3)
        expires = int(issued + ttl)
        jti = secrets.token_urlsafe(24)
        claims = {
            "sub": str(user_id),
            "type": kind,
            "jti": jti,
            "device_id": str(device_id),
            "iat": issued,
            "nbf": int(issued),
            "exp": expires,
            "iss": self._issuer,
            "aud": self._audience,
            **(extra or {}),
        }
        token = jwt.encode(
            claims,
            self._signing_key,
            algorithm=self._algorithm,
            headers={"kid": self._signing_kid, "typ": TYP[kind]},
        )
        return IssuedToken(token, jti, expires)

    def issue_access(
        self, user_id: uuid.UUID, device_id: uuid.UUID, now: datetime, *, mfa: bool
    ) -> IssuedToken:
        # amr (RFC 8176): how the session was authenticated; "otp" only after a second factor.
        amr = ["pwd", "otp"] if mfa else ["pwd"]
        return self._issue(ACCESS, user_id, device_id, now, self.access_ttl, {"amr": amr})

    def issue_refresh(
        self,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        family_id: uuid.UUID,
        family_expires_at: datetime,
        now: datetime,
        *,
        mfa: bool,
    ) -> IssuedToken:
        # Never beyond the family's absolute end (7 days from the login, not sliding).
        ttl = min(self.refresh_ttl, (family_expires_at - now).total_seconds())
        amr = ["pwd", "otp"] if mfa else ["pwd"]
        return self._issue(REFRESH, user_id, device_id, now, ttl, {"fam": str(family_id), "amr": amr})

    def decode(self, token: str, expected_type: str) -> Claims:
        if expected_type == ACCESS and (known := self._verified.get(token)) is not None:
            now = self._clock()
            if now > known.expires_at + LEEWAY_S:
                raise TokenExpired()
            if now < known.not_before - LEEWAY_S:
                raise TokenInvalid()
            return known
        claims = self._verify(token, expected_type)
        if expected_type == ACCESS:
            with self._remembering:
                if len(self._verified) >= self._memory_size:
                    del self._verified[next(iter(self._verified))]  # the oldest
                self._verified[token] = claims
        return claims

    def _verify(self, token: str, expected_type: str) -> Claims:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise TokenInvalid() from exc
        key = self._keys.get(str(header.get("kid", "")))
        if key is None or header.get("alg") != self._algorithm or header.get("typ") != TYP[expected_type]:
            raise TokenInvalid()
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self._algorithm],
                audience=self._audience,
                issuer=self._issuer,
                options={"require": REQUIRED},
                leeway=LEEWAY_S,
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired() from exc
        except jwt.InvalidTokenError as exc:
            raise TokenInvalid() from exc
        if claims.get("type") != expected_type:
            raise TokenInvalid()
        try:
            return Claims(
                subject=uuid.UUID(claims["sub"]),
                type=claims["type"],
                jti=str(claims["jti"]),
                device_id=uuid.UUID(claims["device_id"]),
                issued_at=float(claims["iat"]),
                expires_at=float(claims["exp"]),
                family_id=uuid.UUID(claims["fam"]) if "fam" in claims else None,
                mfa="otp" in (claims.get("amr") or []),
                not_before=float(claims.get("nbf", 0)),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise TokenInvalid() from exc
