"""Tables of the risk register (migration 0027). No personal information: owners, authors
and reviewers are user ids (references), and the texts describe risks and safeguards, not
people."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
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

risk_control = Table(
    "risk_control",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("title", Text, nullable=False),  # the control's name (API field `name`)
    Column("description", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("reference", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("title", name="uq_risk_control_title"),
    CheckConstraint(
        "type IN ('preventive', 'detective', 'corrective', 'deterrent', 'compensating')", name="type"
    ),
    CheckConstraint("status IN ('planned', 'in_progress', 'active', 'deprecated')", name="status"),
    comment="Compliance: safeguards of the risk register (POPIA s19(1)), with where each is specified.",
)

risk = Table(
    "risk",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("asset", Text, nullable=False),
    Column("threat", Text, nullable=False),
    Column("vulnerability", Text),
    Column("category", Text, nullable=False),
    Column("inherent_likelihood", Integer, nullable=False),
    Column("inherent_impact", Integer, nullable=False),
    Column("inherent_score", Integer, Computed("inherent_likelihood * inherent_impact", persisted=True)),
    Column("residual_likelihood", Integer),
    Column("residual_impact", Integer),
    Column("residual_score", Integer, Computed("residual_likelihood * residual_impact", persisted=True)),
    Column("treatment", Text),
    Column("treatment_plan", Text),
    Column("owner_id", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("status", Text, nullable=False),
    Column("review_interval_days", Integer, nullable=False),
    Column("review_date", Date, nullable=False),
    Column("last_reviewed_at", DateTime(timezone=True)),
    Column("created_by", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("closed_at", DateTime(timezone=True)),
    Index("ix_risk_review", "review_date", postgresql_where=text("status <> 'closed'")),
    Index("ix_risk_status", "status"),
    Index("ix_risk_owner_id", "owner_id"),
    comment="Compliance: the risk register (POPIA s19), rated inherent and residual on a 5 x 5 matrix.",
)

risk_control_link = Table(
    "risk_control_link",
    metadata,
    Column("risk_id", Uuid, ForeignKey("risk.id", ondelete="CASCADE"), primary_key=True),
    Column("control_id", Uuid, ForeignKey("risk_control.id", ondelete="RESTRICT"), primary_key=True),
    Index("ix_risk_control_link_control_id", "control_id"),
)

# The database holds a foreign key to `incident` (migration 0027); it is not declared here so
# the register's tables do not depend on the import order of the incidents tables. The
# application checks the ids first (IncidentDirectory), so a bad id is a 422, not a 500.
risk_incident_link = Table(
    "risk_incident_link",
    metadata,
    Column("risk_id", Uuid, ForeignKey("risk.id", ondelete="CASCADE"), primary_key=True),
    Column("incident_id", Uuid, ForeignKey("incident.id", ondelete="RESTRICT"), primary_key=True),
    Index("ix_risk_incident_link_incident_id", "incident_id"),
)

risk_review = Table(
    "risk_review",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("risk_id", Uuid, ForeignKey("risk.id", ondelete="RESTRICT"), nullable=False),
    Column("reviewed_by", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
    Column("summary", Text, nullable=False),  # the reviewer's note on the safeguards (API `note`)
    Column("before", JSONB, nullable=False),
    Column("after", JSONB, nullable=False),
    Column("review_date_before", Date, nullable=False),
    Column("review_date_after", Date, nullable=False),
    Index("ix_risk_review_risk_id", "risk_id", "reviewed_at"),
    comment="Compliance: the append-only review history of each risk (POPIA s19(2)(c)-(d)).",
)

risk_review_reminder = Table(
    "risk_review_reminder",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("risk_id", Uuid, ForeignKey("risk.id", ondelete="CASCADE"), nullable=False),
    Column("owner_id", Uuid),
    Column("review_date", Date, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Index("ix_risk_review_reminder_risk_id", "risk_id", "sent_at"),
)
