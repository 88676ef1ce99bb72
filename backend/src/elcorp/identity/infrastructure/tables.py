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

from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.security.encryption import EncryptedColumn, register_encrypted_column

user_account = Table(
    "user_account",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", Text, nullable=False),
    Column("full_name", Text, nullable=False),
    Column("email", Text, nullable=False),
    Column("email_normalized", Text, nullable=False),
    # Phone: AES-256-GCM ciphertext (FieldCipher), plus an HMAC of the E.164 form for
    # uniqueness and lookup.
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
    CheckConstraint("status IN ('active', 'locked', 'deleted', 'erased')", name="status"),
    CheckConstraint("length(password_hash) > 0", name="password_hash"),
    Index("uq_user_account_email_normalized", "email_normalized", unique=True),
    Index("uq_user_account_username", "username", unique=True),
    Index("uq_user_account_phone_lookup", "phone_lookup", unique=True),
    comment="User accounts (identity). Phone and MFA secrets are Fernet-encrypted.",
)
register_encrypted_column(EncryptedColumn("user_account", "phone_encrypted"))
register_encrypted_column(EncryptedColumn("user_account", "mfa_secret_encrypted"))
register_encrypted_column(EncryptedColumn("user_account", "mfa_pending_secret_encrypted"))
# Personal information (POPIA s17). Name and email identify the customer for the Financial
# Intelligence Act: after erasure they are kept restricted and pseudonymised until the FIA
# period ends. The phone is an optional contact channel, encrypted: crypto-shredded. The
# wallet address is a random identifier that names no one by itself; it is the pseudonym the
# ledger's transaction records carry, so it lives as long as they do.
_USERNAME = PersonalData(
    category="user.identity.username",
    purpose="sign in, and show the account holder to the people they pay",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.ANONYMISE,
)
_NAME = PersonalData(
    category="user.identity.name",
    purpose="identify the customer and keep the identification record (FIA 2012)",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
_EMAIL = PersonalData(
    category="user.contact.email",
    purpose="identify the customer (FIA 2012), sign in, and send account and security notices",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
_PHONE = PersonalData(
    category="user.contact.phone",
    purpose="contact the account holder (optional contact channel)",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.CRYPTO_SHRED,
)
_PHONE_LOOKUP = PersonalData(
    category="user.contact.phone_lookup",
    purpose="keep phone numbers unique without reading them (keyed hash)",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.DELETE,
)
_ORGANIZATION = PersonalData(
    category="user.employment.organization",
    purpose="show the organisation the account holder says they work for",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.DELETE,
)
_WALLET = PersonalData(
    category="user.identity.wallet_address",
    purpose="address payments to the account holder's wallet (a pseudonymous identifier)",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
_PASSWORD = PersonalData(
    category="user.credential.password_hash",
    purpose="authenticate the account holder (Argon2id hash)",
    classification=Classification.RESTRICTED,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.DELETE,
)
_MFA_SECRET = PersonalData(
    category="user.credential.mfa_secret",
    purpose="authenticate the account holder with a second factor (TOTP)",
    classification=Classification.RESTRICTED,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.CRYPTO_SHRED,
)
declare("identity", user_account, "username", _USERNAME)
declare("identity", user_account, "full_name", _NAME)
declare("identity", user_account, "email", _EMAIL)
declare("identity", user_account, "email_normalized", _EMAIL)
declare("identity", user_account, "phone_encrypted", _PHONE)
declare("identity", user_account, "phone_lookup", _PHONE_LOOKUP)
declare("identity", user_account, "organization", _ORGANIZATION)
declare("identity", user_account, "wallet_address", _WALLET)
declare("identity", user_account, "password_hash", _PASSWORD)
declare("identity", user_account, "mfa_secret_encrypted", _MFA_SECRET)
declare("identity", user_account, "mfa_pending_secret_encrypted", _MFA_SECRET)

password_history = Table(
    "password_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_password_history_user_id", "user_id", "changed_at"),
)
_PASSWORD_HISTORY = PersonalData(
    category="user.credential.password_history",
    purpose="refuse the reuse of recent passwords",
    classification=Classification.RESTRICTED,
    retention=RetentionBasis.SECURITY,
    disposal=Disposal.DELETE,
)
declare("identity", password_history, "password_hash", _PASSWORD_HISTORY)

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
_DEVICES = "keep the account's sessions safe and list its signed-in devices"
_DEVICE_ID = PersonalData(
    category="user.device.identifier",
    purpose=_DEVICES,
    classification=Classification.INTERNAL,
    retention=RetentionBasis.SECURITY,
    disposal=Disposal.DELETE,
)
_DEVICE_NAME = PersonalData(
    category="user.device.name",
    purpose=_DEVICES,
    classification=Classification.INTERNAL,
    retention=RetentionBasis.SECURITY,
    disposal=Disposal.DELETE,
)
_USER_AGENT = PersonalData(
    category="user.device.user_agent",
    purpose=_DEVICES,
    classification=Classification.INTERNAL,
    retention=RetentionBasis.SECURITY,
    disposal=Disposal.DELETE,
)
_IP_ADDRESS = PersonalData(
    category="user.device.ip_address",
    purpose=_DEVICES,
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.SECURITY,
    disposal=Disposal.DELETE,
)
_SESSION = PersonalData(
    category="user.credential.session_token",
    purpose="keep the account holder signed in on a device (hash of the refresh token)",
    classification=Classification.RESTRICTED,
    retention=RetentionBasis.SECURITY,
    disposal=Disposal.DELETE,
)
declare("identity", device_token, "device_id", _DEVICE_ID)
declare("identity", device_token, "device_name", _DEVICE_NAME)
declare("identity", device_token, "user_agent", _USER_AGENT)
declare("identity", device_token, "ip_address", _IP_ADDRESS)
declare("identity", device_token, "refresh_token_hash", _SESSION)

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
_BACKUP_CODE = PersonalData(
    category="user.credential.mfa_backup_code",
    purpose="authenticate the account holder when the second factor is lost",
    classification=Classification.RESTRICTED,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.DELETE,
)
declare("identity", mfa_backup_code, "code_hash", _BACKUP_CODE)

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
_ONE_TIME_TOKEN = PersonalData(
    category="user.credential.one_time_token",
    purpose="verify the email address and reset a forgotten password",
    classification=Classification.RESTRICTED,
    retention=RetentionBasis.SECURITY,
    disposal=Disposal.DELETE,
)
declare("identity", one_time_token, "token_hash", _ONE_TIME_TOKEN)
