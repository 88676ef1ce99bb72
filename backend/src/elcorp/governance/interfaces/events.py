"""HTTP route of the event feed, under /api/v1: `GET /me/events` (docs/API.md, "Event feed")."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.governance.application.event_feed import EventFeed
from elcorp.governance.domain.event_feed import FeedEntry
from elcorp.governance.interfaces import webhook_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.interfaces import pagination
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller
from elcorp.shared.interfaces.openapi import listed


def feed_event_json(entry: FeedEntry) -> dict[str, Any]:
    return {
        "id": str(entry.event_id),
        "type": entry.type,
        "occurred_at": isoformat_z(entry.occurred_at),
        "data": entry.data,
    }


def blueprint(feed: EventFeed) -> APIBlueprint:
    api = APIBlueprint(
        "events",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="events", description="the caller's event feed")],
    )

    @api.get("/me/events", security=BEARER, responses=listed(s.FeedEvent))
    @authenticated
    def list_events(query: s.EventFeedQuery) -> Response:
        """List the events that concern the caller, newest first.

        Any signed-in user, for their own events only. Follow `meta.next_cursor` for older
        events; `page` is not offered on this stream (422 when given beyond 1).
        """
        if query.page is not None and query.page > 1:
            raise ValidationFailed(details=[{"field": "page", "message": "use cursor on this list"}])
        limit = query.page_size
        page = feed.events_of(current_caller().user_id, cursor=query.cursor, limit=limit)
        return pagination.cursor_response(
            [feed_event_json(e) for e in page.items], next_cursor=page.next_cursor, limit=limit
        )

    return api
