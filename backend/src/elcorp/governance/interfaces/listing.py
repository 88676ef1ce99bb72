"""Lists the governance routes hold in memory (small bounded sets, a request's comments),
answered in the one list contract: `cursor`/`limit` windows, `meta.has_more`/`next_cursor`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Response
from pydantic import Field

from elcorp.shared.application.pagination import MAX_PER_PAGE
from elcorp.shared.interfaces.pagination import ListQuery, page_response

T = TypeVar("T")


class SmallListQuery(ListQuery):
    """A bounded small set (roles, the permission catalogue, policies, categories, chain
    versions): every item on one page unless `limit` asks for fewer; `cursor` walks on."""

    limit: int | None = Field(
        default=None,
        ge=1,
        le=MAX_PER_PAGE,
        description=f"Items per page, 1-{MAX_PER_PAGE} (default {MAX_PER_PAGE}: the whole small set).",
    )

    @property
    def page_size(self) -> int:
        return self.limit or self.per_page or MAX_PER_PAGE


def listed_json(items: Sequence[T], query: ListQuery, to_json: Callable[[T], dict[str, Any]]) -> Response:
    """A list answer for a list held in memory."""
    page = query.page_request().window(items)
    return page_response([to_json(item) for item in page.items], page)
