"""Access policies (PBAC): the stored, administrable parameters of the policy engine's
built-in policies, seeded with one row per kind.

Each row names a built-in policy kind and its parameters in the JSON form of the domain's
params classes (`elcorp.governance.domain.policies`): amounts as decimal strings, weekdays
as names. `position` is the evaluation order. Business hours are seeded disabled, so no
behaviour depends on the wall clock until an administrator turns them on.

`policy:manage` is already in the catalogue and held by `admin` (0002); nothing to add.

Revision ID: 0010_governance_policies
Revises: 0009_audit_stored_entry
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_governance_policies"
down_revision = "0009_audit_stored_entry"
branch_labels = None
depends_on = None

KINDS = (
    "ownership",
    "organization_scope",
    "amount_threshold",
    "segregation_of_duties",
    "business_hours",
    "data_classification",
)

# Snapshot of the defaults at this revision (name, kind, enabled, params), in order.
SEED: list[tuple[str, str, bool, dict[str, object]]] = [
    ("ownership", "ownership", True, {"actions": []}),
    ("organization_scope", "organization_scope", True, {"actions": [], "roles": ["staff"]}),
    (
        "amount_threshold",
        "amount_threshold",
        True,
        {
            "actions": ["payment:approve"],
            "thresholds": {"NAD": "50000.00"},
            "approval_permission": "payment:approve",
        },
    ),
    ("segregation_of_duties", "segregation_of_duties", True, {"actions": ["payment:approve"]}),
    (
        "business_hours",
        "business_hours",
        False,
        {
            "actions": ["role:manage"],
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "start_hour": 8,
            "end_hour": 17,
            "timezone": "Africa/Windhoek",
        },
    ),
    (
        "data_classification",
        "data_classification",
        True,
        {"levels": ["confidential", "restricted"], "roles": ["admin"], "permission": None},
    ),
]


def upgrade() -> None:
    kinds = ", ".join(f"'{kind}'" for kind in KINDS)
    table = op.create_table(
        "access_policy",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column(
            "updated_by",
            sa.Uuid(),
            sa.ForeignKey("user_account.id", ondelete="SET NULL"),
        ),
        sa.PrimaryKeyConstraint("name", name="pk_access_policy"),
        sa.UniqueConstraint("position", name="uq_access_policy_position"),
        sa.CheckConstraint(f"kind IN ({kinds})", name="kind"),
        comment="PBAC policies evaluated after RBAC, in position order (governance).",
    )
    op.bulk_insert(
        table,
        [
            {"name": name, "kind": kind, "enabled": enabled, "position": position, "params": params}
            for position, (name, kind, enabled, params) in enumerate(SEED, start=1)
        ],
    )


def downgrade() -> None:
    op.drop_table("access_policy")
