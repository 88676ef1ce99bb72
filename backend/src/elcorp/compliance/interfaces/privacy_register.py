"""HTTP routes of the compliance context: the data inventory, the processing register (POPIA s17),
the PAIA manual and the data-flow map."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "privacy-register",
    __name__,
    url_prefix=API_V1,
    abp_tags=[
        Tag(
            name="privacy-register",
            description="the data inventory, processing register, PAIA manual, data-flow map",
        )
    ],
)
