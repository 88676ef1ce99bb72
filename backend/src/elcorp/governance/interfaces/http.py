"""HTTP routes of the governance context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

from elcorp.shared.interfaces.api import context_blueprint

api = context_blueprint(
    "governance",
    "roles and permissions (RBAC), policies (PBAC), organizations and teams, service- "
    "request workflows with approval chains",
)
