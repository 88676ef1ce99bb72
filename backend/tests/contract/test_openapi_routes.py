"""Every route of the API is documented truthfully (issue: the API contract).

For each operation: a success response with the envelope and the real data schema (or 204),
error responses in the error envelope, a summary, an operationId in camelCase fixed by
`operation_ids.txt` (so a rename is deliberate), and the request-body schema the document
names is the model the route validates. Schema names are unique across the API.

After a deliberate rename, `UPDATE_OPERATION_IDS=1` rewrites operation_ids.txt (review the
diff, and note the rename in CHANGELOG.md). `CONTRACT_PATHS=/api/v1/incidents,/api/v1/risks` limits
the per-operation checks (and test_schemathesis.py) to those path prefixes.
"""

from __future__ import annotations

import inspect
import os
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from elcorp.shared.interfaces.docs import api_document
from elcorp.shared.interfaces.openapi import OPERATION_ID_RULE, SUCCESS_MODELS
from support.contract import selected

SNAPSHOT = Path(__file__).with_name("operation_ids.txt")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document(shared_app) -> dict[str, Any]:
    return api_document(shared_app)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in sorted(document["paths"].items())
        for method, operation in item.items()
        if method in METHODS and selected(path)
    ]


def _innermost(view: Any) -> Any:
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def route_models(app) -> dict[tuple[str, str], dict[str, type[BaseModel]]]:
    """(method, OpenAPI path) -> the models the view validates (path, query, body, ...)."""
    found: dict[tuple[str, str], dict[str, type[BaseModel]]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.endswith("openapi.json"):
            continue
        view = _innermost(app.view_functions[rule.endpoint])
        hints = typing.get_type_hints(view)
        models = {
            name: hint
            for name, hint in hints.items()
            if name in ("path", "query", "body", "form", "header") and inspect.isclass(hint)
        }
        path = rule.rule
        for converter in ("uuid:", "int:", "string:", "path:"):
            path = path.replace("<" + converter, "<")
        path = path.replace("<", "{").replace(">", "}")
        for method in rule.methods or ():
            if method.lower() in METHODS:
                found[(method.lower(), path)] = models
    return found


def test_every_operation_declares_success_and_errors(document):
    missing = []
    for method, path, operation in operations(document):
        statuses = set(operation.get("responses", {}))
        success = {s for s in statuses if s.startswith("2")}
        errors = {s for s in statuses if s[0] in "45"}
        if not success:
            missing.append(f"{method.upper()} {path}: no 2xx response")
        for status in success - {"204"}:
            content = operation["responses"][status].get("content")
            if not content:
                missing.append(f"{method.upper()} {path}: {status} without a body schema")
        if not errors:
            missing.append(f"{method.upper()} {path}: no error responses")
        for status in errors:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            expected = "ValidationErrorResponse" if status == "422" else "ErrorResponse"
            if not schema.endswith("/" + expected):
                missing.append(f"{method.upper()} {path}: {status} is not the {expected} envelope")
        if not (operation.get("summary") or "").strip():
            missing.append(f"{method.upper()} {path}: no summary")
    assert not missing, "\n".join(missing)


def test_success_responses_are_the_envelope_with_the_real_data(document):
    schemas = document["components"]["schemas"]
    wrong = []
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            media = response.get("content", {}).get("application/json")
            if not status.startswith("2") or media is None or media["schema"].get("format") == "binary":
                continue  # no body, or a file (a JSON download is a file too)
            name = media["schema"].get("$ref", "").rsplit("/", 1)[-1]
            schema = schemas.get(name, {})
            properties = schema.get("properties", {})
            if set(properties) < {"status", "data", "meta", "timestamp"}:
                wrong.append(
                    f"{method.upper()} {path} {status}: {name or media['schema']} is not an envelope"
                )
            elif not name.startswith("EmptyResponse") and properties["data"] in ({}, {"title": "Data"}):
                wrong.append(f"{method.upper()} {path} {status}: data has no schema")
    assert not wrong, "\n".join(wrong)


def test_operation_ids_follow_the_rule_and_are_pinned(document):
    if os.environ.get("CONTRACT_PATHS"):
        pytest.skip("the pinned list is checked on the whole document only")
    ids = [
        (operation.get("operationId", ""), method, path) for method, path, operation in operations(document)
    ]
    bad = [f"{m.upper()} {p}: {i!r}" for i, m, p in ids if not OPERATION_ID_RULE.match(i)]
    assert not bad, "operationIds must be camelCase verbs (the view's name):\n" + "\n".join(bad)
    names = [i for i, _, _ in ids]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    current = sorted(f"{i} {m.upper()} {p}" for i, m, p in ids)
    if os.environ.get("UPDATE_OPERATION_IDS") == "1":  # a deliberate rename: rewrite the pin
        SNAPSHOT.write_text("\n".join(current) + "\n")
    pinned = SNAPSHOT.read_text().splitlines()
    added, removed = sorted(set(current) - set(pinned)), sorted(set(pinned) - set(current))
    assert not added and not removed, (
        "operationIds changed; a rename breaks generated clients, so update "
        f"{SNAPSHOT.name} on purpose (and CHANGELOG.md).\nadded: {added}\nremoved: {removed}"
    )


def test_tags_have_one_style_and_there_is_a_server(document):
    tags = {tag for _, _, operation in operations(document) for tag in operation.get("tags", [])}
    assert tags and all(t.replace("-", "").isalpha() and t == t.lower() for t in tags), sorted(tags)
    assert document["servers"] and document["servers"][0]["url"]


def test_the_body_model_is_the_one_the_route_validates(shared_app, document):
    wrong = []
    schemas = document["components"]["schemas"]
    for (method, path), models in route_models(shared_app).items():
        operation = document["paths"].get(path, {}).get(method)
        if operation is None:
            wrong.append(f"{method.upper()} {path}: route missing from the document")
            continue
        body = models.get("body")
        documented = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if body is None:
            continue
        name = documented.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
        expected = body.model_json_schema()
        if name != (expected.get("title") or body.__name__):
            wrong.append(f"{method.upper()} {path}: documents {name!r}, validates {body.__name__}")
        elif set(schemas[name].get("properties", {})) != set(expected.get("properties", {})):
            wrong.append(f"{method.upper()} {path}: schema {name!r} is not {body.__module__}.{body.__name__}")
    assert not wrong, "\n".join(wrong)


def _nested_models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for arg in _flatten(field.annotation):
            if inspect.isclass(arg) and issubclass(arg, BaseModel):
                _nested_models(arg, seen)


def _flatten(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    return [annotation] if not args else [a for arg in args for a in _flatten(arg)]


def test_schema_names_are_unique_across_the_api(shared_app):
    every: set[type[BaseModel]] = set()
    for models in route_models(shared_app).values():
        if "body" in models:  # path and query models are parameters, not named schemas
            _nested_models(models["body"], every)
    for model in list(SUCCESS_MODELS):
        _nested_models(model, every)
    by_name: dict[str, dict[str, Any]] = {}
    clashes = []
    for model in sorted(every, key=lambda m: (m.__module__, m.__qualname__)):
        name = model.model_json_schema().get("title") or model.__name__
        schema = model.model_json_schema()
        if name in by_name and by_name[name]["schema"] != schema:
            clashes.append(f"{name}: {by_name[name]['where']} and {model.__module__}.{model.__qualname__}")
        by_name.setdefault(name, {"schema": schema, "where": f"{model.__module__}.{model.__qualname__}"})
    assert not clashes, "two models share a schema name:\n" + "\n".join(clashes)


def test_the_document_never_mentions_the_framework_validation_model(document):
    text = repr(document)
    assert "ValidationErrorModel" not in text


MONEY_MOVING = ("/transfers", "/deposits", "/withdrawals", "/reversals", "/top-ups", "/pay")


def test_money_moving_and_auth_routes_show_an_example(document):
    missing = []
    for method, path, operation in operations(document):
        money = path.endswith(MONEY_MOVING) and not path.startswith(
            "/api/v1/vehicles/"
        )  # offers move no money
        if method != "post" or not (path.startswith("/api/v1/auth/") or money):
            continue
        answers = [
            media
            for status, response in operation["responses"].items()
            if status.startswith("2")
            for media in response.get("content", {}).values()
        ]
        if not any("example" in media or "examples" in media for media in answers):
            missing.append(f"POST {path}: no example of its answer")
    assert not missing, "\n".join(missing)
