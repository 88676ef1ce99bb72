"""Request and response models of the event feed and webhooks API (pydantic v2; unknown
fields refused). Schema names are unique across the whole API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.governance.domain.event_feed import WEBHOOK_TYPES
from elcorp.shared.interfaces.pagination import ListQuery

Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
DeliveryStatusName = Literal["pending", "delivered", "failed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- the event feed -----------------------------------------------------------------------------
class EventFeedQuery(ListQuery):
    """Cursor and limit only: the feed is a stream (newest first); `page` is not offered."""


class FeedEvent(BaseModel):
    """One event in the caller's feed (docs/API.md, "Event feed")."""

    id: str = Field(description="The event's id (the same id a webhook delivery of it carries).")
    type: str = Field(description="Public event type, e.g. `vehicle.transfer_offered`.")
    occurred_at: Timestamp
    data: dict[str, Any] = Field(
        description="The ids, statuses and amounts the type lists; never another user's data."
    )


# -- webhooks -----------------------------------------------------------------------------------
class WebhookOrganizationPath(_Strict):
    organization_id: uuid.UUID


class WebhookEndpointPath(_Strict):
    organization_id: uuid.UUID
    webhook_id: uuid.UUID


class WebhookDeliveryPath(_Strict):
    organization_id: uuid.UUID
    webhook_id: uuid.UUID
    delivery_id: uuid.UUID


class CreateWebhookBody(_Strict):
    url: str = Field(
        min_length=1,
        max_length=2048,
        description="https:// URL of the receiver; its host must resolve to public addresses only.",
    )
    event_types: list[str] | None = Field(
        default=None,
        max_length=len(WEBHOOK_TYPES),
        description="Public event types to receive; omitted or empty: every type routed to organisations. "
        f"One of: {', '.join(sorted(WEBHOOK_TYPES))}.",
    )
    description: str | None = Field(default=None, max_length=500)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://hooks.example.com/elcorp",
                    "event_types": ["invoice.overdue", "vehicle.ownership_changed"],
                    "description": "ERP integration",
                }
            ]
        },
    )


class WebhookListQuery(ListQuery):
    """An organisation has at most 10 endpoints: one page, `has_more` false."""


class WebhookDeliveryQuery(ListQuery):
    """The delivery log, newest first."""


class WebhookEndpoint(BaseModel):
    """An organisation's webhook endpoint."""

    id: str
    organization_id: str
    url: str
    description: str | None
    event_types: list[str] = Field(description="Empty: every type routed to organisations.")
    created_at: Timestamp
    secret: str | None = Field(
        description="The signing secret: in the registration's answer only (store it then); null afterwards."
    )


class WebhookDelivery(BaseModel):
    """One event sent (or to be sent) to one endpoint: the delivery log's entry."""

    id: str = Field(description="Also sent in the Elcorp-Delivery-Id header.")
    webhook_id: str
    event_id: str = Field(description="The `id` in the body; unique per event: receivers deduplicate on it.")
    event_type: str
    status: DeliveryStatusName
    attempts: int = Field(description="Attempts made since the delivery was (re)queued.")
    last_status_code: int | None
    last_error: str | None
    response_excerpt: str | None = Field(description="The first bytes of the receiver's last answer.")
    last_attempt_at: Timestamp | None
    next_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    created_at: Timestamp
