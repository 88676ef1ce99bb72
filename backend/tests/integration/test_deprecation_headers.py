"""On the real app: the list aliases `page`/`per_page` answer with Deprecation and Sunset
headers, and the OpenAPI document marks them deprecated."""

from __future__ import annotations

from support.identity import signed_in


def test_a_list_called_with_per_page_answers_with_the_deprecation_headers(client) -> None:
    user = signed_in(client)
    old = client.get("/api/v1/me/devices?per_page=5", headers=user.auth)
    assert old.status_code == 200, old.get_json()
    assert old.headers["Deprecation"] == "@1796601600"
    assert old.headers["Sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"
    assert old.headers["Link"] == '</api/docs/deprecations#page-aliases>; rel="deprecation"; type="text/html"'
    assert old.get_json()["meta"]["limit"] == 5

    current = client.get("/api/v1/me/devices?limit=5", headers=user.auth)
    assert current.status_code == 200
    assert "Deprecation" not in current.headers and "Sunset" not in current.headers


def test_the_linked_page_is_served(client) -> None:
    page = client.get("/api/docs/deprecations")
    assert page.status_code == 200
    assert 'id="page-aliases"' in page.get_data(as_text=True)


def test_the_document_marks_the_aliases_deprecated_on_every_list(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    aliases = [
        (path, parameter)
        for path, item in document["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter.get("in") == "query" and parameter["name"] in ("page", "per_page")
    ]
    assert any(path == "/api/v1/me/devices" for path, _ in aliases)
    assert all(parameter.get("deprecated") is True for _, parameter in aliases)
    limits = [
        parameter
        for item in document["paths"].values()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "limit"
    ]
    assert limits and not any(p.get("deprecated") for p in limits)


def test_a_browser_client_may_read_the_deprecation_headers(
    settings, engine, session_factory, redis_client
) -> None:
    from elcorp.bootstrap import bootstrap
    from elcorp.main import create_app

    origin = "https://dashboard.elcorp.na"
    container = bootstrap(
        settings.model_copy(update={"CORS_ORIGINS": [origin]}),
        engine=engine,
        session_factory=session_factory,
        redis_client=redis_client,
    )
    client = create_app(container=container).test_client()
    user = signed_in(client)
    response = client.get("/api/v1/me/devices?page=1", headers={**user.auth, "Origin": origin})
    assert response.status_code == 200
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Deprecation", "Sunset", "Link"} <= exposed
    assert response.headers["Deprecation"] == "@1796601600"
