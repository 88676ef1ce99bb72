"""Example `data` of the identity routes' answers, shown in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from elcorp.shared.interfaces.openapi import TIMESTAMP_EXAMPLE

USER_ID = "0b6f3c1e-8d2a-4f57-9c3e-2a7d5e1b9f40"
DEVICE_ID = "5b2c7a9e-1f4d-4c8e-9a6b-3d2e1f0a9b8c"

USER: dict[str, Any] = {
    "id": USER_ID,
    "username": "ndapewa",
    "email": "ndapewa@example.na",
    "full_name": "Ndapewa Shikongo",
    "phone": "+264811234567",
    "organization": "Elcorp Namibia",
    "roles": ["user"],
    "status": "active",
    "mfa_enabled": False,
    "email_verified": False,
    "wallet_address": "9d4e2b7a-3c1f-4a8e-b6d5-7f0e1c2a3b4d",
    "created_at": "2026-11-23T08:33:51.620Z",
    "deleted_at": None,
}

DEVICE: dict[str, Any] = {
    "device_id": DEVICE_ID,
    "device_name": "Pixel 8",
    "user_agent": "ElcorpApp/2.3 (Android 15)",
    "ip_address": "196.44.12.7",
    "created_at": "2026-11-20T06:12:03.114Z",
    "last_used_at": "2026-11-23T08:33:51.620Z",
    "expires_at": "2026-11-27T06:12:03.114Z",
    "current": True,
}

TOKEN_PAIR: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6InNrMSIsInR5cCI6ImF0K2p3dCJ9.eyJ0eXBlIjoiYWNjZXNzIn0.c2ln",  # nosec B105 - an OpenAPI example
    "refresh_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6InNrMSIsInR5cCI6InJ0K2p3dCJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2ln",  # nosec B105 - an OpenAPI example
    "token_type": "Bearer",  # nosec B105 - an OpenAPI example
    "expires_in": 900,
}

MFA_CHALLENGE: dict[str, Any] = {"mfa_required": True, "mfa_token": "k3Jf9sQ0vX2bLw7pZr4tYc"}  # nosec B105 - an OpenAPI example

RESET_MAIL = "If the address has an account, a reset email is on its way."
VERIFICATION_MAIL = (
    "If the address belongs to an account that is not verified yet, a verification email is on its way."
)

MFA_SETUP: dict[str, Any] = {
    "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",  # nosec B105 - an OpenAPI example
    "otpauth_uri": "otpauth://totp/Elcorp:ndapewa%40example.na?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Elcorp",
    "qr_svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 37 37">...</svg>',
}

BACKUP_CODES = [
    f"{a}-{b}"
    for a, b in zip(
        ["k7m2p", "x9q4r", "c3v8n", "h5t1w", "b6z0y", "f2g7j", "d4s9l", "m8n3k", "q1w6e", "r5t2y"],
        ["a8d3f", "g2h7j", "k4l9z", "x6c1v", "b3n8m", "p5o0i", "u7y2t", "r9e4w", "q0a6s", "d1f5g"],
        strict=True,
    )
]


def success(data: Any) -> dict[str, Any]:
    """A whole success envelope around `data`, for an operation showing several examples."""
    return {"status": "success", "data": data, "meta": {}, "timestamp": TIMESTAMP_EXAMPLE}


PERMISSIONS: dict[str, Any] = {
    "roles": ["staff"],
    "permissions": ["audit:read", "payment:approve", "user:read"],
    "scopes": {"audit:read": "all", "payment:approve": "all", "user:read": "all"},
    "withheld": [],
    "mfa": True,
}
