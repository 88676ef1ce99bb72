"""Privacy (POPIA): data-subject requests (access, correction, erasure, objection, marketing opt-out) and their lifecycle.

Revision ID: 0022_privacy_requests
Revises: 0021_privacy_consent
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0022_privacy_requests"
down_revision = "0021_privacy_consent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
