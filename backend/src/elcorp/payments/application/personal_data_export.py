"""Payments' section of an access bundle (POPIA s23): the subject's wallets (with balances),
every transaction into, out of or started by them, the invoices addressed to them or
issued by their own business, and the vehicles they own or owned with their ownership
periods and transfer offers. Amounts are decimal strings, as everywhere in the API."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from elcorp.shared.application.personal_data_export import json_value

SECTIONS = (
    "wallets",
    "transactions",
    "invoices",
    "invoice_issuers",  # the subject's business, when they issue invoices themselves
    "invoices_issued",
    "vehicles",
    "vehicle_ownership",
    "vehicle_transfers",
)


class PaymentRecords(Protocol):
    def of(self, subject_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        """Rows about the subject, one list per name in SECTIONS."""
        ...


class PaymentsPersonalData:
    """Implements shared.application.personal_data_export.PersonalDataExporter."""

    section = "payments"

    def __init__(self, records: PaymentRecords) -> None:
        self._records = records

    def export(self, subject_id: uuid.UUID) -> Mapping[str, Any]:
        found = self._records.of(subject_id)
        return {name: json_value(found.get(name, [])) for name in SECTIONS}
