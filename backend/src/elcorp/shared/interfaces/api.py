"""What every context's HTTP layer shares: the version prefix and a blueprint maker."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

API_V1 = "/api/v1"


def context_blueprint(name: str, description: str) -> APIBlueprint:
    """The blueprint of one bounded context, mounted under /api/v1 and tagged in OpenAPI."""
    return APIBlueprint(
        name,
        f"elcorp.{name}.interfaces.http",
        url_prefix=API_V1,
        abp_tags=[Tag(name=name.replace("_", "-").lower(), description=description)],
    )


# OpenAPI: routes that need a token say so with `security=BEARER`; public ones say nothing.
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]

# Request headers a route reads itself (not through a pydantic model), added to the
# OpenAPI document by `docs.openapi_json`: (method, OpenAPI path) -> parameter objects.
HEADER_PARAMETERS: dict[tuple[str, str], list[dict[str, object]]] = {}

IDEMPOTENCY_KEY_PARAMETER: dict[str, object] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": (
        "1-255 characters, unique per intended operation: the same key and body replay the "
        "first response (Idempotent-Replayed: true); another body is 422 PAY_005; while the "
        "first is running, 409 PAY_006; missing, 400 PAY_004"
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def document_header(method: str, path: str, parameter: dict[str, object]) -> None:
    """Declare that `method path` (OpenAPI form, e.g. /api/v1/wallets/{wallet_id}) reads a header."""
    HEADER_PARAMETERS.setdefault((method.lower(), path), []).append(parameter)
