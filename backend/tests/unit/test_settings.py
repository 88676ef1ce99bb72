import base64
import json

import pytest
from cryptography.fernet import Fernet

from elcorp.config import ConfigurationError, Profile, Settings
from elcorp.shared.security.encryption import FieldCipher, generate_key

REAL_SECRET = "k3Jd9vLq2XwPz8RtYb4NcMf7GhAs1UeV0oIiWpZxQy6"


def production(**overrides):
    values = {
        "ENV": Profile.PRODUCTION,
        "DATABASE_URL": "postgresql://app@db/elcorp",
        "REDIS_URL": "redis://cache:6379/0",
        "SECRET_KEY": REAL_SECRET,
        "FIELD_ENCRYPTION_KEYS": generate_key("fk1"),
        "LOOKUP_HASH_KEY": "Zr8pW2mQ5vT9xL3nB7cK1dF6gH4jS0aE8yU2iO5",
        "AUDIT_SIGNING_KEYS": "ak1:" + base64.b64encode(bytes(range(32))).decode(),
        "EMAIL_BACKEND": "smtp",
        "PUBLIC_BASE_URL": "https://app.elcorp.na",
        "METRICS_TOKEN": "Mt7qR2vX9pL4wZ8nB3cK6dF1gH5jS0aE2yU7iO4",
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
        ({"FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}, "must start with an AES-256-GCM key"),
        ({"EMAIL_BACKEND": "file"}, "EMAIL_BACKEND"),
        ({"PUBLIC_BASE_URL": "http://app.elcorp.na"}, "PUBLIC_BASE_URL"),
        ({"MFA_ENFORCED": False}, "MFA_ENFORCED"),
        ({"METRICS_TOKEN": None}, "METRICS_TOKEN"),
        ({"METRICS_TOKEN": "change-me"}, "METRICS_TOKEN"),
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
    cipher = FieldCipher([k.get_secret_value() for k in first.FIELD_ENCRYPTION_KEYS])  # a valid key
    assert cipher.encrypt("x").startswith("v2:dev1:")
    assert (tmp_path / "dev-secrets.json").stat().st_mode & 0o077 == 0


def test_an_older_development_fernet_key_keeps_reading_and_gains_an_aes_gcm_key(tmp_path):
    fernet_key = Fernet.generate_key().decode()
    (tmp_path / "dev-secrets.json").write_text(
        json.dumps({"SECRET_KEY": "s" * 48, "FIELD_ENCRYPTION_KEY": fernet_key})
    )
    old_value = Fernet(fernet_key.encode()).encrypt(b"+264811234567").decode()

    first = Settings(_env_file=None, VAR_DIR=tmp_path)
    second = Settings(_env_file=None, VAR_DIR=tmp_path)

    keys = [k.get_secret_value() for k in first.FIELD_ENCRYPTION_KEYS]
    assert keys == [k.get_secret_value() for k in second.FIELD_ENCRYPTION_KEYS]  # every process agrees
    cipher = FieldCipher(keys)
    assert cipher.decrypt(old_value) == "+264811234567"
    assert cipher.rotate(old_value).startswith("v2:")


def test_list_settings_read_comma_separated_env(monkeypatch, tmp_path):
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings(_env_file=None, VAR_DIR=tmp_path)
    assert settings.CORS_ORIGINS == ["https://a.example", "https://b.example"]
