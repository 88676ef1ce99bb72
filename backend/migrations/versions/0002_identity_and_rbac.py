"""Identity (users, password history, devices, MFA backup codes, one-time tokens) and the
RBAC core (roles, permissions, grants, user roles), seeded with the client's roles.

Revision ID: 0002_identity_rbac
Revises: 0001_kernel
Create Date: 2026-11-23
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0002_identity_rbac"
down_revision = "0001_kernel"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)

# Snapshot of the catalogue at this revision (later revisions add to it, never edit it).
PERMISSIONS = [
    ("user:create", "identity", "Create user accounts"),
    ("user:read", "identity", "Read user accounts"),
    ("user:update", "identity", "Change user accounts (profile, status, unlock)"),
    ("user:delete", "identity", "Delete (soft) and restore user accounts"),
    ("payment:create", "payments", "Initiate payments"),
    ("payment:approve", "payments", "Approve payments above thresholds"),
    ("payment:reconcile", "payments", "Run reconciliation"),
    ("role:manage", "governance", "Manage roles and role assignments"),
    ("policy:manage", "governance", "Manage access policies"),
    ("audit:view", "compliance", "Read the audit log"),
    ("audit:export", "compliance", "Export and verify the audit log"),
    ("report:generate", "compliance", "Generate regulatory reports"),
]
ROLES = [
    ("admin", "System administrator"),
    ("staff", "Compliance officer or support staff"),
    ("user", "Regular user"),
    ("guest", "Unauthenticated visitor"),
]
GRANTS = {
    "admin": {name: "all" for name, _, _ in PERMISSIONS},
    "staff": {"user:read": "all", "payment:create": "all", "payment:approve": "all", "audit:view": "all"},
    "user": {"user:read": "own", "payment:create": "own"},
    "guest": {},
}


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("email_normalized", sa.Text(), nullable=False),
        sa.Column("phone_encrypted", sa.Text()),
        sa.Column("phone_lookup", sa.Text()),
        sa.Column("organization", sa.Text()),
        sa.Column("wallet_address", sa.Uuid(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("password_changed_at", TS),
        sa.Column("status", sa.Text(), nullable=False, server_default=sa.text("'active'")),
        sa.Column("email_verified_at", TS),
        sa.Column("mfa_enabled", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("mfa_secret_encrypted", sa.Text()),
        sa.Column("mfa_pending_secret_encrypted", sa.Text()),
        sa.Column("mfa_last_step", sa.BigInteger()),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("deleted_at", TS),
        sa.CheckConstraint("status IN ('active', 'locked', 'deleted')", name="status"),
        sa.CheckConstraint("length(password_hash) > 0", name="password_hash"),
        sa.UniqueConstraint("wallet_address", name="uq_user_account_wallet_address"),
        comment="User accounts (identity). Phone and MFA secrets are Fernet-encrypted.",
    )
    op.create_index("uq_user_account_email_normalized", "user_account", ["email_normalized"], unique=True)
    op.create_index("uq_user_account_username", "user_account", ["username"], unique=True)
    op.create_index("uq_user_account_phone_lookup", "user_account", ["phone_lookup"], unique=True)

    op.create_table(
        "password_history",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("changed_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_password_history_user_id", "password_history", ["user_id", "changed_at"])

    op.create_table(
        "device_token",
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("device_name", sa.Text()),
        sa.Column("refresh_token_hash", sa.Text(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("user_agent", sa.Text()),
        sa.Column("ip_address", sa.Text()),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("last_used_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS),
        sa.UniqueConstraint("user_id", "device_id", name="uq_device_token_user_id_device_id"),
    )

    op.create_table(
        "mfa_backup_code",
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.Text(), nullable=False),
        sa.Column("used_at", TS),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_mfa_backup_code_user_id", "mfa_backup_code", ["user_id"])

    op.create_table(
        "one_time_token",
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("purpose IN ('email_verify', 'password_reset')", name="purpose"),
        sa.UniqueConstraint("token_hash", name="uq_one_time_token_token_hash"),
    )
    op.create_index("ix_one_time_token_user_purpose", "one_time_token", ["user_id", "purpose"])

    role = op.create_table(
        "role",
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("is_system_role", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("name", name="uq_role_name"),
    )
    permission = op.create_table(
        "permission",
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("name", name="uq_permission_name"),
    )
    role_permission = op.create_table(
        "role_permission",
        sa.Column("role_id", sa.Uuid(), sa.ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "permission_id", sa.Uuid(), sa.ForeignKey("permission.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("scope", sa.Text(), nullable=False, server_default=sa.text("'all'")),
        sa.CheckConstraint("scope IN ('own', 'all')", name="scope"),
    )
    op.create_table(
        "user_role",
        sa.Column(
            "user_id", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("role_id", sa.Uuid(), sa.ForeignKey("role.id", ondelete="RESTRICT"), primary_key=True),
        sa.Column("assigned_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("assigned_by", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        sa.UniqueConstraint("user_id", "role_id", name="uq_user_role_user_id_role_id"),
    )
    op.create_index("ix_user_role_role_id", "user_role", ["role_id"])

    role_ids = {name: uuid.uuid4() for name, _ in ROLES}
    perm_ids = {name: uuid.uuid4() for name, _, _ in PERMISSIONS}
    op.bulk_insert(
        role, [{"id": role_ids[n], "name": n, "description": d, "is_system_role": True} for n, d in ROLES]
    )
    op.bulk_insert(
        permission,
        [{"id": perm_ids[n], "name": n, "category": c, "description": d} for n, c, d in PERMISSIONS],
    )
    op.bulk_insert(
        role_permission,
        [
            {"role_id": role_ids[r], "permission_id": perm_ids[p], "scope": scope}
            for r, grants in GRANTS.items()
            for p, scope in grants.items()
        ],
    )


def downgrade() -> None:
    for table in (
        "user_role",
        "role_permission",
        "permission",
        "role",
        "one_time_token",
        "mfa_backup_code",
        "device_token",
        "password_history",
        "user_account",
    ):
        op.drop_table(table)
