"""HTTP routes of the payments context: VAT invoices, credit notes and receipts (PDF)."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from elcorp.shared.interfaces.api import API_V1

api = APIBlueprint(
    "invoices",
    __name__,
    url_prefix=API_V1,
    abp_tags=[Tag(name="invoices", description="VAT invoices, credit notes and receipts (PDF)")],
)
