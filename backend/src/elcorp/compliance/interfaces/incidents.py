"""HTTP routes of the compliance context: incidents, their timelines and POPIA s22 breach notifications."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "incidents",
    __name__,
    url_prefix=API_V1,
    abp_tags=[
        Tag(name="incidents", description="incidents, their timelines and POPIA s22 breach notifications")
    ],
)
