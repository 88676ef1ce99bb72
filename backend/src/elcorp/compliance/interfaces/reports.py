"""HTTP routes of the compliance context: regulatory reports (CSV or PDF, with their SHA-256)."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "reports",
    __name__,
    url_prefix=API_V1,
    abp_tags=[Tag(name="reports", description="regulatory reports (CSV or PDF, with their SHA-256)")],
)
