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
        abp_tags=[Tag(name=name, description=description)],
    )


# OpenAPI: routes that need a token say so with `security=BEARER`; public ones say nothing.
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
