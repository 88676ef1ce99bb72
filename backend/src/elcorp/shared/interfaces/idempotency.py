"""`Idempotency-Key` on every POST that does not keep its own (DESIGN.md section 5).

Money movements keep their keys in the ledger's own table, in the same transaction as the
movement (exactly once). Every other POST of an authenticated caller honours an optional key
here, in Redis, scoped to the caller, the method and the path:

- the first request with a key runs, and its answer (any status below 500) is kept for
  `IDEMPOTENCY_TTL` and replayed byte for byte, with `Idempotent-Replayed: true`, to a retry
  with the same key and the same body;
- the same key with another body or query is refused with 422 `IDEM_001`;
- while the first is still running, a retry gets 409 `IDEM_002` (retry later);
- a 5xx answer is not kept, so a retry runs again;
- a key that is empty or longer than 255 characters is 400 `IDEM_003`; a public POST
  (sign-in, registration) takes no key: 400 `IDEM_003` rather than a silent ignore, so a
  client never believes a retry is safe when it is not.

If the process dies after the work committed but before the answer was kept, the running
marker expires after `RUNNING_TTL` and a retry runs again: for these operations (drafts,
notes, registrations of records) the worst case is a duplicate a person can see and undo;
money never moves twice, because money movements do not depend on this store.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import timedelta
from typing import Any

import redis
from flask import Flask, Response, current_app, g, request

from elcorp.shared.domain.errors import DomainError
from elcorp.shared.interfaces.api import HEADER_PARAMETERS

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = timedelta(hours=24)
RUNNING_TTL = timedelta(seconds=60)
MAX_KEY_LENGTH = 255
_KEPT_HEADERS = ("Content-Type", "Location", "Content-Disposition", "Repr-Digest")


class IdempotencyKeyReused(DomainError):
    code = "IDEM_001"
    status = 422
    default_message = "This Idempotency-Key was already used with a different request"


class IdempotentRequestInProgress(DomainError):
    code = "IDEM_002"
    status = 409
    default_message = "A request with this Idempotency-Key is still being processed; retry later"


class IdempotencyKeyRefused(DomainError):
    code = "IDEM_003"
    status = 400
    default_message = "The Idempotency-Key header must be 1-255 printable characters"


def keeps_own_keys(method: str, openapi_path: str) -> bool:
    """Money movements declare their (required) key themselves and store it with the movement."""
    return any(p.get("name") == HEADER for p in HEADER_PARAMETERS.get((method.lower(), openapi_path), []))


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^<:>]+:)?([^<>]+)>", r"{\1}", rule)


def install_idempotency(app: Flask, store: redis.Redis) -> None:
    """After authentication and the body checks: the key is the caller's."""

    @app.before_request
    def _claim_or_replay() -> Response | None:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or request.url_rule is None:
            return None
        if keeps_own_keys("post", openapi_path(request.url_rule.rule)):
            return None
        caller = getattr(g, "caller", None)
        if caller is None:
            raise IdempotencyKeyRefused(
                "This route takes no Idempotency-Key: it is public, retry it as it is"
            )
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise IdempotencyKeyRefused()
        slot = "idem:" + hashlib.sha256(f"{caller.user_id}\n{request.path}\n{key}".encode()).hexdigest()
        fingerprint = hashlib.sha256(request.query_string + b"\n" + request.get_data(cache=True)).hexdigest()
        running = json.dumps({"state": "running", "fingerprint": fingerprint})
        if store.set(slot, running, nx=True, px=int(RUNNING_TTL.total_seconds() * 1000)):
            g.idempotency_slot = slot
            g.idempotency_fingerprint = fingerprint
            return None
        return _replay(store.get(slot), fingerprint)

    @app.after_request
    def _keep(response: Response) -> Response:
        slot = g.pop("idempotency_slot", None)
        if slot is None:
            return response
        if response.status_code >= 500 or response.direct_passthrough:  # a file: not kept
            store.delete(slot)
            return response
        kept = {
            "state": "done",
            "fingerprint": g.idempotency_fingerprint,
            "status": response.status_code,
            "headers": {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers},
            "body": base64.b64encode(response.get_data()).decode(),
        }
        store.set(slot, json.dumps(kept), px=int(IDEMPOTENCY_TTL.total_seconds() * 1000))
        return response


def _replay(raw: bytes | str | None, fingerprint: str) -> Response:
    if raw is None:  # expired between the two calls: the caller retries
        raise IdempotentRequestInProgress()
    kept: dict[str, Any] = json.loads(raw)
    if kept["fingerprint"] != fingerprint:
        raise IdempotencyKeyReused(details=[{"field": HEADER, "message": "already used with another body"}])
    if kept["state"] != "done":
        raise IdempotentRequestInProgress()
    response = current_app.response_class(base64.b64decode(kept["body"]), status=kept["status"])
    for name, value in kept["headers"].items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


OPTIONAL_PARAMETER: dict[str, object] = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Optional, 1-255 characters, unique per intended operation: a retry with the same key and "
        "body replays the first answer (Idempotent-Replayed: true) for 24 hours; another body is "
        "422 IDEM_001; while the first runs, 409 IDEM_002"
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
}
