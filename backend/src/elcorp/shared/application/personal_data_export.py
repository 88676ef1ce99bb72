"""The port by which each bounded context hands over what it holds about one data subject,
for the access bundle of POPIA s23 (right of access).

Every context implements `PersonalDataExporter` in its own application layer (identity:
profile and devices; governance: roles, organizations, service requests; payments:
wallets, transactions, invoices, vehicles; compliance: consents, privacy requests, the
audit trail about the subject). The composition root hands the list to compliance's
access-bundle builder, so no context imports another to build the bundle.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Protocol


class PersonalDataExporter(Protocol):
    """One context's section of an access bundle."""

    @property
    def section(self) -> str:
        """The bundle key this exporter fills, e.g. `identity`."""
        ...

    def export(self, subject_id: uuid.UUID) -> Mapping[str, Any]:
        """Everything this context holds about the subject, as JSON values (strings for
        ids, times, Decimals); no secrets (password hashes, token hashes, MFA secrets)."""
        ...


def json_value(value: Any) -> Any:
    """A stored value as the bundle writes it: UUIDs, Decimals and times as strings."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(v) for v in value]
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    return str(value)
