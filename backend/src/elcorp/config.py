"""Settings: read once from the environment (and `.env`), validated, with three profiles.

Every tunable the platform has lives here, documented in README.md's configuration
table. In the `production` profile the process refuses to start when a secret is a
placeholder, when DATABASE_URL/REDIS_URL are missing, when debug is on, or when a development
convenience (file mail, plain-http links, MFA not enforced, open metrics) is left on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from elcorp.shared.security.encryption import FieldKeyError
from elcorp.shared.security.encryption import generate_key as generate_field_key
from elcorp.shared.security.encryption import parse_keys as parse_field_keys

REPO_ROOT = Path(__file__).resolve().parents[3]

# Values that must never reach production: the ones shipped in .env.example and the docs.
PLACEHOLDER_SECRETS = frozenset(
    {"", "change-me", "changeme", "secret", "dev-secret", "development", "test", "placeholder"}
)


class Profile(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """Raised when the settings are unsafe or incomplete for the chosen profile."""


class Settings(BaseSettings):
    """All configuration of the platform. Field names are the environment variable names."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    ENV: Profile = Profile.DEVELOPMENT
    DEBUG: bool = False
    SERVICE_NAME: str = "elcorp-api"

    # Connections. Unset in development/test: the embedded PostgreSQL and Redis are used.
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None
    DB_POOL_SIZE: int = Field(default=10, ge=1, le=200)
    DB_STATEMENT_TIMEOUT_MS: int = Field(default=15_000, ge=0)
    # Test each pooled connection with a round trip before use. Off: a connection found
    # broken instead invalidates the whole pool, the request gets 503 (a money movement is
    # retried safely under its Idempotency-Key) and the next ones reconnect.
    DB_POOL_PRE_PING: bool = False

    # Secrets. Production must set real values (see `ensure_safe_for_profile`).
    # Outside production, unset secrets come from VAR_DIR/dev-secrets.json (made once, 0600),
    # so the API workers, the Celery worker and beat of one `make run` all agree.
    SECRET_KEY: SecretStr = SecretStr("")
    # Comma-separated `kid:base64(32 bytes)` AES-256-GCM keys (`elcorp generate-key`), newest
    # first: the first encrypts, all decrypt; adding a key in front rotates. Bare Fernet keys
    # (older releases) may follow, to read legacy values until `elcorp reencrypt` has run.
    FIELD_ENCRYPTION_KEYS: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    # Key of the keyed hashes (HMAC-SHA256) used to look up encrypted values such as phone
    # numbers. It must never change once data exists (lookups would stop matching).
    LOOKUP_HASH_KEY: SecretStr = SecretStr("")

    # Tokens (DESIGN.md section 6). JWT_SIGNING_KEYS: comma-separated `kid:secret` pairs, the
    # first signs, all verify (rotation: put a new pair first, drop the old one after
    # REFRESH_TOKEN_TTL_SECONDS). Empty: one key derived from SECRET_KEY.
    JWT_SIGNING_KEYS: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    JWT_ALGORITHM: Literal["HS256", "HS384", "HS512"] = "HS256"
    JWT_ISSUER: str = "elcorp-api"
    JWT_AUDIENCE: str = "elcorp-clients"
    ACCESS_TOKEN_TTL_SECONDS: int = Field(default=900, ge=60, le=3600)
    REFRESH_TOKEN_TTL_SECONDS: int = Field(default=604_800, ge=3600)
    MFA_TOKEN_TTL_SECONDS: int = Field(default=300, ge=30, le=900)
    MFA_TOKEN_MAX_ATTEMPTS: int = Field(default=5, ge=1, le=10)
    MFA_REQUIRED_ROLES: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["admin", "staff"])
    MFA_ENFORCED: bool = True

    # Passwords: Argon2id. Production refuses less than OWASP's minimum (t=2, m=19 MiB, p=1);
    # the default uses RFC 9106's 64 MiB of memory (about 0.1 s per hash on one core).
    ARGON2_TIME_COST: int = Field(default=2, ge=1)
    ARGON2_MEMORY_KIB: int = Field(default=65_536, ge=8)
    ARGON2_PARALLELISM: int = Field(default=1, ge=1)
    PASSWORD_MIN_LENGTH: int = Field(default=12, ge=8)
    PASSWORD_MAX_LENGTH: int = Field(default=128, le=1024)
    # The client's upper/lower/digit/special rule. NIST SP 800-63B-4 and ASVS 5.0 (6.2.5)
    # advise against composition rules; kept on by default because the client asked.
    PASSWORD_COMPOSITION_RULES: bool = True
    PASSWORD_MIN_STRENGTH: int = Field(default=3, ge=0, le=4)  # zxcvbn score
    PASSWORD_HISTORY: int = Field(default=5, ge=0, le=24)

    # Login throttling: failed attempts only (a successful login resets the counters).
    LOGIN_MAX_CONSECUTIVE_FAILURES: int = Field(default=5, ge=1)
    LOGIN_LOCK_BASE_SECONDS: int = Field(default=60, ge=1)
    LOGIN_LOCK_MAX_SECONDS: int = Field(default=3600, ge=1)
    LOGIN_ACCOUNT_MAX_FAILURES_PER_HOUR: int = Field(default=10, ge=1)
    LOGIN_IP_MAX_FAILURES: str = "100/hour"

    # Audit trail. AUDIT_SIGNING_KEYS: comma-separated `kid:base64(32-byte Ed25519 seed)`, the
    # first signs checkpoints, all are published. Empty outside production: derived from SECRET_KEY.
    AUDIT_SIGNING_KEYS: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    # Retired signing keys' public halves (`kid:base64(32-byte public key)`), so the
    # checkpoints they signed keep verifying after their private keys are removed.
    AUDIT_RETIRED_PUBLIC_KEYS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    AUDIT_SEQUENCER_INTERVAL_SECONDS: float = Field(default=1.0, gt=0)
    AUDIT_SEQUENCER_BATCH: int = Field(default=1000, ge=1, le=100_000)
    # Longer than any transaction can stay open (entries commit out of time order).
    AUDIT_SEQUENCER_LOOKBACK_SECONDS: int = Field(default=3600, ge=60)
    AUDIT_CHECKPOINT_EVERY_ENTRIES: int = Field(default=1000, ge=1)
    AUDIT_CHECKPOINT_EVERY_SECONDS: int = Field(default=300, ge=1)
    AUDIT_MAX_LAG_SECONDS: int = Field(default=60, ge=1)  # /ready fails beyond this
    # Months kept online; older ones are exported, verified and detached by the monthly job.
    AUDIT_ONLINE_MONTHS: int = Field(default=3, ge=1)
    AUDIT_ARCHIVE_DIR: Path | None = None  # default: VAR_DIR/audit-archive

    # Business calendar (the business-hours policy): the country's public holidays from the
    # `holidays` package, plus proclaimed days as comma-separated ISO dates (2026-11-27,...).
    BUSINESS_HOLIDAYS_COUNTRY: str = Field(default="NA", min_length=2, max_length=3)
    BUSINESS_HOLIDAYS_EXTRA: Annotated[list[date], NoDecode] = Field(default_factory=list)

    # Payments: amounts in NAD (other currencies have no threshold, so every movement in
    # them waits for approval); the fee is percent of the amount plus a fixed part.
    PAYMENT_TRANSFER_APPROVAL_THRESHOLD: Decimal = Field(default=Decimal("50000"), ge=0)
    PAYMENT_DEPOSIT_APPROVAL_THRESHOLD: Decimal = Field(default=Decimal("50000"), ge=0)
    PAYMENT_FEE_PERCENT: Decimal = Field(default=Decimal("0"), ge=0, le=100)
    PAYMENT_FEE_FIXED: Decimal = Field(default=Decimal("0"), ge=0)
    PAYMENT_APPROVAL_TTL_HOURS: int = Field(default=72, ge=1)
    PAYMENT_IDEMPOTENCY_TTL_HOURS: int = Field(default=24, ge=24)
    # Segregation of duties: what one staff member may deposit, withdraw and reverse alone
    # in one business day (Africa/Windhoek), NAD; beyond it a movement waits for approval.
    STAFF_DAILY_MOVEMENT_LIMIT: Decimal = Field(default=Decimal("100000.00"), ge=0)

    # Invoices: the platform's own business is the default issuer of tax invoices. Without a
    # VAT registration number it cannot issue any (409 INV_004): a tax invoice must show it.
    INVOICE_VAT_RATE: Decimal = Field(default=Decimal("15"), ge=0, le=100, decimal_places=2)
    INVOICE_ISSUER_NAME: str = Field(default="Elcorp Namibia (Pty) Ltd", min_length=1, max_length=200)
    INVOICE_ISSUER_ADDRESS: str = Field(default="Windhoek, Namibia", min_length=1, max_length=500)
    INVOICE_ISSUER_VAT_NUMBER: str | None = Field(default=None, max_length=40)
    INVOICE_REMINDER_DAYS: int = Field(default=7, ge=1, le=90)  # between reminders of one overdue invoice

    # Organizations: an invitation to join one lapses this many days after it was sent.
    ORGANIZATION_INVITATION_TTL_DAYS: int = Field(default=7, ge=1, le=90)

    # Retention and erasure (POPIA s14/s24; Financial Intelligence Act 2012 s26: at least
    # 5 years for customer identification after the relationship ends, and for transaction
    # records after the transaction). The nightly purge can run as a dry run (counts only).
    RETENTION_FIA_CUSTOMER_YEARS: int = Field(default=5, ge=5, le=50)
    RETENTION_FIA_TRANSACTION_YEARS: int = Field(default=5, ge=5, le=50)
    RETENTION_PURGE_DRY_RUN: bool = False
    RETENTION_EXPORTS_DIR: Path | None = None  # default: VAR_DIR/exports

    # Regulatory reports: the large-transactions report lists every transaction completed in
    # the month at or above this amount (NAD), after the Financial Intelligence Act 2012's
    # threshold reporting; a setting, not the prescribed figure (docs/COMPLIANCE.md).
    REPORT_LARGE_TRANSACTION_THRESHOLD: Decimal = Field(default=Decimal("25000"), gt=0)

    # Incidents and breach notification (docs/COMPLIANCE.md). The ITIL priority matrix: one
    # row per impact level (1 = high first), one column per urgency level, `;` between rows.
    INCIDENT_PRIORITY_MATRIX: str = "P1,P2,P3;P2,P3,P4;P3,P4,P5"
    # Account lockouts from one IP within the window that open a security incident.
    INCIDENT_LOCKOUT_THRESHOLD: int = Field(default=3, ge=1, le=1000)
    INCIDENT_LOCKOUT_WINDOW_SECONDS: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    # POPIA s22(2) says "as soon as reasonably possible after the discovery"; this is the
    # platform's own target for both notifications (reports, escalation mails).
    BREACH_NOTIFICATION_TARGET_HOURS: int = Field(default=72, ge=1, le=30 * 24)
    # Whom the data subjects contact about a breach (printed in the s22 notification letter).
    BREACH_CONTACT: str = Field(default="privacy@elcorp.na", min_length=3, max_length=200)

    # Email
    EMAIL_BACKEND: Literal["file", "smtp"] = "file"
    EMAIL_FROM: str = "Elcorp Namibia <no-reply@elcorp.na>"
    SMTP_HOST: str = "localhost"
    SMTP_PORT: int = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: SecretStr | None = None
    SMTP_STARTTLS: bool = True
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"  # production: https only (links in mails)
    EMAIL_VERIFICATION_TTL_SECONDS: int = Field(default=86_400, ge=600)
    PASSWORD_RESET_TTL_SECONDS: int = Field(default=1_800, ge=300)
    # Where `error.doc_url` points (each code is an anchor: #pay_001). Empty: the catalogue
    # this API serves at /api/docs/errors; set it to the published docs/API.md "Error codes".
    ERROR_DOCS_URL: str = ""

    # HTTP
    MAX_REQUEST_BYTES: int = Field(default=1_048_576, ge=1024)
    CORS_ORIGINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    TRUSTED_PROXY_COUNT: int = Field(default=0, ge=0, le=5)
    RATE_LIMIT_ENABLED: bool = True
    RATE_LIMIT_ANONYMOUS: str = "100/minute"
    RATE_LIMIT_AUTHENTICATED: str = "100/second"
    HSTS_SECONDS: int = Field(default=31_536_000, ge=0)
    # Browser sessions (docs/SECURITY.md "Browser sessions"): the dashboard's refresh token is
    # an HttpOnly cookie. `Secure` may be dropped only for development over plain http.
    REFRESH_COOKIE_SECURE: bool = True
    # The built staff dashboard, served under /dashboard/ (`cd frontend && npm ci && npm run build`).
    DASHBOARD_DIST: Path = REPO_ROOT / "frontend" / "dist"
    # Bearer token that `/metrics` requires when set (compared in constant time). Required in
    # production; unset in development and test, where `/metrics` stays open.
    METRICS_TOKEN: SecretStr | None = None

    # Logging
    LOG_LEVEL: str = "INFO"
    LOG_JSON: bool = True

    # Jobs
    OUTBOX_DISPATCH_INTERVAL_SECONDS: float = Field(default=1.0, gt=0)
    OUTBOX_BATCH_SIZE: int = Field(default=100, ge=1, le=10_000)
    OUTBOX_MAX_ATTEMPTS: int = Field(default=10, ge=1)
    # A dispatcher's lease on one delivery while its handler runs; past it another dispatcher
    # may run the delivery again (a crashed worker's). Keep it above the slowest handler.
    OUTBOX_LEASE_SECONDS: int = Field(default=300, ge=1)

    # Webhooks (docs/API.md "Webhooks"). Private, loopback and other non-public addresses are
    # refused as endpoint hosts (SSRF) unless this is on: local development and tests only.
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: bool = False
    WEBHOOK_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0, le=30)
    WEBHOOK_MAX_ATTEMPTS: int = Field(default=8, ge=1, le=20)

    # Paths
    VAR_DIR: Path = REPO_ROOT / "var"
    MIGRATIONS_DIR: Path = REPO_ROOT / "backend" / "migrations"

    @field_validator("FIELD_ENCRYPTION_KEYS", "JWT_SIGNING_KEYS", "AUDIT_SIGNING_KEYS", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator(
        "CORS_ORIGINS",
        "MFA_REQUIRED_ROLES",
        "AUDIT_RETIRED_PUBLIC_KEYS",
        "BUSINESS_HOLIDAYS_EXTRA",
        mode="before",
    )
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _development_secrets(self) -> Settings:
        if self.ENV is Profile.PRODUCTION:
            return self
        if (
            self.SECRET_KEY.get_secret_value()
            and self.FIELD_ENCRYPTION_KEYS
            and self.LOOKUP_HASH_KEY.get_secret_value()
        ):
            return self
        stored = _load_or_create_dev_secrets(self.VAR_DIR / "dev-secrets.json")
        if not self.SECRET_KEY.get_secret_value():
            self.SECRET_KEY = SecretStr(stored["SECRET_KEY"])
        if not self.FIELD_ENCRYPTION_KEYS:
            self.FIELD_ENCRYPTION_KEYS = [SecretStr(k) for k in _dev_field_keys(stored)]
        if not self.LOOKUP_HASH_KEY.get_secret_value():
            # Older dev-secrets files lack it: derive one from their secret key.
            self.LOOKUP_HASH_KEY = SecretStr(
                stored.get("LOOKUP_HASH_KEY") or _derive(stored["SECRET_KEY"], "lookup-hash")
            )
        return self

    def audit_signing_keys(self) -> list[tuple[str, bytes]]:
        """(kid, 32-byte Ed25519 seed) pairs, signing key first."""
        pairs = []
        for item in self.AUDIT_SIGNING_KEYS:
            kid, sep, encoded = item.get_secret_value().partition(":")
            try:
                seed = base64.b64decode(encoded, validate=True) if sep else b""
            except ValueError:
                seed = b""
            if not kid or len(seed) != 32:
                raise ConfigurationError("AUDIT_SIGNING_KEYS entries must look like kid:base64(32 bytes)")
            pairs.append((kid.strip(), seed))
        if not pairs:
            derived = hmac.new(self.SECRET_KEY.get_secret_value().encode(), b"audit-signing", hashlib.sha256)
            pairs = [("ak1", derived.digest())]
        return pairs

    def audit_retired_public_keys(self) -> dict[str, bytes]:
        retired = {}
        for item in self.AUDIT_RETIRED_PUBLIC_KEYS:
            kid, _, encoded = item.partition(":")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except ValueError:
                raw = b""
            if not kid or len(raw) != 32:
                raise ConfigurationError(
                    "AUDIT_RETIRED_PUBLIC_KEYS entries must look like kid:base64(32 bytes)"
                )
            retired[kid.strip()] = raw
        return retired

    def jwt_keys(self) -> list[tuple[str, str]]:
        """(kid, secret) pairs, signing key first."""
        pairs = []
        for item in self.JWT_SIGNING_KEYS:
            kid, sep, secret = item.get_secret_value().partition(":")
            if not sep or not kid or not secret:
                raise ConfigurationError("JWT_SIGNING_KEYS entries must look like kid:secret")
            pairs.append((kid.strip(), secret.strip()))
        if not pairs:
            pairs = [("sk1", _derive(self.SECRET_KEY.get_secret_value(), "jwt-signing"))]
        return pairs

    @property
    def is_production(self) -> bool:
        return self.ENV is Profile.PRODUCTION

    @property
    def is_test(self) -> bool:
        return self.ENV is Profile.TEST

    def ensure_safe_for_profile(self) -> None:
        """Refuse unsafe production settings with one message naming every problem."""
        if not self.is_production:
            return
        problems: list[str] = []
        if self.DEBUG:
            problems.append("DEBUG must be off in production")
        if not self.DATABASE_URL:
            problems.append("DATABASE_URL is required in production")
        if not self.REDIS_URL:
            problems.append("REDIS_URL is required in production")
        if _is_placeholder(self.SECRET_KEY):
            problems.append("SECRET_KEY must be set to a real secret (at least 32 characters)")
        if any(
            _is_placeholder(SecretStr(item.get_secret_value().partition(":")[2]))
            for item in self.JWT_SIGNING_KEYS
        ):
            problems.append("JWT_SIGNING_KEYS secrets must be real (at least 32 characters each)")
        if not self.AUDIT_SIGNING_KEYS:
            problems.append("AUDIT_SIGNING_KEYS must hold at least one Ed25519 key (elcorp audit new-key)")
        if _is_placeholder(self.LOOKUP_HASH_KEY):
            problems.append("LOOKUP_HASH_KEY must be set to a real secret (at least 32 characters)")
        if self.ARGON2_TIME_COST < 2 or self.ARGON2_MEMORY_KIB < 19_456:
            problems.append("ARGON2 parameters are below OWASP's minimum (t=2, m=19456 KiB)")
        if not self.FIELD_ENCRYPTION_KEYS or any(_is_placeholder(k) for k in self.FIELD_ENCRYPTION_KEYS):
            problems.append("FIELD_ENCRYPTION_KEYS must hold at least one real AES-256-GCM key")
        else:
            try:
                parse_field_keys([k.get_secret_value() for k in self.FIELD_ENCRYPTION_KEYS])
            except FieldKeyError as exc:
                problems.append(str(exc))
        # Mail must leave the machine, links in it must be https, and the MFA requirement for
        # staff and admin roles must hold (ASVS 6.3.3): each is a development convenience only.
        if self.EMAIL_BACKEND == "file":
            problems.append("EMAIL_BACKEND=file writes mail to disk: use smtp in production")
        if not self.PUBLIC_BASE_URL.lower().startswith("https://"):
            problems.append("PUBLIC_BASE_URL must be an https:// URL in production")
        if not self.MFA_ENFORCED:
            problems.append("MFA_ENFORCED must stay on in production")
        if not self.REFRESH_COOKIE_SECURE:
            problems.append("REFRESH_COOKIE_SECURE must stay on in production")
        if self.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
            problems.append("WEBHOOK_ALLOW_PRIVATE_ADDRESSES must stay off in production (SSRF)")
        if self.METRICS_TOKEN is None or _is_placeholder(self.METRICS_TOKEN):
            problems.append("METRICS_TOKEN must be set to a real secret (at least 32 characters)")
        if problems:
            raise ConfigurationError("refusing to start: " + "; ".join(problems))


def _is_placeholder(secret: SecretStr) -> bool:
    value = secret.get_secret_value()
    return value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < 32 or "change" in value.lower()


def _derive(secret: str, label: str) -> str:
    """A purpose-specific key from a master secret (HMAC-SHA256), so one secret never
    serves two purposes."""
    return hmac.new(secret.encode(), label.encode(), hashlib.sha256).hexdigest()


def _dev_field_keys(stored: dict[str, str]) -> list[str]:
    """The development field keys. Files written before AES-256-GCM hold one Fernet key: an
    AES-256-GCM key derived from it goes in front (every process of a run derives the same
    one) and the Fernet key stays behind it to read what it encrypted."""
    if "FIELD_ENCRYPTION_KEYS" in stored:
        return [part.strip() for part in stored["FIELD_ENCRYPTION_KEYS"].split(",") if part.strip()]
    legacy = stored["FIELD_ENCRYPTION_KEY"]
    derived = hmac.new(legacy.encode(), b"field-encryption-aes-256-gcm", hashlib.sha256).digest()
    return [f"dev-gcm:{base64.urlsafe_b64encode(derived).decode()}", legacy]


def _load_or_create_dev_secrets(path: Path) -> dict[str, str]:
    """Development-only secrets, generated once per checkout and kept under ./var/."""
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        return data
    data = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": generate_field_key("dev1"),
        "LOOKUP_HASH_KEY": secrets.token_urlsafe(48),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write aside, then hard-link into place: atomic, and the first process of a run wins.
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle)
    try:
        os.link(tmp, path)
    except FileExistsError:
        data = json.loads(path.read_text())
    finally:
        tmp.unlink()
    return data
