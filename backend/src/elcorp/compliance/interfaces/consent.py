"""HTTP routes of the compliance context: privacy notices (POPIA s18) and the consent ledger."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "consent",
    __name__,
    url_prefix=API_V1,
    abp_tags=[Tag(name="consent", description="privacy notices (POPIA s18) and the consent ledger")],
)
