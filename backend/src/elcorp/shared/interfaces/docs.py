"""OpenAPI document at /api/v1/openapi.json and Swagger UI at /api/docs.

The UI's JavaScript and CSS are served from the flask-openapi3-swagger package (no CDN),
and the page has no inline script, so it runs under a strict CSP (script-src 'self').
"""

from __future__ import annotations

import copy
import re
import typing
from html import escape
from pathlib import Path
from typing import Any

import flask_openapi3_swagger
from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, send_from_directory
from pydantic import BaseModel
from werkzeug.wrappers import Response as WerkzeugResponse

from elcorp.shared.interfaces.api import HEADER_PARAMETERS
from elcorp.shared.interfaces.auth import public
from elcorp.shared.interfaces.openapi import all_error_codes, complete_document, operation_id

_ASSETS = Path(flask_openapi3_swagger.__file__).parent / "templates" / "swagger"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Elcorp API documentation</title>
  <link rel="stylesheet" href="/api/docs/assets/css/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{spec_url}"></div>
  <script src="/api/docs/assets/js/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
"""

_INIT_JS = """window.addEventListener("load", function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: node.dataset.specUrl, dom_id: "#swagger-ui", deepLinking: true });
});
"""


_ERRORS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Elcorp API error codes</title></head>
<body>
<h1>Error codes</h1>
<p>Each code's meaning is in docs/API.md, "Error codes". Branch on the code, never on the message.</p>
<table><thead><tr><th>Code</th><th>HTTP status</th></tr></thead><tbody>{rows}</tbody></table>
</body>
</html>
"""


def with_header_parameters(spec: dict[str, Any]) -> dict[str, Any]:
    """The document with the headers routes read themselves (HEADER_PARAMETERS) declared."""
    document = copy.deepcopy(spec)
    for (method, path), parameters in HEADER_PARAMETERS.items():
        operation = document.get("paths", {}).get(path, {}).get(method)
        if operation is not None:
            known = {(p.get("in"), p.get("name")) for p in operation.get("parameters", [])}
            operation.setdefault("parameters", []).extend(
                p for p in parameters if (p["in"], p["name"]) not in known
            )
    return document


def api_document(app: Flask) -> dict[str, Any]:
    """The whole OpenAPI document, built once per app (the routes do not change at run time)."""
    found: dict[str, Any] | None = app.extensions.get("openapi_document")
    if found is None:
        spec = with_header_parameters(app.api_doc)  # type: ignore[attr-defined]
        found = complete_document(spec, server_url=app.config.get("PUBLIC_BASE_URL") or "/")
        _name_operations(app, found)
        app.extensions["openapi_document"] = found
    return found


def _name_operations(app: Flask, document: dict[str, Any]) -> None:
    """operationId = the view function's name in camelCase, whoever built the blueprint; and
    the examples of each request-body model shown on its operation (flask-openapi3 keeps
    them out of the component schemas)."""
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^<:>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods or ():
            operation = document.get("paths", {}).get(path, {}).get(method.lower())
            if operation is not None:
                operation["operationId"] = operation_id(name=rule.endpoint.rsplit(".", 1)[-1])
                _body_examples(app.view_functions[rule.endpoint], operation)


def _body_examples(view: Any, operation: dict[str, Any]) -> None:
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None or "examples" in media or "example" in media:
        return
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    body = typing.get_type_hints(view).get("body")
    if not (isinstance(body, type) and issubclass(body, BaseModel)):
        return
    examples = body.model_json_schema().get("examples")
    if examples:
        media["examples"] = {f"example{n}": {"value": value} for n, value in enumerate(examples, 1)}


def errors_page() -> str:
    """The error catalogue as a page: each code's anchor is what `error.doc_url` points at."""
    rows = "".join(
        f'<tr id="{code.lower()}"><td><code>{escape(code)}</code></td><td>{status}</td></tr>'
        for code, status in sorted(all_error_codes().items())
    )
    return _ERRORS_PAGE.format(rows=rows)


def docs_blueprint(api_prefix: str) -> Blueprint:
    bp = Blueprint("api_docs", __name__)
    spec_url = f"{api_prefix}/openapi.json"

    @bp.get(spec_url)
    @public
    def openapi_json() -> Response:
        return jsonify(api_document(current_app))

    @bp.get("/api/docs/errors")
    @public
    def docs_errors() -> Response:
        return Response(errors_page(), mimetype="text/html")

    @bp.get("/api/docs")
    @public
    def docs_page() -> Response:
        return Response(_PAGE.format(spec_url=spec_url), mimetype="text/html")

    @bp.get("/api/docs/")
    @public
    def docs_slash() -> WerkzeugResponse:
        return redirect("/api/docs", code=308)

    @bp.get("/api/docs/init.js")
    @public
    def docs_init() -> Response:
        return Response(_INIT_JS, mimetype="text/javascript")

    @bp.get("/api/docs/assets/<path:filename>")
    @public
    def docs_assets(filename: str) -> Response:
        return send_from_directory(_ASSETS, filename, max_age=86_400)

    return bp
