"""Pagination: one list contract (opaque cursor + limit, has_more, next_cursor).

Two kinds of cursor, both opaque to clients: a position in a newest-first stream
(`encode_position`, keyset) and an offset into a filtered list (`PageRequest.start`, for the
repositories that count and page with OFFSET). `page`/`per_page` remain accepted as
documented aliases and resolve to the same offset."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from elcorp.shared.domain.errors import ValidationFailed

T = TypeVar("T")
W = TypeVar("W")
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
# Deep pages cost the database a scan of every row before them, and an unbounded page number
# overflows PostgreSQL's bigint OFFSET (page=2**70 was a 500). 100,000 pages of 100 is ten
# million rows; past that, filter the list or follow a cursor.
MAX_PAGE = 100_000


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A window of a list: `per_page` rows from `offset`. `start` (from an offset cursor)
    overrides the offset that `page` implies."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    start: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.page <= MAX_PAGE:
            raise ValidationFailed(
                details=[{"field": "page", "message": f"must be between 1 and {MAX_PAGE}"}]
            )
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValidationFailed(
                details=[{"field": "per_page", "message": f"must be between 1 and {MAX_PER_PAGE}"}]
            )

        if self.start is not None and not 0 <= self.start <= MAX_PAGE * MAX_PER_PAGE:
            raise ValidationFailed(details=[{"field": "cursor", "message": "invalid cursor"}])

    @property
    def offset(self) -> int:
        return self.start if self.start is not None else (self.page - 1) * self.per_page

    def window(self, items: Sequence[W]) -> Page[W]:
        """This window of a short list read whole (a bounded set, a request's comments)."""
        chunk = list(items[self.offset : self.offset + self.per_page])
        return Page(chunk, self.page, self.per_page, len(items), offset=self.offset)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int

    offset: int | None = None

    @property
    def has_more(self) -> bool:
        start = self.offset if self.offset is not None else (self.page - 1) * self.per_page
        return start + len(self.items) < self.total

    @property
    def next_cursor(self) -> str | None:
        if not self.has_more:
            return None
        start = self.offset if self.offset is not None else (self.page - 1) * self.per_page
        return encode_offset(start + len(self.items))

    @property
    def meta(self) -> dict[str, Any]:
        """The one list contract's meta, plus the total this kind of list can count."""
        return {
            "has_more": self.has_more,
            "next_cursor": self.next_cursor,
            "limit": self.per_page,
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class CursorPage(Generic[T]):
    items: list[T]
    next_cursor: str | None

    limit: int = DEFAULT_PER_PAGE

    @property
    def meta(self) -> dict[str, Any]:
        return {
            "has_more": self.next_cursor is not None,
            "next_cursor": self.next_cursor,
            "limit": self.limit,
        }


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque cursor for a position in a stream (clients must not parse it)."""
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed(details=[{"field": "cursor", "message": "invalid cursor"}]) from exc
    if not isinstance(value, dict):
        raise ValidationFailed(details=[{"field": "cursor", "message": "invalid cursor"}])
    return value


def encode_position(at: datetime, item_id: uuid.UUID) -> str:
    """The cursor of a newest-first stream: the last item's time and id."""
    return encode_cursor({"at": at.isoformat(), "id": str(item_id)})


def decode_position(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """`encode_position`'s inverse; None for no cursor; a malformed one is a 422."""
    if not cursor:
        return None
    position = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(position["at"]), uuid.UUID(position["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ValidationFailed(details=[{"field": "cursor", "message": "invalid cursor"}]) from exc


def encode_offset(offset: int) -> str:
    """The cursor of an offset-paged list: where the next window starts."""
    return encode_cursor({"o": offset})


def decode_offset(cursor: str) -> int:
    """`encode_offset`'s inverse; a cursor of another kind, or a malformed one, is a 422."""
    value = decode_cursor(cursor).get("o")
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationFailed(details=[{"field": "cursor", "message": "invalid cursor"}])
    return value
