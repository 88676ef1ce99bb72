"""The event feed's table: one row per (user, event), inserted once, read newest first."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Uuid, and_, column, delete, or_, select, table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from elcorp.governance.domain.event_feed import FeedEntry
from elcorp.governance.infrastructure.tables import event_feed_entry

# Identity's accounts, by id only: an entry for an account deleted since the event is skipped.
_accounts = table("user_account", column("id", Uuid))


class SqlEventFeedStore:
    """Each call is its own short transaction (the outbox handler and the route hold none)."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def add(self, entries: list[FeedEntry]) -> int:
        if not entries:
            return 0
        rows = [
            {
                "user_id": e.user_id,
                "event_id": e.event_id,
                "type": e.type,
                "occurred_at": e.occurred_at,
                "data": e.data,
            }
            for e in entries
        ]
        with self._sessions() as session:
            ids = [e.user_id for e in entries]
            known: set[uuid.UUID] = set(
                session.execute(select(_accounts.c.id).where(_accounts.c.id.in_(ids))).scalars()
            )
            wanted = [row for row in rows if row["user_id"] in known]
            if not wanted:
                return 0
            inserted = session.execute(
                insert(event_feed_entry)
                .values(wanted)
                .on_conflict_do_nothing()
                .returning(event_feed_entry.c.event_id)
            ).all()
            session.commit()
        return len(inserted)

    def remove_user(self, user_id: uuid.UUID) -> int:
        with self._sessions() as session:
            removed = session.execute(
                delete(event_feed_entry)
                .where(event_feed_entry.c.user_id == user_id)
                .returning(event_feed_entry.c.event_id)
            ).all()
            session.commit()
        return len(removed)

    def page(
        self, user_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[FeedEntry]:
        t = event_feed_entry.c
        query = select(t.user_id, t.event_id, t.type, t.occurred_at, t.data).where(t.user_id == user_id)
        if after is not None:
            at, event_id = after
            query = query.where(or_(t.occurred_at < at, and_(t.occurred_at == at, t.event_id < event_id)))
        query = query.order_by(t.occurred_at.desc(), t.event_id.desc()).limit(limit)
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [FeedEntry(r.user_id, r.event_id, r.type, r.occurred_at, r.data) for r in rows]
