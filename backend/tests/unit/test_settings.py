import base64

import pytest
from cryptography.fernet import Fernet

from elcorp.config import ConfigurationError, Profile, Settings

REAL_SECRET = "k3Jd9vLq2XwPz8RtYb4NcMf7GhAs1UeV0oIiWpZxQy6"


def production(**overrides):
    values = {
        "ENV": Profile.PRODUCTION,
        "DATABASE_URL": "postgresql://app@db/elcorp",
        "REDIS_URL": "redis://cache:6379/0",
        "SECRET_KEY": REAL_SECRET,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LOOKUP_HASH_KEY": "Zr8pW2mQ5vT9xL3nB7cK1dF6gH4jS0aE8yU2iO5",
        "AUDIT_SIGNING_KEYS": "ak1:" + base64.b64encode(bytes(range(32))).decode(),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def test_safe_production_settings_pass():
    production().ensure_safe_for_profile()


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"DEBUG": True}, "DEBUG"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"SECRET_KEY": "change-me"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS"),
        ({"FIELD_ENCRYPTION_KEYS": "change-me"}, "FIELD_ENCRYPTION_KEYS"),
        ({"JWT_SIGNING_KEYS": "k1:short"}, "JWT_SIGNING_KEYS"),
        ({"LOOKUP_HASH_KEY": "change-me"}, "LOOKUP_HASH_KEY"),
        ({"ARGON2_MEMORY_KIB": 8192}, "ARGON2"),
        ({"AUDIT_SIGNING_KEYS": ""}, "AUDIT_SIGNING_KEYS"),
    ],
)
def test_production_refuses_unsafe_settings(override, fragment):
    with pytest.raises(ConfigurationError, match=fragment):
        production(**override).ensure_safe_for_profile()


def test_production_never_invents_secrets():
    settings = Settings(_env_file=None, ENV=Profile.PRODUCTION)
    with pytest.raises(ConfigurationError) as info:
        settings.ensure_safe_for_profile()
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL"):
        assert name in str(info.value)


def test_development_secrets_are_generated_once_and_shared(tmp_path):
    first = Settings(_env_file=None, VAR_DIR=tmp_path)
    second = Settings(_env_file=None, VAR_DIR=tmp_path)
    assert first.SECRET_KEY.get_secret_value() == second.SECRET_KEY.get_secret_value()
    assert len(first.SECRET_KEY.get_secret_value()) >= 32
    Fernet(first.FIELD_ENCRYPTION_KEYS[0].get_secret_value().encode())  # a valid key
    assert (tmp_path / "dev-secrets.json").stat().st_mode & 0o077 == 0


def test_list_settings_read_comma_separated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings(_env_file=None, VAR_DIR=tmp_path)
    assert settings.CORS_ORIGINS == ["https://a.example", "https://b.example"]
