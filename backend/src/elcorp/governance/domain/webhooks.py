"""Organisation webhooks: endpoints, deliveries, their retry schedule and the signature.

- An endpoint belongs to one organisation: an `https` URL (plain `http` only when the
  platform allows private addresses, for local development and tests), the public event
  types it wants (none listed: every type routed to organisations) and a signing secret
  shown once, at registration.
- A delivery is one event for one endpoint: `pending` until the receiver answers 2xx
  (`delivered`), retried on any other outcome after 1 min, 5 min, 30 min, 2 h, 6 h, then
  every 12 h, and `failed` after `max_attempts`. A redelivery puts it back to `pending`
  with a fresh set of attempts.
- Signature (Stripe-style): header `Elcorp-Signature: t=<unix seconds>,v1=<hex
  HMAC-SHA256(secret, "<t>.<raw body>")>`; receivers recompute it over the raw body and
  refuse a timestamp more than 5 minutes away from their clock. Together with the unique
  event id in the body (`id`), that is the replay protection.
- SSRF: a URL whose host is, or resolves to, an address that is not globally routable
  (private, loopback, link-local, multicast, reserved, unspecified, shared, ...) is refused
  unless private addresses are allowed; the check runs at registration and again before
  each delivery, against the very addresses the sender then connects to.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from elcorp.shared.domain.errors import ValidationFailed

SIGNATURE_HEADER = "Elcorp-Signature"
DELIVERY_HEADER = "Elcorp-Delivery-Id"
EVENT_HEADER = "Elcorp-Event-Type"
SIGNATURE_TOLERANCE = timedelta(minutes=5)
URL_MAX = 2048
DESCRIPTION_MAX = 500
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
DEFAULT_MAX_ATTEMPTS = 8
ERROR_MAX = 500


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"field": field_name, "message": message}])


# --------------------------------------------------------------------------- URLs and SSRF
@dataclass(frozen=True, slots=True)
class TargetUrl:
    """A parsed endpoint URL: what the sender connects to and what it asks for."""

    url: str
    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent in the request line


def parse_url(url: str, *, allow_private: bool) -> TargetUrl:
    """The URL's parts once its form is acceptable (422 naming `url` otherwise); addresses
    are checked apart, once resolved (`refuse_addresses`)."""
    text = url.strip()
    if not text or len(text) > URL_MAX:
        raise _invalid("url", f"must be 1 to {URL_MAX} characters long")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _invalid("url", "is not a valid URL") from exc
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if allow_private else ("https",)
    if scheme not in allowed:
        raise _invalid("url", "must be an https:// URL")
    if not parts.hostname:
        raise _invalid("url", "must name a host")
    if parts.username is not None or parts.password is not None:
        raise _invalid("url", "must not carry credentials")
    if parts.fragment:
        raise _invalid("url", "must not have a fragment")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    return TargetUrl(text, scheme, parts.hostname.lower(), port or default_port, target)


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Globally routable and not special in any way the ipaddress module knows of."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    special = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )
    return address.is_global and not special


def refuse_addresses(
    addresses: Iterable[ipaddress.IPv4Address | ipaddress.IPv6Address], *, allow_private: bool
) -> None:
    """422 naming `url` when the host resolved to nothing, or to any non-public address."""
    found = list(addresses)
    if not found:
        raise _invalid("url", "the host does not resolve to any address")
    if allow_private:
        return
    if any(not is_public_address(a) for a in found):
        raise _invalid("url", "the host resolves to a private or reserved address, which is not allowed")


def clean_description(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > DESCRIPTION_MAX:
        raise _invalid("description", f"must be at most {DESCRIPTION_MAX} characters long")
    return text or None


def clean_event_types(values: Iterable[str] | None, known: frozenset[str]) -> tuple[str, ...]:
    """The subscribed public types, sorted and unique; empty means every type."""
    if values is None:
        return ()
    chosen = sorted(set(values))
    unknown = [v for v in chosen if v not in known]
    if unknown:
        raise _invalid("event_types", f"unknown event types: {', '.join(unknown)}")
    return tuple(chosen)


# --------------------------------------------------------------------------- entities
@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    id: uuid.UUID
    organization_id: uuid.UUID
    url: str
    description: str | None
    event_types: tuple[str, ...]
    created_at: datetime
    created_by: uuid.UUID | None

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    body: str  # the exact JSON sent, so every attempt (and a redelivery) signs the same bytes
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    response_excerpt: str | None
    delivered_at: datetime | None
    created_at: datetime

    def after_attempt(self, outcome: AttemptOutcome, now: datetime, *, max_attempts: int) -> WebhookDelivery:
        """The delivery once attempt `attempts + 1` had `outcome`."""
        attempts = self.attempts + 1
        common = replace(
            self,
            attempts=attempts,
            last_attempt_at=now,
            last_status_code=outcome.status_code,
            last_error=outcome.error,
            response_excerpt=outcome.excerpt,
        )
        if outcome.succeeded:
            return replace(common, status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None)
        if attempts >= max_attempts:
            return replace(common, status=DeliveryStatus.FAILED, next_attempt_at=None)
        return replace(common, next_attempt_at=now + retry_delay(attempts))

    def redeliver(self, now: datetime) -> WebhookDelivery:
        """Back in the queue now, with a fresh set of attempts (the log keeps the last outcome)."""
        return replace(
            self, status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, delivered_at=None
        )


@dataclass(frozen=True, slots=True)
class AttemptOutcome:
    """What one POST gave: the receiver's status code (None if none came), an error text,
    a short excerpt of the response body."""

    status_code: int | None
    error: str | None = None
    excerpt: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and self.error is None


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h..."""
    index = min(max(attempts, 1), len(RETRY_SCHEDULE)) - 1
    return RETRY_SCHEDULE[index]


def error_text(message: str) -> str:
    return message[:ERROR_MAX]


# --------------------------------------------------------------------------- signing
def sign(secret: str, timestamp: int, body: str) -> str:
    """The `Elcorp-Signature` header value for `body` sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: str, now: int, tolerance: timedelta = SIGNATURE_TOLERANCE) -> bool:
    """The receiver's check (docs/API.md "Webhooks"): a fresh timestamp and a matching v1."""
    fields: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance.total_seconds():
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return any(hmac.compare_digest(expected, candidate) for candidate in fields.get("v1", []))
