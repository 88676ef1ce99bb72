"""HTTP routes of the compliance context: data-subject requests (POPIA s23-25): access,
correction, erasure, objection, marketing opt-out."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "privacy-requests",
    __name__,
    url_prefix=API_V1,
    abp_tags=[
        Tag(
            name="privacy-requests",
            description="data-subject requests: access, correction, erasure, objection, opt-out",
        )
    ],
)
