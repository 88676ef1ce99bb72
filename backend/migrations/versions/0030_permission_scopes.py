"""Governance: grants narrowed to the scopes each permission supports.

From this release each permission declares the scopes its use cases filter by
(`governance/domain/rbac.py`, `PermissionSpec.scopes`); the role API refuses any other and
loading grants narrows a stored one to the widest supported scope below it, or drops it.
This migration applies the same narrowing to the stored custom-role grants, so what
`GET /roles` shows is what the holder gets: e.g. `incident:read` at `own` (which used to
list every incident) is removed, `payment:create` at `organization` becomes `own`.

The mapping is written out here, as it stood at this revision, so the migration does not
change meaning when the catalogue does. Downgrade leaves the narrowed grants in place: they
are valid, and narrower, in the previous release too (restoring the old rows would restore
the fail-open grants).

Revision ID: 0030_permission_scopes
Revises: 0029_organization_invitations
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030_permission_scopes"
down_revision = "0029_organization_invitations"
branch_labels = None
depends_on = None

ANY = ("own", "organization", "all")
OWN_OR_ALL = ("own", "all")
# Permissions supporting more than `all`; every other permission supports `all` only.
SUPPORTED: dict[str, tuple[str, ...]] = {
    "user:read": ANY,
    "user:update": ANY,
    "user:delete": ANY,
    "payment:create": OWN_OR_ALL,
    "vehicle:register": OWN_OR_ALL,
    "vehicle:read": OWN_OR_ALL,
    "vehicle:transfer": OWN_OR_ALL,
    "invoice:create": OWN_OR_ALL,
    "invoice:read": OWN_OR_ALL,
    "invoice:manage": OWN_OR_ALL,
    "service_request:create": OWN_OR_ALL,
    "service_request:read": ANY,
    "service_request:manage": ANY,
    "service_request:approve": ANY,
    "audit:view": ANY,
}


def upgrade() -> None:
    bind = op.get_bind()
    # organization -> own where the permission supports own but not organization
    for name, scopes in SUPPORTED.items():
        if "organization" not in scopes:
            bind.execute(
                sa.text(
                    "UPDATE role_permission SET scope = 'own' WHERE scope = 'organization' "
                    "AND permission_id = (SELECT id FROM permission WHERE name = :name)"
                ),
                {"name": name},
            )
    # everything else narrower than `all` on an `all`-only permission grants nothing
    bind.execute(
        sa.text(
            "DELETE FROM role_permission WHERE scope <> 'all' AND permission_id IN "
            "(SELECT id FROM permission WHERE NOT (name = ANY(:wider)))"
        ),
        {"wider": list(SUPPORTED)},
    )


def downgrade() -> None:
    """Nothing to undo: the narrowed grants stay valid (and narrower) in the previous release."""
