"""HTTP routes of the payments context: bank reconciliation runs and settlement batches."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "reconciliation",
    __name__,
    url_prefix=API_V1,
    abp_tags=[Tag(name="reconciliation", description="bank reconciliation runs and settlement batches")],
)
