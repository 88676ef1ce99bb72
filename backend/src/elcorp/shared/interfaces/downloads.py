"""File downloads (PDF, CSV): the body's SHA-256 in `Repr-Digest` (RFC 9530), so a recipient
can check the file they kept is the one served, and never cached on the way."""

from __future__ import annotations

import base64
import hashlib

from flask import Response


def repr_digest(body: bytes) -> str:
    """`sha-256=:<base64 of the SHA-256 of body>:` (RFC 9530 section 3)."""
    return f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode('ascii')}:"


def file_response(body: bytes, *, mimetype: str, filename: str, inline: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Repr-Digest"] = repr_digest(body)
    response.headers["Cache-Control"] = "no-store"
    return response
