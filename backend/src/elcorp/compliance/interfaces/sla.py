"""HTTP routes of the compliance context: SLA policies, tracked cases and the SLA report."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "sla",
    __name__,
    url_prefix=API_V1,
    abp_tags=[Tag(name="sla", description="SLA policies, tracked cases and the SLA report")],
)
