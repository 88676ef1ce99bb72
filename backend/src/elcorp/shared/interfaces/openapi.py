"""What a route declares in the OpenAPI document: its success envelope and its errors.

A route passes `responses=ok(Model, SomeError, ...)` (or `created`, `accepted`, `listed`,
`no_content`, `download`). The success answer is documented as the envelope with the real
data model; each error the route can return is documented under its HTTP status as the real
error envelope, with one example per code. The errors every operation of a kind can return
(401/403 with a token, 422 with parameters, 404 with a path parameter, 429/500/503
everywhere) are added by `complete_document` so no route has to repeat them.

Schema names are the models' class names (or `title`): they must be unique across the API,
which `backend/tests/contract/test_openapi_routes.py` checks.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Literal

from flask_openapi3.types import ResponseDict
from pydantic import BaseModel, ConfigDict, Field, create_model

from elcorp.shared.domain.errors import DomainError, ErrorCode, error_catalogue
from elcorp.shared.interfaces.deprecation import mark_deprecated
from elcorp.shared.interfaces.idempotency import HEADER as IDEMPOTENCY_HEADER
from elcorp.shared.interfaces.idempotency import OPTIONAL_PARAMETER
from elcorp.shared.interfaces.pagination import ListMeta

ErrorSpec = type[DomainError] | ErrorCode | str
_REF = "#/components/schemas/"
TIMESTAMP_EXAMPLE = "2026-11-23T08:33:51.620Z"


# -- the error envelope -------------------------------------------------------------------------
class ErrorDetail(BaseModel):
    model_config = ConfigDict(title="ErrorDetail", extra="allow")

    field: str | None = Field(
        default=None,
        description="The parameter, header or dotted body field; null for the request as a whole.",
    )
    message: str


class ErrorBody(BaseModel):
    model_config = ConfigDict(title="ErrorBody")

    code: str = Field(description="Stable error code (docs/API.md, Error codes).", examples=["PAY_001"])
    message: str = Field(description="For people; may change. Branch on `code`.")
    details: Any = Field(
        default=None, description="A list of {field, message} for 422s; otherwise code-specific or null."
    )
    doc_url: str = Field(description="The code's entry in the error catalogue.")


class ErrorResponse(BaseModel):
    """Every failure except a 422."""

    model_config = ConfigDict(title="ErrorResponse")

    status: Literal["error"]
    error: ErrorBody
    request_id: str | None = Field(
        description="Also in the X-Request-ID header; quote it when reporting a problem."
    )
    timestamp: str = Field(json_schema_extra={"format": "date-time"})


class ValidationErrorBody(ErrorBody):
    model_config = ConfigDict(title="ValidationErrorBody")

    details: list[ErrorDetail] = Field(description="One item per refused parameter or field.")


class ValidationErrorResponse(BaseModel):
    """Every 422, and only a 422."""

    model_config = ConfigDict(title="ValidationErrorResponse")

    status: Literal["validation_error"]
    error: ValidationErrorBody
    request_id: str | None
    timestamp: str = Field(json_schema_extra={"format": "date-time"})


ERROR_MODELS: tuple[type[BaseModel], ...] = (ErrorResponse, ValidationErrorResponse)

_KERNEL_STATUS: dict[str, int] = {
    "AUTH_001": 401, "AUTH_002": 401, "AUTH_003": 401, "AUTH_004": 401, "AUTH_005": 401,
    "AUTH_006": 403, "AUTH_007": 401, "AUTH_008": 400, "AUTH_009": 409, "AUTH_010": 409,
    "VAL_001": 422, "VAL_002": 400, "VAL_003": 415, "VAL_004": 422, "VAL_005": 422,
    "VAL_006": 422, "VAL_007": 422, "VAL_008": 422, "RES_001": 404, "RES_002": 409,
    "RES_003": 405, "RES_004": 413, "RES_005": 409, "ACC_001": 403, "RATE_001": 429,
    "RATE_002": 429, "SRV_001": 500, "SRV_002": 503, "IDEM_001": 422, "IDEM_002": 409, "IDEM_003": 400,
}  # fmt: skip


def all_error_codes() -> dict[str, int]:
    """Every code the API can answer with, and its HTTP status."""
    return {**error_catalogue(), **_KERNEL_STATUS}


def _code_and_status(spec: ErrorSpec) -> tuple[str, int, str]:
    if isinstance(spec, type) and issubclass(spec, DomainError):
        return str(spec.code), spec.status, spec.default_message
    code = str(spec.value if isinstance(spec, ErrorCode) else spec)
    status = _KERNEL_STATUS.get(code) or error_catalogue().get(code)
    if status is None:
        raise KeyError(f"unknown error code {code!r}: declare it on an exception class")
    return code, status, code


def error_example(code: str, status: int, message: str, details: Any = None) -> dict[str, Any]:
    if status == 422 and details is None:
        details = [{"field": "amount", "message": message}]
    return {
        "status": "validation_error" if status == 422 else "error",
        "error": {
            "code": code,
            "message": message,
            "details": details,
            "doc_url": f"/api/docs/errors#{code.lower()}",
        },
        "request_id": "49cd7a99b6734857a186811e5f9bf317",
        "timestamp": TIMESTAMP_EXAMPLE,
    }


def error_responses(errors: Iterable[ErrorSpec]) -> dict[str, dict[str, Any]]:
    """OpenAPI response objects by status: the error envelope, one example per code."""
    out: dict[str, dict[str, Any]] = {}
    for spec in errors:
        code, status, message = _code_and_status(spec)
        add_error_example(out, code, status, message)
    return out


def add_error_example(responses: dict[str, Any], code: str, status: int, message: str) -> None:
    schema = ValidationErrorResponse if status == 422 else ErrorResponse
    response = responses.setdefault(
        str(status),
        {"description": "", "content": {"application/json": {"schema": {"$ref": _REF + schema.__name__}}}},
    )
    media = response.setdefault("content", {}).setdefault(
        "application/json", {"schema": {"$ref": _REF + schema.__name__}}
    )
    examples = media.setdefault("examples", {})
    if code not in examples:
        examples[code] = {"summary": message, "value": error_example(code, status, message)}
    codes = sorted(examples)
    response["description"] = "Error " + ", ".join(codes) + " (see docs/API.md, Error codes)"


# -- the success envelope -----------------------------------------------------------------------
@cache
def envelope_model(data: type[BaseModel] | None, kind: str = "one") -> type[BaseModel]:
    """`{status, data, meta, timestamp}` around `data` (a list of it for kind "list")."""
    timestamp: Any = (str, Field(json_schema_extra={"format": "date-time"}))
    if kind == "list" and data is not None:
        name = f"{data.__name__}List"
        fields: dict[str, Any] = {"data": (list[data], ...), "meta": (ListMeta, ...)}  # type: ignore[valid-type]
    else:
        name = "EmptyResponse" if data is None else f"{data.__name__}Response"
        fields = {"data": (None, None) if data is None else (data, ...), "meta": (dict[str, Any], ...)}
    success: Any = (Literal["success"], ...)
    model: type[BaseModel] = create_model(
        name, __config__=ConfigDict(title=name), status=success, timestamp=timestamp, **fields
    )
    return model


def _success(
    status: int,
    data: type[BaseModel] | None,
    kind: str,
    example: Any,
    headers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    model = envelope_model(data, kind)
    media: dict[str, Any] = {"schema": {"$ref": _REF + model.__name__}}
    if example is not None:
        media["example"] = {"status": "success", "data": example, "meta": {}, "timestamp": TIMESTAMP_EXAMPLE}
    response: dict[str, Any] = {"description": "Success", "content": {"application/json": media}}
    if headers:
        response["headers"] = dict(headers)
    SUCCESS_MODELS.add(model)
    return {str(status): response}


# Envelope models that routes answer with, registered in the document's components.
SUCCESS_MODELS: set[type[BaseModel]] = set()

_LOCATION = {"Location": {"description": "URL of the new resource", "schema": {"type": "string"}}}


def _merged(*parts: Mapping[str, Any]) -> ResponseDict:
    merged: ResponseDict = {}
    for part in parts:
        for status, response in part.items():
            merged[status] = response
    return merged


def ok(data: type[BaseModel] | None, *errors: ErrorSpec, example: Any = None) -> ResponseDict:
    """200 with the envelope around `data` (None: `data` is null)."""
    return _merged(_success(200, data, "one", example), error_responses(errors))


def created(data: type[BaseModel], *errors: ErrorSpec, example: Any = None) -> ResponseDict:
    """201 with the new resource and its URL in `Location`."""
    return _merged(_success(201, data, "one", example, _LOCATION), error_responses(errors))


def accepted(data: type[BaseModel] | None, *errors: ErrorSpec, example: Any = None) -> ResponseDict:
    """202: taken in, finished later (a mail sent, a job queued)."""
    return _merged(_success(202, data, "one", example), error_responses(errors))


def listed(item: type[BaseModel], *errors: ErrorSpec) -> ResponseDict:
    """200 with a page of `item`s and the list meta (docs/API.md, Lists)."""
    return _merged(_success(200, item, "list", None), error_responses(errors))


def no_content(*errors: ErrorSpec) -> ResponseDict:
    """204 with no body."""
    return _merged({"204": {"description": "Done; no body"}}, error_responses(errors))


def download(media_types: Iterable[str], *errors: ErrorSpec) -> ResponseDict:
    """200 with a file body (CSV, PDF, ...)."""
    content = {m: {"schema": {"type": "string", "format": "binary"}} for m in media_types}
    return _merged({"200": {"description": "The file", "content": content}}, error_responses(errors))


def operation_id(*, bp_name: str = "", name: str = "", path: str = "", method: str = "") -> str:
    """The view function's name in camelCase: `create_transfer` -> `createTransfer`. Stable
    while the function keeps its name (the contract test pins the whole list)."""
    head, *rest = name.strip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


OPERATION_ID_RULE = re.compile(r"^[a-z]+(?:[A-Z0-9][a-z0-9]*)*$")


class ProblemDetails(BaseModel):
    """RFC 9457, sent instead of the envelope when the client asks for application/problem+json."""

    model_config = ConfigDict(title="ProblemDetails")

    type: str = Field(description="The error code's entry in the error catalogue.")
    title: str
    status: int
    instance: str
    code: str
    details: Any = None
    request_id: str | None
    timestamp: str = Field(json_schema_extra={"format": "date-time"})


PROBLEM_JSON = "application/problem+json"

_AUTOMATIC: dict[str, str] = {
    "AUTH_004": "The route needs an access token",
    "AUTH_003": "The token is invalid or revoked",
    "AUTH_002": "The token has expired",
    "ACC_001": "The caller lacks a permission the route requires",
    "AUTH_006": "Staff must pass a second factor (MFA) first",
    "VAL_001": "Validation failed",
    "VAL_002": "The request body is not valid JSON",
    "VAL_003": "Request bodies must be sent as application/json",
    "RES_004": "The request body is larger than the server accepts",
    "RES_001": "No resource at this URL",
    "RATE_001": "Too many requests; retry after Retry-After seconds",
    "SRV_001": "An internal error occurred; quote the request id when reporting it",
    "SRV_002": "The service is temporarily unavailable; retry",
}


def _automatic_codes(operation: Mapping[str, Any]) -> list[str]:
    places = {p.get("in") for p in operation.get("parameters", [])}
    codes: list[str] = []
    security = operation.get("security") or []
    if security:
        codes += ["AUTH_004", "AUTH_003", "AUTH_002"]
    if security and {} not in security:  # a token is required, not merely accepted
        codes += ["ACC_001", "AUTH_006"]
    if "requestBody" in operation or places & {"query", "path", "header"}:
        codes.append("VAL_001")
    if "requestBody" in operation:
        codes += ["VAL_002", "VAL_003", "RES_004"]
    if "path" in places:
        codes.append("RES_001")
    return [*codes, "RATE_001", "SRV_001", "SRV_002"]


def _schema_with_defs(model: type[BaseModel], schemas: dict[str, Any]) -> None:
    schema = model.model_json_schema(ref_template=_REF + "{model}", mode="serialization")
    for name, value in schema.pop("$defs", {}).items():
        schemas.setdefault(name, value)
    schemas[schema.get("title") or model.__name__] = schema


def _idempotency(method: str, operation: dict[str, Any]) -> None:
    """Every POST honours an optional Idempotency-Key (shared/interfaces/idempotency.py)
    unless it declares its own (money movements, required there); public ones refuse it."""
    if method != "post":
        return
    parameters = operation.setdefault("parameters", [])
    if any(p.get("name") == IDEMPOTENCY_HEADER for p in parameters):
        return
    responses = operation.setdefault("responses", {})
    add_error_example(responses, "IDEM_003", 400, "This Idempotency-Key cannot be used here")
    if operation.get("security"):
        parameters.append(dict(OPTIONAL_PARAMETER))
        add_error_example(
            responses, "IDEM_001", 422, "This Idempotency-Key was already used with a different request"
        )
        add_error_example(
            responses, "IDEM_002", 409, "A request with this Idempotency-Key is still being processed"
        )


def complete_operation(operation: dict[str, Any], method: str = "get") -> None:
    """The automatic errors, the problem+json alternative and the challenge headers."""
    _idempotency(method, operation)
    responses = operation.setdefault("responses", {})
    flask_422 = responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema", {})
    if flask_422.get("type") == "array":  # flask-openapi3's default, which the API never sends
        del responses["422"]
    for code in _automatic_codes(operation):
        add_error_example(responses, code, _KERNEL_STATUS[code], _AUTOMATIC[code])
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            response.setdefault("content", {})[PROBLEM_JSON] = {"schema": {"$ref": _REF + "ProblemDetails"}}
    if "401" in responses:
        responses["401"]["headers"] = {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="elcorp"'}
        }
    for status in ("429", "503"):
        if status in responses:
            responses[status]["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}
            }


def complete_document(spec: Mapping[str, Any], *, server_url: str) -> dict[str, Any]:
    """flask-openapi3's document made whole: servers, error and envelope schemas, and every
    operation's automatic errors (see the module docstring)."""
    document = copy.deepcopy(dict(spec))
    document["servers"] = [{"url": server_url.rstrip("/"), "description": "This deployment"}]
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("ValidationErrorModel", None)
    models: list[type[BaseModel]] = [*ERROR_MODELS, ProblemDetails]
    for model in [*models, *sorted(SUCCESS_MODELS, key=lambda m: m.__name__)]:
        _schema_with_defs(model, schemas)
    for tag in document.get("tags", []):
        tag["name"] = tag_style(tag["name"])
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            operation["tags"] = [tag_style(t) for t in operation.get("tags", [])]
            complete_operation(operation, method)
    mark_deprecated(document.get("paths", {}))
    return document


def tag_style(name: str) -> str:
    """One tag style: lower-case words joined by hyphens (`service-requests`)."""
    return re.sub(r"[\s_]+", "-", name.strip()).lower()
