"""HTTP routes of the compliance context: the risk register (POPIA s19)."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "risks",
    __name__,
    url_prefix=API_V1,
    abp_tags=[Tag(name="risks", description="the risk register (POPIA s19)")],
)
