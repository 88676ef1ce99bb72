"""What the event feed and the webhooks show of a domain event, and to whom.

One table, `FEED_RULES`, keyed by the stored event type, decides everything (docs/API.md,
"Event feed"):

- an event type that is not listed reaches nobody (allow-list: internal events such as
  ledger checks or audit alarms never leave the platform);
- `audience` names the payload fields that hold the ids of the users the event concerns;
  each of them gets one feed entry (a `when` condition can restrict it, e.g. a service
  request assigned to a user rather than to a team);
- `data` names the payload fields a client sees: ids of the objects involved, statuses,
  amounts and dates. User ids and free text are never listed, so one user's entry never
  carries another user's personal data (the other party of a vehicle transfer, the
  approver of a request, a rejection reason written by staff);
- `organizations` says whether the event is also routed to the webhooks of the
  organisations its audience belongs to (security notices, privacy requests and staff
  reminders stay personal); `organization_field` names a payload field holding an
  organisation id the event concerns directly (an invitation to join it).

The public `type` is a stable, dotted name (`vehicle.transfer_offered`) independent of the
class that raised the event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from elcorp.shared.domain.clock import isoformat_z


@dataclass(frozen=True, slots=True)
class FeedRule:
    """How one stored event type is shown: its public name, audience and visible fields."""

    name: str
    audience: tuple[str, ...]
    data: tuple[str, ...]
    organizations: bool = True
    organization_field: str | None = None
    when: tuple[str, str] | None = None  # (payload field, value) the audience requires


FEED_RULES: Mapping[str, FeedRule] = {
    "identity.SecurityNotice": FeedRule(
        "account.security_notice", ("user_id",), ("kind",), organizations=False
    ),
    "identity.AccountLocked": FeedRule(
        "account.locked", ("user_id",), ("locked_seconds",), organizations=False
    ),
    "payments.TransactionDecided": FeedRule(
        "transaction.decided", ("user_id",), ("transaction_id", "status", "type", "amount", "currency")
    ),
    "payments.InvoiceOverdue": FeedRule(
        "invoice.overdue", ("payer_id",), ("invoice_id", "number", "amount_due", "currency", "due_date")
    ),
    "payments.VehicleTransferOffered": FeedRule(
        "vehicle.transfer_offered", ("from_owner_id", "to_user_id"), ("vehicle_id", "transfer_id")
    ),
    "payments.VehicleOwnershipChanged": FeedRule(
        "vehicle.ownership_changed",
        ("previous_owner_id", "owner_id"),
        ("vehicle_id", "transfer_id", "forced", "changed_at"),
    ),
    "governance.ServiceRequestSubmitted": FeedRule(
        "service_request.submitted",
        ("requester_id",),
        ("request_id", "category", "priority", "amount", "currency"),
    ),
    "governance.ServiceRequestAssigned": FeedRule(
        "service_request.assigned", ("assignee_id",), ("request_id",), when=("assignee_kind", "user")
    ),
    "governance.ServiceRequestApproved": FeedRule(
        "service_request.approved", ("requester_id",), ("request_id",)
    ),
    "governance.ServiceRequestRejected": FeedRule(
        "service_request.rejected", ("requester_id",), ("request_id", "level")
    ),
    "governance.ServiceRequestCompleted": FeedRule(
        "service_request.completed", ("requester_id",), ("request_id",)
    ),
    "governance.ServiceRequestCancelled": FeedRule(
        "service_request.cancelled", ("cancelled_by",), ("request_id",)
    ),
    "governance.ApprovalReminderDue": FeedRule(
        "service_request.approval_reminder",
        ("approver_id",),
        ("request_id", "level", "waiting_since"),
        organizations=False,
    ),
    "governance.OrganizationInvitationSent": FeedRule(
        "organization.invitation_sent",
        ("user_id",),
        ("invitation_id", "organization_id", "org_role", "expires_at"),
        organization_field="organization_id",
    ),
    "compliance.PrivacyRequestClosed": FeedRule(
        "privacy_request.closed",
        ("subject_id",),
        ("request_id", "request_type", "status"),
        organizations=False,
    ),
    "compliance.RiskReviewDue": FeedRule(
        "risk.review_due", ("owner_id",), ("risk_id", "review_date", "rating"), organizations=False
    ),
}
# The event after which a user's feed is removed (their account was deleted).
ACCOUNT_DELETED = "identity.UserDeleted"

PUBLIC_TYPES: frozenset[str] = frozenset(rule.name for rule in FEED_RULES.values())
WEBHOOK_TYPES: frozenset[str] = frozenset(rule.name for rule in FEED_RULES.values() if rule.organizations)
# The stored event types each subscriber listens to (the feed also removes a deleted account's).
FEED_EVENT_TYPES: tuple[str, ...] = (*FEED_RULES, ACCOUNT_DELETED)
WEBHOOK_EVENT_TYPES: tuple[str, ...] = tuple(name for name, rule in FEED_RULES.items() if rule.organizations)


@dataclass(frozen=True, slots=True)
class PublicEvent:
    """An event as clients see it: its id (the domain event's), public type, time and data."""

    id: uuid.UUID
    type: str
    occurred_at: datetime
    data: dict[str, Any]
    audience: frozenset[uuid.UUID]
    organizations: bool
    organization_ids: frozenset[uuid.UUID]


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One user's copy of a public event."""

    user_id: uuid.UUID
    event_id: uuid.UUID
    type: str
    occurred_at: datetime
    data: dict[str, Any]


def _ids(payload: Mapping[str, Any], fields: tuple[str, ...]) -> frozenset[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for name in fields:
        value = payload.get(name)
        if value is None:
            continue
        try:
            found.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            continue
    return frozenset(found)


def _json(value: Any) -> Any:
    """A visible value as JSON: ids and amounts as strings, times as `...Z` (milliseconds)."""
    if isinstance(value, datetime):
        return isoformat_z(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    return value


def public_event(
    event_type: str, event_id: uuid.UUID, occurred_at: datetime, payload: Mapping[str, Any]
) -> PublicEvent | None:
    """The public form of an event (`payload`: its field values), or None when it is not shown."""
    rule = FEED_RULES.get(event_type)
    if rule is None:
        return None
    audience = _ids(payload, rule.audience)
    if rule.when is not None and payload.get(rule.when[0]) != rule.when[1]:
        audience = frozenset()
    organization_ids = _ids(payload, (rule.organization_field,)) if rule.organization_field else frozenset()
    return PublicEvent(
        id=event_id,
        type=rule.name,
        occurred_at=occurred_at,
        data={name: _json(payload.get(name)) for name in rule.data},
        audience=audience,
        organizations=rule.organizations,
        organization_ids=organization_ids,
    )


def feed_entries(event: PublicEvent) -> list[FeedEntry]:
    """One entry per audience user, in a stable order."""
    return [
        FeedEntry(user_id, event.id, event.type, event.occurred_at, event.data)
        for user_id in sorted(event.audience)
    ]
