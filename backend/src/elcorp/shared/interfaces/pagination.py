"""The one list contract of the HTTP API (docs/API.md "Lists").

Every list takes `cursor` (opaque, from the previous page's `meta.next_cursor`) and `limit`
(1-100, default 20) and answers `meta = {has_more, next_cursor, limit}` (plus `total` where
the list counts its rows). `page`/`per_page` are the documented aliases of earlier clients.
Unknown query parameters are refused with 422 VAL_001 naming the parameter, the same way on
every list, so a misspelt filter never silently returns everything.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g
from pydantic import BaseModel, ConfigDict, Field, model_validator

from elcorp.shared.application.pagination import (
    DEFAULT_PER_PAGE,
    MAX_PAGE,
    MAX_PER_PAGE,
    Page,
    PageRequest,
    decode_offset,
)
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.deprecation import note_query_parameters


class ListQuery(BaseModel):
    """Base of every list's query model: subclasses add their filters."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(
        default=None,
        max_length=512,
        description="Opaque: the `meta.next_cursor` of the previous page. Omit for the first page.",
    )
    limit: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PER_PAGE,
        description=f"Items per page, 1-{MAX_PER_PAGE} (default {DEFAULT_PER_PAGE}).",
    )
    page: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PAGE,
        description="Alias kept for earlier clients: page number (prefer `cursor`).",
    )
    per_page: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PER_PAGE,
        description="Alias kept for earlier clients: the same as `limit`.",
    )

    @model_validator(mode="before")
    @classmethod
    def _note_deprecated_aliases(cls, data: Any) -> Any:
        """`page`, `per_page` and `search` answer with Deprecation and Sunset headers."""
        if isinstance(data, dict):
            note_query_parameters(data)
        return data

    @property
    def page_size(self) -> int:
        return self.limit or self.per_page or DEFAULT_PER_PAGE

    def page_request(self) -> PageRequest:
        """The window for an offset-paged repository. A cursor wins over `page`."""
        size = self.page_size
        if self.cursor:
            offset = decode_offset(self.cursor)
            window = PageRequest(page=offset // size + 1, per_page=size, start=offset)
        else:
            window = PageRequest(page=self.page or 1, per_page=size)
        g.list_window = window
        return window


class ListMeta(BaseModel):
    """`meta` of every list."""

    model_config = ConfigDict(title="ListMeta")

    has_more: bool = Field(description="True when another page follows.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
    limit: int = Field(description="The page size used.")
    total: int | None = Field(
        default=None, description="Rows matching the filters, on lists that count them."
    )


def page_response(items: list[Any], page: Page[Any], window: PageRequest | None = None) -> Response:
    """A list answer from an offset `Page`. `window` defaults to the one this request's
    `ListQuery.page_request()` resolved (so a cursor's exact offset is kept)."""
    window = window or getattr(g, "list_window", None)
    start = window.offset if window is not None else (page.page - 1) * page.per_page
    exact = Page(page.items, page.page, page.per_page, page.total, offset=start)
    return envelope.success(items, meta=exact.meta)


def cursor_response(items: list[Any], *, next_cursor: str | None, limit: int) -> Response:
    """A list answer from a keyset stream (newest first, `encode_position` cursors)."""
    return envelope.success(
        items, meta={"has_more": next_cursor is not None, "next_cursor": next_cursor, "limit": limit}
    )


def bounded_response(items: list[Any]) -> Response:
    """A small bounded set (a user's wallets, the role catalogue): one page, same meta."""
    return envelope.success(
        items, meta={"has_more": False, "next_cursor": None, "limit": max(len(items), 1), "total": len(items)}
    )
