"""Service requests with versioned approval chains (governance).

- `service_request_category`: the configurable categories (name, description, active).
- `approval_chain`: one row per (category, version), levels as JSON in the domain's form
  (`ApprovalChain.to_dict()`); never updated - a change is a new version, and a request
  keeps (`chain_version`) the version it was submitted under.
- `service_request`: the client's table plus the workflow's needs: organization (the
  requester's, for organization scope), amount/currency, the assignee (a user or a team),
  the pinned chain, the SLA deadline (`due_at`) and timestamps.
- `service_request_approval`: one row per approver per request (the primary key makes
  "distinct approvers" a database rule); `service_request_transition`: the full history;
  `service_request_comment`: comments; `approval_reminder`: when each approver was last
  reminded of a request, so the 4-hourly reminder never repeats inside its interval.
- Permissions: service_request:create/read (user: own; staff, admin: all),
  service_request:manage (assign, start, complete: staff, admin), service_request:approve
  (staff, admin), workflow:manage (categories and chains: admin).
- Seeded: categories `general` and `payment_exception` with their first chains.

Revision ID: 0012_service_requests
Revises: 0011_governance_organizations
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012_service_requests"
down_revision = "0011_governance_organizations"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
STATUSES = (
    "draft",
    "submitted",
    "in_review",
    "approved",
    "rejected",
    "in_progress",
    "completed",
    "cancelled",
)
PRIORITIES = ("low", "normal", "high", "critical")

PERMISSIONS = (
    ("service_request:create", "governance", "Open service requests"),
    ("service_request:read", "governance", "Read service requests"),
    ("service_request:manage", "governance", "Assign, start and complete service requests"),
    ("service_request:approve", "governance", "Approve or reject service requests at a chain level"),
    ("workflow:manage", "governance", "Configure service-request categories and approval chains"),
)
GRANTS = {
    "admin": {p[0]: "all" for p in PERMISSIONS},
    "staff": {
        "service_request:create": "all",
        "service_request:read": "all",
        "service_request:manage": "all",
        "service_request:approve": "all",
    },
    "user": {"service_request:create": "own", "service_request:read": "own"},
}
# Snapshot of the seeded categories and their first chains at this revision.
CATEGORIES = (
    (
        "general",
        "General requests to Elcorp staff",
        [
            {
                "name": "review",
                "required_permission": "service_request:approve",
                "threshold": None,
                "required_role": None,
                "approvers_required": 1,
            }
        ],
    ),
    (
        "payment_exception",
        "Exceptions to payment limits and rules",
        [
            {
                "name": "review",
                "required_permission": "service_request:approve",
                "threshold": None,
                "required_role": None,
                "approvers_required": 1,
            },
            {
                "name": "large amounts",
                "required_role": "admin",
                "threshold": "50000",
                "required_permission": None,
                "approvers_required": 2,
            },
        ],
    ),
)


def _user_fk(column: str, ondelete: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        column, sa.Uuid(), sa.ForeignKey("user_account.id", ondelete=ondelete), nullable=nullable
    )


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    category = op.create_table(
        "service_request_category",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("description", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        comment="Configurable service-request categories (governance).",
    )
    chain = op.create_table(
        "approval_chain",
        sa.Column(
            "category",
            sa.Text(),
            sa.ForeignKey("service_request_category.name", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("levels", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        _user_fk("created_by", "SET NULL"),
        sa.CheckConstraint("version >= 1", name="version"),
        comment="Versioned approval chains: append-only, a change is a new version.",
    )
    op.create_table(
        "service_request",
        sa.Column("id", sa.Uuid(), primary_key=True),
        _user_fk("requester_id", "RESTRICT", nullable=False),
        sa.Column("organization_id", sa.Uuid(), sa.ForeignKey("organization.id", ondelete="RESTRICT")),
        sa.Column(
            "category",
            sa.Text(),
            sa.ForeignKey("service_request_category.name", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(20, 8)),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("assignee_kind", sa.Text()),
        sa.Column("assignee_id", sa.Uuid()),
        sa.Column("chain_version", sa.Integer()),
        sa.Column("submitted_at", TS),
        sa.Column("due_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("completed_at", TS),
        sa.CheckConstraint(_in("status", STATUSES), name="status"),
        sa.CheckConstraint(_in("priority", PRIORITIES), name="priority"),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="amount"),
        sa.CheckConstraint(
            "(assignee_kind IS NULL) = (assignee_id IS NULL) AND "
            "(assignee_kind IS NULL OR assignee_kind IN ('user', 'team'))",
            name="assignee",
        ),
        sa.CheckConstraint(  # a chain is pinned at submission: drafts have none, submitted ones one
            "(status = 'draft' AND chain_version IS NULL) OR status = 'cancelled' "
            "OR (status <> 'draft' AND chain_version IS NOT NULL)",
            name="chain_pinned",
        ),
        sa.ForeignKeyConstraint(
            ["category", "chain_version"],
            ["approval_chain.category", "approval_chain.version"],
            name="fk_service_request_approval_chain",
        ),
    )
    for name, columns in (
        ("requester_id", ["requester_id"]),
        ("organization_id", ["organization_id"]),
        ("status", ["status"]),
        ("priority", ["priority"]),
        ("assignee", ["assignee_kind", "assignee_id"]),
        ("due_at", ["due_at"]),
        ("created_at", ["created_at"]),
    ):
        op.create_index(f"ix_service_request_{name}", "service_request", columns)
    op.create_table(
        "service_request_approval",
        sa.Column(
            "request_id", sa.Uuid(), sa.ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "approver_id", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="RESTRICT"), primary_key=True
        ),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("approved_at", TS, nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=sa.text("''")),
    )
    op.create_table(
        "service_request_transition",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column(
            "request_id", sa.Uuid(), sa.ForeignKey("service_request.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("from_status", sa.Text(), nullable=False),
        sa.Column("to_status", sa.Text(), nullable=False),
        _user_fk("actor_id", "RESTRICT", nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("comment", sa.Text(), nullable=False, server_default=sa.text("''")),
    )
    op.create_index("ix_service_request_transition_request_id", "service_request_transition", ["request_id"])
    op.create_table(
        "service_request_comment",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "request_id", sa.Uuid(), sa.ForeignKey("service_request.id", ondelete="CASCADE"), nullable=False
        ),
        _user_fk("author_id", "RESTRICT", nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_service_request_comment_request_id", "service_request_comment", ["request_id"])
    op.create_table(
        "approval_reminder",
        sa.Column(
            "request_id", sa.Uuid(), sa.ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "approver_id", sa.Uuid(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False, server_default=sa.text("1")),
    )

    op.bulk_insert(category, [{"name": n, "description": d} for n, d, _ in CATEGORIES])
    op.bulk_insert(chain, [{"category": n, "version": 1, "levels": levels} for n, _, levels in CATEGORIES])
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "INSERT INTO permission (name, category, description) VALUES (:name, :category, :description)"
        ),
        [{"name": n, "category": c, "description": d} for n, c, d in PERMISSIONS],
    )
    bind.execute(
        sa.text(
            "INSERT INTO role_permission (role_id, permission_id, scope) "
            "SELECT r.id, p.id, :scope FROM role r, permission p WHERE r.name = :role AND p.name = :permission"
        ),
        [
            {"role": role_name, "permission": permission_name, "scope": scope}
            for role_name, grants in GRANTS.items()
            for permission_name, scope in grants.items()
        ],
    )


def downgrade() -> None:
    op.get_bind().execute(
        sa.text("DELETE FROM permission WHERE name = ANY(:names)"), {"names": [p[0] for p in PERMISSIONS]}
    )
    for table in (
        "approval_reminder",
        "service_request_comment",
        "service_request_transition",
        "service_request_approval",
        "service_request",
        "approval_chain",
        "service_request_category",
    ):
        op.drop_table(table)
