"""Settings: read once from the environment (and `.env`), validated, with three profiles.

Every tunable the platform has lives here, documented in README.md's configuration
table. In the `production` profile the process refuses to start when a secret is a
placeholder, when DATABASE_URL/REDIS_URL are missing or when debug is on.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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

    # Secrets. Production must set real values (see `ensure_safe_for_profile`).
    # Outside production, unset secrets come from VAR_DIR/dev-secrets.json (made once, 0600),
    # so the API workers, the Celery worker and beat of one `make run` all agree.
    SECRET_KEY: SecretStr = SecretStr("")
    # Comma-separated Fernet keys, newest first. Adding a key in front rotates.
    FIELD_ENCRYPTION_KEYS: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    # HTTP
    MAX_REQUEST_BYTES: int = Field(default=1_048_576, ge=1024)
    CORS_ORIGINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    TRUSTED_PROXY_COUNT: int = Field(default=0, ge=0, le=5)
    RATE_LIMIT_ENABLED: bool = True
    RATE_LIMIT_ANONYMOUS: str = "100/minute"
    RATE_LIMIT_AUTHENTICATED: str = "100/second"
    HSTS_SECONDS: int = Field(default=31_536_000, ge=0)

    # Logging
    LOG_LEVEL: str = "INFO"
    LOG_JSON: bool = True

    # Jobs
    OUTBOX_DISPATCH_INTERVAL_SECONDS: float = Field(default=1.0, gt=0)
    OUTBOX_BATCH_SIZE: int = Field(default=100, ge=1, le=10_000)
    OUTBOX_MAX_ATTEMPTS: int = Field(default=10, ge=1)

    # Paths
    VAR_DIR: Path = REPO_ROOT / "var"
    MIGRATIONS_DIR: Path = REPO_ROOT / "backend" / "migrations"

    @field_validator("FIELD_ENCRYPTION_KEYS", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _development_secrets(self) -> Settings:
        if self.ENV is Profile.PRODUCTION:
            return self
        if self.SECRET_KEY.get_secret_value() and self.FIELD_ENCRYPTION_KEYS:
            return self
        stored = _load_or_create_dev_secrets(self.VAR_DIR / "dev-secrets.json")
        if not self.SECRET_KEY.get_secret_value():
            self.SECRET_KEY = SecretStr(stored["SECRET_KEY"])
        if not self.FIELD_ENCRYPTION_KEYS:
            self.FIELD_ENCRYPTION_KEYS = [SecretStr(stored["FIELD_ENCRYPTION_KEY"])]
        return self

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
        if not self.FIELD_ENCRYPTION_KEYS or any(_is_placeholder(k) for k in self.FIELD_ENCRYPTION_KEYS):
            problems.append("FIELD_ENCRYPTION_KEYS must hold at least one real Fernet key")
        if problems:
            raise ConfigurationError("refusing to start: " + "; ".join(problems))


def _is_placeholder(secret: SecretStr) -> bool:
    value = secret.get_secret_value()
    return value.strip().lower() in PLACEHOLDER_SECRETS or len(value) < 32 or "change" in value.lower()


def _load_or_create_dev_secrets(path: Path) -> dict[str, str]:
    """Development-only secrets, generated once per checkout and kept under ./var/."""
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        return data
    data = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
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
