"""The event feed: each user's own copy of the events that concern them (`GET /me/events`).

Written by an outbox subscriber to every domain event, so it is durable and at least once:
the feed store inserts one row per (event id, user) and ignores a row it already has, so a
redelivered event adds nothing. Who gets an entry and what it shows is the one rule of
`domain/event_feed.py`. Read newest first, by keyset on (occurred_at, event id).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Protocol

from elcorp.governance.domain.event_feed import ACCOUNT_DELETED, FeedEntry, feed_entries, public_event
from elcorp.shared.application.pagination import CursorPage, decode_position, encode_position
from elcorp.shared.domain.events import DomainEvent


class EventFeedStore(Protocol):
    def add(self, entries: list[FeedEntry]) -> int:
        """Insert the entries the store does not hold yet; returns how many were new."""
        ...

    def remove_user(self, user_id: uuid.UUID) -> int: ...

    def page(
        self, user_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[FeedEntry]:
        """Up to `limit` entries of the user older than `after`, newest first."""
        ...


def event_values(event: DomainEvent) -> dict[str, object]:
    """The event's fields by name, as Python values (no JSON round trip)."""
    return {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}


class EventFeed:
    def __init__(self, store: EventFeedStore) -> None:
        self._store = store

    def on_event(self, event: DomainEvent) -> None:
        """Outbox subscriber: the event's feed entries, once each (idempotent)."""
        values = event_values(event)
        if event.event_type == ACCOUNT_DELETED and isinstance(values.get("user_id"), uuid.UUID):
            self._store.remove_user(values["user_id"])  # type: ignore[arg-type]
            return
        shown = public_event(event.event_type, event.event_id, event.occurred_at, values)
        if shown is None or not shown.audience:
            return
        self._store.add(feed_entries(shown))

    def events_of(self, user_id: uuid.UUID, *, cursor: str | None, limit: int) -> CursorPage[FeedEntry]:
        """The caller's entries, newest first; `cursor` continues after the previous page."""
        rows = self._store.page(user_id, after=decode_position(cursor), limit=limit + 1)
        items = rows[:limit]
        more = len(rows) > limit
        next_cursor = encode_position(items[-1].occurred_at, items[-1].event_id) if more and items else None
        return CursorPage(items, next_cursor, limit)
