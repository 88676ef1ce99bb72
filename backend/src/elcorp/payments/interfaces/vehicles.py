"""HTTP routes of the payments context: the VIN registry, vehicle ownership and ownership transfers."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "vehicles",
    __name__,
    url_prefix=API_V1,
    abp_tags=[
        Tag(name="vehicles", description="the VIN registry, vehicle ownership and ownership transfers")
    ],
)
