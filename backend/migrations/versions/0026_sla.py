"""Compliance operations: SLA policies, tracked cases and their append-only event history.

The SLA state of a case (elapsed, remaining, at risk, breached, paused, met) is not stored:
it is derived from `sla_case_event` and the case's policy on every read. `sla_case` holds
what a case is (type, id, category, opening priority) and, as a query aid, when it closed.
The default policies are seeded here (docs/COMPLIANCE.md, "SLA tracking", explains them).

Revision ID: 0026_sla
Revises: 0025_incidents
Create Date: 2026-12-02
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0026_sla"
down_revision = "0025_incidents"
branch_labels = None
depends_on = None

CASE_TYPES = "('service_request', 'incident', 'privacy_request')"
KINDS = (
    "('opened', 'responded', 'paused', 'resumed', 'resolved', 'closed', 'priority_changed', "
    "'due_changed', 'escalated', 'response_breached', 'resolution_breached')"
)
SEED_NAMESPACE = uuid.UUID("6f1d8a52-2c1e-4f7b-9a55-0d6c5e3b7a26")

# (case_type, category, priority, clock, response, resolution, escalation [minutes], pause_on, name)
# Business day = 9 hours (08:00-17:00 Windhoek) = 540 minutes.
DEFAULT_POLICIES = [
    (
        "service_request",
        "*",
        "critical",
        "24x7",
        60,
        240,
        180,
        ["awaiting_approval", "awaiting_customer"],
        "Service requests, critical",
    ),
    (
        "service_request",
        "*",
        "high",
        "business_hours",
        240,
        1080,
        810,
        ["awaiting_approval", "awaiting_customer"],
        "Service requests, high",
    ),
    (
        "service_request",
        "*",
        "*",
        "business_hours",
        540,
        2700,
        2160,
        ["awaiting_approval", "awaiting_customer"],
        "Service requests, normal",
    ),
    (
        "service_request",
        "*",
        "low",
        "business_hours",
        1080,
        5400,
        4320,
        ["awaiting_approval", "awaiting_customer"],
        "Service requests, low",
    ),
    ("incident", "*", "P1", "24x7", 15, 240, 60, ["awaiting_third_party"], "Incidents, P1 critical"),
    ("incident", "*", "P2", "24x7", 30, 480, 240, ["awaiting_third_party"], "Incidents, P2 high"),
    (
        "incident",
        "*",
        "P3",
        "business_hours",
        240,
        1620,
        1080,
        ["awaiting_third_party"],
        "Incidents, P3 moderate",
    ),
    ("incident", "*", "P4", "business_hours", 540, 2700, 2160, ["awaiting_third_party"], "Incidents, P4 low"),
    (
        "incident",
        "*",
        "P5",
        "business_hours",
        1080,
        5400,
        4320,
        ["awaiting_third_party"],
        "Incidents, P5 planning",
    ),
    ("incident", "*", "*", "business_hours", 240, 1620, 1080, ["awaiting_third_party"], "Incidents, other"),
    # PAIA s25(1): 30 days to decide; s26 extension by due_changed; s22 fee suspends the clock.
    (
        "privacy_request",
        "*",
        "*",
        "24x7",
        4320,
        43200,
        30240,
        ["awaiting_requester_fee"],
        "Data-subject requests (PAIA s25)",
    ),
]


def upgrade() -> None:
    op.create_table(
        "sla_policy",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),  # the client's sla_policy.name
        sa.Column("case_type", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), server_default="*", nullable=False),
        sa.Column("priority", sa.Text(), server_default="*", nullable=False),
        sa.Column("clock", sa.Text(), nullable=False),
        sa.Column("response_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("escalation_minutes", sa.Integer(), nullable=False),
        sa.Column("at_risk_percent", sa.SmallInteger(), server_default=sa.text("80"), nullable=False),
        sa.Column("pause_on", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policy")),
        sa.UniqueConstraint("case_type", "category", "priority", name=op.f("uq_sla_policy_case_type")),
        sa.CheckConstraint(f"case_type IN {CASE_TYPES}", name=op.f("ck_sla_policy_case_type")),
        sa.CheckConstraint("clock IN ('business_hours', '24x7')", name=op.f("ck_sla_policy_clock")),
        sa.CheckConstraint(
            "response_minutes > 0 AND resolution_minutes >= response_minutes AND escalation_minutes > 0",
            name=op.f("ck_sla_policy_goals"),
        ),
        sa.CheckConstraint("at_risk_percent BETWEEN 1 AND 99", name=op.f("ck_sla_policy_at_risk")),
        comment="SLA goals per (case type, category, priority); * matches any value.",
    )
    op.create_table(
        "sla_case",
        sa.Column("case_type", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("case_type", "case_id", name=op.f("pk_sla_case")),
        sa.CheckConstraint(f"case_type IN {CASE_TYPES}", name=op.f("ck_sla_case_case_type")),
        comment="A case tracked for its SLA; priority is the one it opened with.",
    )
    op.create_index("ix_sla_case_opened_at", "sla_case", ["opened_at"])
    op.create_index("ix_sla_case_closed_at", "sla_case", ["closed_at"])
    op.create_table(
        "sla_case_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("case_type", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.Column("source_event_id", sa.Uuid()),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_case_event")),
        sa.ForeignKeyConstraint(
            ["case_type", "case_id"],
            ["sla_case.case_type", "sla_case.case_id"],
            name=op.f("fk_sla_case_event_case"),
        ),
        sa.UniqueConstraint("source_event_id", "kind", name=op.f("uq_sla_case_event_source")),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f("ck_sla_case_event_kind")),
        comment="Append-only history of a tracked case; UPDATE and DELETE are refused by a trigger.",
    )
    op.create_index("ix_sla_case_event_case", "sla_case_event", ["case_type", "case_id", "id"])
    # The escalation job's marks: once per case, even when two runs overlap.
    op.create_index(
        "uq_sla_case_event_once",
        "sla_case_event",
        ["case_type", "case_id", "kind"],
        unique=True,
        postgresql_where=sa.text("kind IN ('escalated', 'response_breached', 'resolution_breached')"),
    )
    op.execute(
        """
        CREATE FUNCTION sla_case_event_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'sla_case_event is append-only' USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER sla_case_event_no_update_delete
            BEFORE UPDATE OR DELETE ON sla_case_event
            FOR EACH ROW EXECUTE FUNCTION sla_case_event_refuse_change();
        """
    )
    policy = sa.table(
        "sla_policy",
        sa.column("id", sa.Uuid()),
        sa.column("title", sa.Text()),
        sa.column("case_type", sa.Text()),
        sa.column("category", sa.Text()),
        sa.column("priority", sa.Text()),
        sa.column("clock", sa.Text()),
        sa.column("response_minutes", sa.Integer()),
        sa.column("resolution_minutes", sa.Integer()),
        sa.column("escalation_minutes", sa.Integer()),
        sa.column("pause_on", postgresql.ARRAY(sa.Text())),
    )
    op.bulk_insert(
        policy,
        [
            {
                "id": uuid.uuid5(SEED_NAMESPACE, f"{case_type}/{category}/{priority}"),
                "title": name,
                "case_type": case_type,
                "category": category,
                "priority": priority,
                "clock": clock,
                "response_minutes": response,
                "resolution_minutes": resolution,
                "escalation_minutes": escalation,
                "pause_on": pause_on,
            }
            for case_type, category, priority, clock, response, resolution, escalation, pause_on, name in DEFAULT_POLICIES
        ],
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS sla_case_event_no_update_delete ON sla_case_event")
    op.execute("DROP FUNCTION IF EXISTS sla_case_event_refuse_change()")
    op.drop_table("sla_case_event")
    op.drop_index("ix_sla_case_closed_at", table_name="sla_case")
    op.drop_index("ix_sla_case_opened_at", table_name="sla_case")
    op.drop_table("sla_case")
    op.drop_table("sla_policy")
