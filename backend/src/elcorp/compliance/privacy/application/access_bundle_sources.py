"""Compliance's own sections of an access bundle (POPIA s23(1)): the subject's consent
records, their privacy requests and how each was answered, the audit-trail entries about
them, and who else accessed or changed their information (s23(1)(b): "the identity of all
third parties, or categories of third parties, who have, or have had, access")."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from elcorp.compliance.audit.application.audit_trail import AuditFilter, AuditRecord, AuditTrail
from elcorp.compliance.privacy.domain.privacy_requests import PrivacyRequest
from elcorp.shared.application.audit import SYSTEM_ACTOR
from elcorp.shared.application.personal_data_export import json_value

PAGE = 500
# Fields of an entry about the subject shown to them. The network details (ip, user
# agent) are shown only for the subject's own actions: a staff member's are theirs.
ENTRY_FIELDS = (
    "id",
    "occurred_at",
    "action",
    "actor_id",
    "actor_roles",
    "resource_type",
    "resource_id",
    "reason",
)


class RequestHistory(Protocol):
    def mine(self, subject_id: uuid.UUID) -> list[PrivacyRequest]: ...


class ConsentOverviewLike(Protocol):
    @property
    def history(self) -> Any: ...

    @property
    def states(self) -> Any: ...


class ConsentSource(Protocol):
    def overview(self, subject_id: uuid.UUID) -> ConsentOverviewLike: ...


def request_json(r: PrivacyRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "type": r.type.value,
        "status": r.status.value,
        "details": r.details,
        "correction": None
        if r.correction is None
        else {"field": r.correction.field.value, "value": r.correction.value},
        "received_at": r.received_at,
        "due_at": r.due_at,
        "closed_at": r.closed_at,
        "resolution": r.resolution,
        "legal_ground": r.legal_ground,
        "dispute": r.dispute,
        "outcome": r.outcome,
    }


class PrivacyPersonalData:
    """Implements PersonalDataExporter for the compliance context."""

    section = "compliance"

    def __init__(
        self,
        trail: AuditTrail,
        requests: RequestHistory,
        consents: ConsentSource | None = None,
    ) -> None:
        self._trail = trail
        self._requests = requests
        self._consents = consents

    def _entries(self, criteria: AuditFilter) -> list[AuditRecord]:
        found: list[AuditRecord] = []
        after: tuple[datetime, uuid.UUID] | None = None
        while True:
            batch = self._trail.search(criteria, after=after, limit=PAGE)
            found.extend(batch)
            if len(batch) < PAGE:
                return found
            last = batch[-1].entry
            after = (
                datetime.fromisoformat(last["occurred_at"].replace("Z", "+00:00")),
                uuid.UUID(last["id"]),
            )

    def export(self, subject_id: uuid.UUID) -> Mapping[str, Any]:
        me = str(subject_id)
        requests = self._requests.mine(subject_id)
        records = {r.entry["id"]: r for r in self._entries(AuditFilter(about_people=frozenset({me})))}
        for request in requests:  # staff's handling of the subject's own requests
            for r in self._entries(AuditFilter(resource_type="privacy_request", resource_id=str(request.id))):
                records.setdefault(r.entry["id"], r)
        entries = sorted((r.entry for r in records.values()), key=lambda e: (e["occurred_at"], e["id"]))
        about = []
        accessed = []
        for entry in entries:
            shown = {name: entry.get(name) for name in ENTRY_FIELDS}
            if entry["actor_id"] == me:
                shown.update(ip=entry.get("ip"), user_agent=entry.get("user_agent"))
            about.append(shown)
            if entry["actor_id"] not in (me, SYSTEM_ACTOR, "anonymous"):
                accessed.append(shown)
        return {
            "consents": self._consent_json(subject_id),
            "privacy_requests": json_value([request_json(r) for r in requests]),
            "audit_trail": about,
            "accessed_by": accessed,
            "third_parties": sorted({e["actor_id"] for e in accessed}),
        }

    def _consent_json(self, subject_id: uuid.UUID) -> dict[str, Any] | None:
        if self._consents is None:
            return None
        overview = self._consents.overview(subject_id)

        def plain(value: Any) -> Any:
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                return json_value(dataclasses.asdict(value))
            return json_value(value)

        return {
            "current": [plain(s) for s in overview.states],
            "records": [plain(r) for r in overview.history],
        }
