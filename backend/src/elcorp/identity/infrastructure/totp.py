"""TOTP (RFC 6238, pyotp) with one step of clock drift either way; QR codes as SVG (segno)."""

from __future__ import annotations

import hmac
import io
from datetime import datetime

import pyotp
import segno

STEP_SECONDS = 30
DRIFT_STEPS = 1


class PyOtpTotp:
    def __init__(self, issuer: str = "Elcorp Namibia") -> None:
        self._issuer = issuer

    def new_secret(self) -> str:
        return pyotp.random_base32(32)  # 160 bits, RFC 4226's recommended length

    def provisioning_uri(self, secret: str, account: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=self._issuer)

    def qr_svg(self, uri: str) -> str:
        buffer = io.BytesIO()
        segno.make(uri, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
        return buffer.getvalue().decode()

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            return None
        totp = pyotp.TOTP(secret)
        current = int(at.timestamp()) // STEP_SECONDS
        for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
            if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
                return step
        return None
