"""Organizations and teams (governance), and the `organization` grant scope.

- `organization`: a customer business, bank or branch (name, registration number, VAT
  number - invoices print it - and status). Never deleted: closed instead.
- `organization_member`: who belongs, with an organization role (`org_admin` manages the
  organization's members and teams; `member`). A user belongs to at most one
  organization, so "the subject's organization" is always one id.
- `team` and `team_member`: groups inside an organization (service requests are assigned
  to a user or a team); a team member must be a member of the team's organization.
- `role_permission.scope` may now be `organization`: the grant reaches objects of the
  holder's own organization only (between `own` and `all`).
- `organization:manage` (create organizations, manage any of them) joins the catalogue,
  held by `admin`.

Revision ID: 0011_governance_organizations
Revises: 0010_governance_policies
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_governance_organizations"
down_revision = "0010_governance_policies"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _user_fk(column: str, ondelete: str, nullable: bool = True) -> sa.Column:
    return sa.Column(
        column, sa.Uuid(), sa.ForeignKey("user_account.id", ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("registration_number", sa.Text()),
        sa.Column("vat_number", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False, server_default=sa.text("'active'")),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        _user_fk("created_by", "SET NULL"),
        sa.CheckConstraint("status IN ('active', 'suspended', 'closed')", name="status"),
        comment="Organizations: businesses, banks, branches (governance). Closed, never deleted.",
    )
    op.create_index("uq_organization_name", "organization", [sa.text("lower(name)")], unique=True)
    op.create_index(
        "uq_organization_registration_number",
        "organization",
        ["registration_number"],
        unique=True,
        postgresql_where=sa.text("registration_number IS NOT NULL"),
    )
    op.create_table(
        "organization_member",
        sa.Column(
            "organization_id",
            sa.Uuid(),
            sa.ForeignKey("organization.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        _user_fk("user_id", "CASCADE", nullable=False),
        sa.Column("org_role", sa.Text(), nullable=False, server_default=sa.text("'member'")),
        sa.Column("added_at", TS, nullable=False, server_default=sa.func.now()),
        _user_fk("added_by", "SET NULL"),
        sa.PrimaryKeyConstraint("user_id", name="pk_organization_member"),  # one organization per user
        sa.UniqueConstraint(
            "organization_id", "user_id", name="uq_organization_member_organization_id_user_id"
        ),
        sa.CheckConstraint("org_role IN ('org_admin', 'member')", name="org_role"),
    )
    op.create_index("ix_organization_member_organization_id", "organization_member", ["organization_id"])
    op.create_table(
        "team",
        sa.Column("id", sa.Uuid(), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column(
            "organization_id",
            sa.Uuid(),
            sa.ForeignKey("organization.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        _user_fk("created_by", "SET NULL"),
        sa.UniqueConstraint("id", "organization_id", name="uq_team_id_organization_id"),
    )
    op.create_index(
        "uq_team_organization_id_name", "team", ["organization_id", sa.text("lower(name)")], unique=True
    )
    op.create_table(  # the composite keys make "a team member belongs to the team's organization" a database rule
        "team_member",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("added_at", TS, nullable=False, server_default=sa.func.now()),
        _user_fk("added_by", "SET NULL"),
        sa.PrimaryKeyConstraint("team_id", "user_id", name="pk_team_member"),
        sa.ForeignKeyConstraint(
            ["team_id", "organization_id"],
            ["team.id", "team.organization_id"],
            name="fk_team_member_team",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id", "user_id"],
            ["organization_member.organization_id", "organization_member.user_id"],
            name="fk_team_member_organization_member",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_team_member_user_id", "team_member", ["user_id"])

    op.drop_constraint("scope", "role_permission", type_="check")
    op.create_check_constraint("scope", "role_permission", "scope IN ('own', 'organization', 'all')")
    op.execute(
        "INSERT INTO permission (name, category, description) VALUES "
        "('organization:manage', 'governance', 'Create organizations and manage any of them')"
    )
    op.execute(
        "INSERT INTO role_permission (role_id, permission_id, scope) "
        "SELECT r.id, p.id, 'all' FROM role r, permission p "
        "WHERE r.name = 'admin' AND p.name = 'organization:manage'"
    )


def downgrade() -> None:
    op.execute("DELETE FROM permission WHERE name = 'organization:manage'")
    op.execute("UPDATE role_permission SET scope = 'own' WHERE scope = 'organization'")
    op.drop_constraint("scope", "role_permission", type_="check")
    op.create_check_constraint("scope", "role_permission", "scope IN ('own', 'all')")
    for table in ("team_member", "team", "organization_member", "organization"):
        op.drop_table(table)
