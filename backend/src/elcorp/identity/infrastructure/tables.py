"""Identity tables (the client's identity schema, with UUID keys, encrypted phone and
MFA secrets, and keyed hashes for lookups)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)

from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.security.encryption import EncryptedColumn, register_encrypted_column

user_account = Table(
    "user_account",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", Text, nullable=False),
    Column("full_name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("email_normalized", Text, nullable=False),
    # Phone: Fernet ciphertext, plus an HMAC of the E.164 form for uniqueness and lookup.
    Column("phone_encrypted", Text),
    Column("phone_lookup", Text),
    Column("organization", Text),
    Column("wallet_address", Uuid, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("email_verified_at", DateTime(timezone=True)),
    Column("mfa_enabled", Boolean, nullable=False, server_default=text("false")),
    Column("mfa_secret_encrypted", Text),
    Column("mfa_pending_secret_encrypted", Text),
    # Last accepted TOTP time step: a code is accepted once (compare-and-set in SQL).
    Column("mfa_last_step", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("deleted_at", DateTime(timezone=True)),
    CheckConstraint("status IN ('active', 'locked', 'deleted')", name="status"),
    CheckConstraint("length(password_hash) > 0", name="password_hash"),
    Index("uq_user_account_email_normalized", "email_normalized", unique=True),
    Index("uq_user_account_username", "username", unique=True),
    Index("uq_user_account_phone_lookup", "phone_lookup", unique=True),
)
register_encrypted_column(EncryptedColumn("user_account", "phone_encrypted"))
register_encrypted_column(EncryptedColumn("user_account", "mfa_secret_encrypted"))
register_encrypted_column(EncryptedColumn("user_account", "mfa_pending_secret_encrypted"))

password_history = Table(
    "password_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_password_history_user_id", "user_id", "changed_at"),
)

device_token = Table(
    "device_token",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
    Column("device_id", Uuid, nullable=False),
    Column("device_name", Text),
    # SHA-256 of the current refresh token's jti: the only one that may be exchanged.
    Column("refresh_token_hash", Text, nullable=False),
    Column("family_id", Uuid, nullable=False),
    Column("user_agent", Text),
    Column("ip_address", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_used_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Absolute end of the family (7 days from the login that started it, ASVS 10.4.8).
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    UniqueConstraint("user_id", "device_id", name="uq_device_token_user_id_device_id"),
)

mfa_backup_code = Table(
    "mfa_backup_code",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
    Column("code_hash", Text, nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_mfa_backup_code_user_id", "user_id"),
)

one_time_token = Table(
    "one_time_token",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("purpose IN ('email_verify', 'password_reset')", name="purpose"),
    Index("ix_one_time_token_user_purpose", "user_id", "purpose"),
)
