"""Deprecated routes and query parameters answer with Deprecation, Sunset and Link headers
(RFC 9745, RFC 8594) and are marked `deprecated` in the OpenAPI document."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask, jsonify, request
from pydantic import AliasChoices, Field

from elcorp.shared.interfaces import deprecation
from elcorp.shared.interfaces.deprecation import (
    PAGE_ALIASES,
    Notice,
    deprecated,
    install_deprecation,
    mark_deprecated,
)
from elcorp.shared.interfaces.pagination import ListQuery

OLD_ROUTE = Notice(
    key="listOldThings",
    subject="GET /old-things",
    since=datetime(2026, 1, 1, tzinfo=UTC),
    sunset=datetime(2026, 9, 1, tzinfo=UTC),
    instead="GET /things",
)


class ThingQuery(ListQuery):
    q: str | None = Field(default=None, validation_alias=AliasChoices("q", "search"))


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setattr(deprecation, "OPERATIONS", {})
    app = Flask(__name__)
    install_deprecation(app)

    @app.get("/things")
    def list_things():
        query = ThingQuery.model_validate(dict(request.args))
        return jsonify(size=query.page_size)

    @app.get("/old-things")
    @deprecated(OLD_ROUTE)
    def list_old_things():
        return jsonify(ok=True)

    return app


def test_the_current_parameters_carry_no_deprecation_headers(app: Flask) -> None:
    response = app.test_client().get("/things?limit=5&cursor=eyJvIjo1fQ")
    assert response.status_code == 200
    assert "Deprecation" not in response.headers
    assert "Sunset" not in response.headers
    assert "Link" not in response.headers


@pytest.mark.parametrize("query", ["page=2", "per_page=5", "page=1&per_page=10"])
def test_page_aliases_answer_with_deprecation_sunset_and_link(app: Flask, query: str) -> None:
    response = app.test_client().get(f"/things?{query}")
    assert response.status_code == 200
    assert response.headers["Deprecation"] == f"@{int(PAGE_ALIASES.since.timestamp())}"
    assert response.headers["Deprecation"] == "@1796601600"
    assert response.headers["Sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"
    assert response.headers.getlist("Link") == [
        '</api/docs/deprecations#page-aliases>; rel="deprecation"; type="text/html"'
    ]


def test_the_search_alias_is_deprecated_too(app: Flask) -> None:
    response = app.test_client().get("/things?search=abc&page=1")
    assert response.status_code == 200
    links = response.headers.getlist("Link")
    assert any("#search-alias>" in link for link in links)
    assert any("#page-aliases>" in link for link in links)


def test_a_deprecated_route_answers_with_its_own_dates(app: Flask) -> None:
    response = app.test_client().get("/old-things")
    assert response.headers["Deprecation"] == f"@{int(OLD_ROUTE.since.timestamp())}"
    assert response.headers["Sunset"] == "Tue, 01 Sep 2026 00:00:00 GMT"
    assert (
        response.headers["Link"]
        == '</api/docs/deprecations#listOldThings>; rel="deprecation"; type="text/html"'
    )
    assert deprecation.OPERATIONS == {"listOldThings": OLD_ROUTE}


def test_the_page_the_link_names_lists_every_deprecation(app: Flask) -> None:
    response = app.test_client().get("/api/docs/deprecations")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for key in ("page-aliases", "search-alias", "before-size-alias", "listOldThings"):
        assert f'id="{key}"' in page
    assert "2027-07-01" in page


def test_a_notice_gives_at_least_six_months(app: Flask) -> None:
    with pytest.raises(ValueError, match="six months"):
        Notice("x", "x", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC), "y")


def test_the_document_marks_deprecated_operations_and_parameters(app: Flask) -> None:
    paths = {
        "/api/v1/things": {
            "get": {
                "operationId": "listThings",
                "parameters": [
                    {"name": "limit", "in": "query"},
                    {"name": "page", "in": "query", "description": "Alias kept for earlier clients."},
                    {"name": "per_page", "in": "query"},
                ],
            }
        },
        "/api/v1/old-things": {"get": {"operationId": "listOldThings", "description": "Old."}},
    }
    mark_deprecated(paths)
    things = paths["/api/v1/things"]["get"]
    by_name = {p["name"]: p for p in things["parameters"]}
    assert "deprecated" not in things
    assert "deprecated" not in by_name["limit"]
    assert by_name["page"]["deprecated"] is True and by_name["per_page"]["deprecated"] is True
    assert by_name["page"]["description"].startswith(
        "Alias kept for earlier clients. Deprecated since 2026-12-07"
    )
    assert "sunset 2027-07-01" in by_name["per_page"]["description"]
    old = paths["/api/v1/old-things"]["get"]
    assert old["deprecated"] is True
    assert old["description"] == "Old. Deprecated since 2026-01-01, sunset 2026-09-01: use GET /things."
