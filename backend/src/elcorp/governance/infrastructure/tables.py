"""Governance tables: RBAC (the client's schema, with UUID keys and a grant scope) and the
stored PBAC policies."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from elcorp.shared.infrastructure.db import metadata

role = Table(
    "role",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False, unique=True),
    Column("description", Text),
    Column("is_system_role", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

permission = Table(
    "permission",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False, unique=True),
    Column("description", Text),
    Column("category", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

role_permission = Table(
    "role_permission",
    metadata,
    Column("role_id", Uuid, ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", Uuid, ForeignKey("permission.id", ondelete="CASCADE"), primary_key=True),
    Column("scope", Text, nullable=False, server_default=text("'all'")),
    CheckConstraint("scope IN ('own', 'all')", name="scope"),
)

user_role = Table(
    "user_role",
    metadata,
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Uuid, ForeignKey("role.id", ondelete="RESTRICT"), primary_key=True),
    Column("assigned_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("assigned_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    UniqueConstraint("user_id", "role_id", name="uq_user_role_user_id_role_id"),
)

access_policy = Table(
    "access_policy",
    metadata,
    Column("name", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("position", Integer, nullable=False, unique=True),
    Column("params", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    CheckConstraint(
        "kind IN ('ownership', 'organization_scope', 'amount_threshold', "
        "'segregation_of_duties', 'business_hours', 'data_classification')",
        name="kind",
    ),
    comment="PBAC policies evaluated after RBAC, in position order (governance).",
)
