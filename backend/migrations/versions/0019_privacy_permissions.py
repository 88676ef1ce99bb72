"""Privacy (POPIA): the privacy permissions and their grants to the system roles.

Revision ID: 0019_privacy_permissions
Revises: 0018_reconciliation_settlement
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_privacy_permissions"
down_revision = "0018_reconciliation_settlement"
branch_labels = None
depends_on = None

PERMISSIONS = (
    (
        "privacy:read",
        "compliance",
        "Read the data inventory, processing register, consents and privacy requests",
    ),
    (
        "privacy:manage",
        "compliance",
        "Manage the processing register, notices, privacy requests, retention policies and legal holds",
    ),
)
GRANTS = {role: {name: "all" for name, _, _ in PERMISSIONS} for role in ("admin", "staff")}


def upgrade() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text("INSERT INTO permission (name, category, description) VALUES (:n, :c, :d)"),
        [{"n": n, "c": c, "d": d} for n, c, d in PERMISSIONS],
    )
    bind.execute(
        sa.text(
            "INSERT INTO role_permission (role_id, permission_id, scope) "
            "SELECT r.id, p.id, :scope FROM role r, permission p WHERE r.name = :role AND p.name = :permission"
        ),
        [
            {"role": role, "permission": name, "scope": scope}
            for role, grants in GRANTS.items()
            for name, scope in grants.items()
        ],
    )


def downgrade() -> None:
    names = [name for name, _, _ in PERMISSIONS]
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "DELETE FROM role_permission WHERE permission_id IN "
            "(SELECT id FROM permission WHERE name = ANY(:names))"
        ),
        {"names": names},
    )
    bind.execute(sa.text("DELETE FROM permission WHERE name = ANY(:names)"), {"names": names})
