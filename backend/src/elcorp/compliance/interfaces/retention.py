"""HTTP routes of the compliance context: retention policies, legal holds and purge evidence."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "retention",
    __name__,
    url_prefix=API_V1,
    abp_tags=[Tag(name="retention", description="retention policies, legal holds and purge evidence")],
)
