"""Deprecated routes and query parameters (CHANGELOG.md, "Deprecation policy").

Anything deprecated is announced in CHANGELOG.md, stays working for at least six months,
and, whenever a request uses it, the answer says so:

- `Deprecation: @<unix seconds>` (RFC 9745): when it was deprecated;
- `Sunset: <HTTP-date>` (RFC 8594): after when it may stop working;
- `Link: </api/docs/deprecations>; rel="deprecation"; type="text/html"`: the page, served
  by this module from the same registry, that says what to use instead.

A route is deprecated with `@deprecated(notice)` on its view; a query parameter by naming it
in `QUERY_PARAMETERS` (its model records its use with `note_query_parameters`). The OpenAPI
document marks both `deprecated: true` (`mark_deprecated`, called by `complete_document`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request

from elcorp.shared.interfaces.auth import public

PAGE_PATH = "/api/docs/deprecations"
MIN_NOTICE_DAYS = 183  # six months: the policy's shortest time between notice and sunset

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Notice:
    """One deprecation: what, since when, until when, and what to use instead."""

    key: str  # the anchor on the page: "page-aliases", "search-alias", an operationId
    subject: str
    since: datetime
    sunset: datetime
    instead: str

    def __post_init__(self) -> None:
        if (self.sunset - self.since).days < MIN_NOTICE_DAYS:
            raise ValueError(f"{self.key}: the sunset must be at least six months after the deprecation")

    def headers(self) -> dict[str, str]:
        return {
            "Deprecation": f"@{int(self.since.timestamp())}",
            "Sunset": format_datetime(self.sunset.astimezone(UTC), usegmt=True),
            "Link": f'<{PAGE_PATH}#{self.key}>; rel="deprecation"; type="text/html"',
        }


PAGE_ALIASES = Notice(
    key="page-aliases",
    subject="The `page` and `per_page` query parameters of every list",
    since=datetime(2026, 12, 7, tzinfo=UTC),
    sunset=datetime(2027, 7, 1, tzinfo=UTC),
    instead="`limit` and `cursor` (the previous page's `meta.next_cursor`)",
)
SEARCH_ALIAS = Notice(
    key="search-alias",
    subject="The `search` query parameter of the lists that take `q`",
    since=datetime(2026, 12, 7, tzinfo=UTC),
    sunset=datetime(2027, 7, 1, tzinfo=UTC),
    instead="`q`",
)

BEFORE_SIZE_ALIAS = Notice(
    key="before-size-alias",
    subject="The `before_size` query parameter of `GET /audit-logs/checkpoints`",
    since=datetime(2026, 12, 7, tzinfo=UTC),
    sunset=datetime(2027, 7, 1, tzinfo=UTC),
    instead="`cursor` (the previous page's `meta.next_cursor`)",
)

# Deprecated query parameters, by name, wherever a list takes them.
QUERY_PARAMETERS: dict[str, Notice] = {
    "page": PAGE_ALIASES,
    "per_page": PAGE_ALIASES,
    "search": SEARCH_ALIAS,
    "before_size": BEFORE_SIZE_ALIAS,
}

# Deprecated operations, by operationId (the view's name in camelCase).
OPERATIONS: dict[str, Notice] = {}


def _camel(name: str) -> str:
    head, *rest = name.strip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def deprecated(notice: Notice) -> Callable[[F], F]:
    """Mark a view deprecated: its answers carry the headers, its operation `deprecated`."""

    def mark(view: F) -> F:
        view.deprecation = notice  # type: ignore[attr-defined]
        OPERATIONS[_camel(view.__name__)] = notice
        return view

    return mark


def note(notice: Notice) -> None:
    """This request used something deprecated: its answer gets the headers."""
    if has_request_context():
        used: list[Notice] = g.setdefault("deprecations_used", [])
        if notice not in used:
            used.append(notice)


def note_query_parameters(names: Iterable[str]) -> None:
    """Called by a query model with the names the client sent."""
    for name in names:
        if name in QUERY_PARAMETERS:
            note(QUERY_PARAMETERS[name])


def _view_notice() -> Notice | None:
    view: Any = current_app.view_functions.get(request.endpoint or "")
    while view is not None:
        notice = getattr(view, "deprecation", None)
        if isinstance(notice, Notice):
            return notice
        view = getattr(view, "__wrapped__", None)
    return None


def _add_headers(response: Response) -> Response:
    used: list[Notice] = list(g.get("deprecations_used", []))
    route = _view_notice()
    if route is not None and route not in used:
        used.insert(0, route)
    if not used:
        return response
    first = min(used, key=lambda n: n.since)
    response.headers["Deprecation"] = first.headers()["Deprecation"]
    response.headers["Sunset"] = min(used, key=lambda n: n.sunset).headers()["Sunset"]
    for notice in used:
        response.headers.add("Link", notice.headers()["Link"])
    return response


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Elcorp API deprecations</title></head>
<body>
<h1>Deprecations</h1>
<p>Deprecated parameters and routes keep working until their sunset (at least six months after
the notice; see CHANGELOG.md, "Deprecation policy"). Answers to requests that use them carry
<code>Deprecation</code> (RFC 9745) and <code>Sunset</code> (RFC 8594) headers.</p>
<table><thead><tr><th>What</th><th>Deprecated</th><th>Sunset</th><th>Use instead</th></tr></thead>
<tbody>{rows}</tbody></table>
</body>
</html>
"""


def notices() -> list[Notice]:
    unique = {n.key: n for n in [*QUERY_PARAMETERS.values(), *OPERATIONS.values()]}
    return sorted(unique.values(), key=lambda n: (n.sunset, n.key))


def deprecations_page() -> str:
    rows = "".join(
        f'<tr id="{escape(n.key)}"><td>{escape(n.subject)}</td><td>{n.since:%Y-%m-%d}</td>'
        f"<td>{n.sunset:%Y-%m-%d}</td><td>{escape(n.instead)}</td></tr>"
        for n in notices()
    )
    return _PAGE.format(rows=rows)


def install_deprecation(app: Flask) -> None:
    """The headers on every answer that used something deprecated, and the page they link."""
    app.after_request(_add_headers)
    bp = Blueprint("api_deprecations", __name__)

    @bp.get(PAGE_PATH)
    @public
    def docs_deprecations() -> Response:
        return Response(deprecations_page(), mimetype="text/html")

    app.register_blueprint(bp)


def mark_deprecated(paths: Mapping[str, Any]) -> None:
    """In the OpenAPI document: `deprecated: true` on the deprecated operations and query
    parameters, with the sunset in their description."""
    for path_item in paths.values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            notice = OPERATIONS.get(operation.get("operationId", ""))
            if notice is not None:
                operation["deprecated"] = True
                operation["description"] = _with_sunset(operation.get("description"), notice)
            for parameter in operation.get("parameters", []):
                alias = QUERY_PARAMETERS.get(parameter.get("name", ""))
                if parameter.get("in") == "query" and alias is not None:
                    parameter["deprecated"] = True
                    parameter["description"] = _with_sunset(parameter.get("description"), alias)


def _with_sunset(description: str | None, notice: Notice) -> str:
    sentence = (
        f"Deprecated since {notice.since:%Y-%m-%d}, sunset {notice.sunset:%Y-%m-%d}: use {notice.instead}."
    )
    text = (description or "").strip()
    return sentence if not text else f"{text} {sentence}"
