"""Payments II: the vehicle and invoice permissions and their grants to the system roles.

Revision ID: 0015_payments_ii_permissions
Revises: 0014_document_counters
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_payments_ii_permissions"
down_revision = "0014_document_counters"
branch_labels = None
depends_on = None

PERMISSIONS = (
    ("vehicle:register", "payments", "Register vehicles by VIN or chassis number"),
    ("vehicle:read", "payments", "Read vehicles and their ownership history"),
    ("vehicle:transfer", "payments", "Offer, accept, decline and cancel vehicle ownership transfers"),
    ("invoice:create", "payments", "Draft invoices"),
    ("invoice:read", "payments", "Read invoices, credit notes and receipts"),
    ("invoice:manage", "payments", "Issue and void invoices, issue credit notes, manage issuers"),
)
_ALL = {name: "all" for name, _, _ in PERMISSIONS}
GRANTS = {
    "admin": _ALL,
    "staff": _ALL,
    "user": {
        "vehicle:register": "own",
        "vehicle:read": "own",
        "vehicle:transfer": "own",
        "invoice:read": "own",
    },
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
