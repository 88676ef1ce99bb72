"""Compliance operations: the incident, SLA and risk permissions and their grants.

Revision ID: 0024_operations_permissions
Revises: 0023_privacy_retention
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024_operations_permissions"
down_revision = "0023_privacy_retention"
branch_labels = None
depends_on = None

PERMISSIONS = (
    ("incident:read", "compliance", "Read incidents, their timelines and breach notifications"),
    ("incident:manage", "compliance", "Open, work and close incidents; record breach notifications"),
    ("sla:read", "compliance", "Read SLA policies, case states and the SLA report"),
    ("sla:manage", "compliance", "Manage SLA policies"),
    ("risk:read", "compliance", "Read the risk register"),
    ("risk:manage", "compliance", "Manage risks, their treatment and reviews"),
)
GRANTS = {
    "admin": {name: "all" for name, _, _ in PERMISSIONS},
    "staff": dict.fromkeys(("incident:read", "incident:manage", "sla:read", "risk:read"), "all"),
}


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
