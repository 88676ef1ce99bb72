"""HTTP routes of the identity context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

from elcorp.shared.interfaces.api import context_blueprint

api = context_blueprint(
    "identity",
    "users, credentials, devices and refresh tokens, MFA, password reset, email verification, profile",
)
