"""Payments: the ledger's functions from versioned SQL files, refusals by SQLSTATE.

The PL/pgSQL of the ledger now lives in `elcorp/payments/infrastructure/sql/<name>.v<N>.sql`
and each function records the version it runs (`COMMENT ON FUNCTION ... IS 'elcorp <name>
v<N>'`). This revision loads:

- `payments_execute` v3: the rules of v2 (0028) unchanged; a refusal is raised with a
  stable SQLSTATE (class `EP` for `PAY_nnn`, `ER` for `RES_nnn`) and a message for people,
  instead of the error code as the message text;
- `posting_apply`, `journal_entry_balanced`, `ledger_refuse_change`, `hold_apply` v1: the
  source of 0013, unchanged, now recorded.

The versions are named here, not looked up: a later change of a function adds a file and a
revision, and this one keeps loading what it loaded when it was written.

Downgrade restores `payments_execute` v2 (0028's source) and drops the version comments.
No data changes either way.

Revision ID: 0032_ledger_sql_files
Revises: 0031_outbox_deliveries
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from elcorp.payments.infrastructure.sql import source, version_comment

revision = "0032_ledger_sql_files"
down_revision = "0031_outbox_deliveries"
branch_labels = None
depends_on = None

# (function, signature, version) this revision installs.
INSTALLS = (
    ("payments_execute", "jsonb", 3),
    ("posting_apply", "", 1),
    ("journal_entry_balanced", "", 1),
    ("ledger_refuse_change", "", 1),
    ("hold_apply", "", 1),
)
PREVIOUS_EXECUTE = 2


def upgrade() -> None:
    for function, signature, version in INSTALLS:
        op.execute(source(function, version))
        op.execute(version_comment(function, signature, version))


def downgrade() -> None:
    op.execute(source("payments_execute", PREVIOUS_EXECUTE))
    for function, signature, _ in INSTALLS:
        op.execute(f"COMMENT ON FUNCTION {function}({signature}) IS NULL")
