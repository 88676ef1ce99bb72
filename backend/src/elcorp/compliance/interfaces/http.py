"""HTTP routes of the compliance context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

from elcorp.shared.interfaces.api import context_blueprint

api = context_blueprint(
    "compliance",
    "the audit trail, retention and purge, POPIA (consent, data-subject requests, "
    "breach notification), SLAs, incidents, risks, regulatory reports",
)
