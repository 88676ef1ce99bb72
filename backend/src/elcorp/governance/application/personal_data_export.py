"""Governance's section of an access bundle (POPIA s23): the subject's roles and who gave
them, organization and team memberships, and the service requests they raised, with
their history, approvals they gave and comments they wrote."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from elcorp.shared.application.personal_data_export import json_value

SECTIONS = ("roles", "organizations", "teams", "service_requests", "approvals_given", "comments")


class GovernanceRecords(Protocol):
    def of(self, subject_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        """Rows about the subject, one list per name in SECTIONS."""
        ...


class GovernancePersonalData:
    """Implements shared.application.personal_data_export.PersonalDataExporter."""

    section = "governance"

    def __init__(self, records: GovernanceRecords) -> None:
        self._records = records

    def export(self, subject_id: uuid.UUID) -> Mapping[str, Any]:
        found = self._records.of(subject_id)
        return {name: json_value(found.get(name, [])) for name in SECTIONS}
