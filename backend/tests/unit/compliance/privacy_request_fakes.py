"""In-memory ports of the data-subject request use cases, for unit tests without I/O."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elcorp.compliance.privacy.application.access_bundle import BundleState, StoredBundle
from elcorp.compliance.privacy.application.privacy_ports import ErasureOutcome
from elcorp.compliance.privacy.application.privacy_requests_ports import RequestQuery
from elcorp.compliance.privacy.domain.privacy_requests import PrivacyRequest, RequestType
from support.fakes import FakeUnitOfWork


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


class FakeRequests:
    """Stores copies, as a database would: a change is seen only once saved."""

    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, PrivacyRequest] = {}
        self.erasable: dict[str, int] = {}
        self.erased_subjects: list[uuid.UUID] = []

    def add(self, request: PrivacyRequest) -> None:
        self.rows[request.id] = copy.deepcopy(request)

    def save(self, request: PrivacyRequest) -> None:
        self.rows[request.id] = copy.deepcopy(request)

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> PrivacyRequest | None:
        found = self.rows.get(request_id)
        return None if found is None else copy.deepcopy(found)

    def open_of(self, subject_id: uuid.UUID, type: RequestType) -> PrivacyRequest | None:
        return next(
            (r for r in self.rows.values() if r.subject_id == subject_id and r.type is type and r.is_open),
            None,
        )

    def of_subject(self, subject_id: uuid.UUID) -> list[PrivacyRequest]:
        return [copy.deepcopy(r) for r in self.rows.values() if r.subject_id == subject_id]

    def search(self, query: RequestQuery, now: datetime) -> tuple[list[PrivacyRequest], int]:
        found = list(self.rows.values())
        return found, len(found)

    def erase_personal_data(self, subject_id: uuid.UUID) -> dict[str, int]:
        self.erased_subjects.append(subject_id)
        return dict(self.erasable)


class FakeBundles:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, StoredBundle] = {}

    def request(self, request_id: uuid.UUID, subject_id: uuid.UUID, at: datetime) -> None:
        self.rows[request_id] = StoredBundle(request_id, subject_id, "pending", at, None, None, None, None)

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> StoredBundle | None:
        return self.rows.get(request_id)

    def states(self, request_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, BundleState]:
        return {
            i: BundleState(self.rows[i].status, self.rows[i].expires_at)
            for i in request_ids
            if i in self.rows
        }


class FakePrivacyRequestsUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.requests = FakeRequests()
        self.bundles = FakeBundles()


@dataclass
class FakeStaff:
    active: set[uuid.UUID] = field(default_factory=set)
    emails: dict[uuid.UUID, str] = field(default_factory=dict)

    def active_among(self, user_ids: Any) -> frozenset[uuid.UUID]:
        return frozenset(u for u in user_ids if u in self.active)

    def addresses(self, user_ids: Any) -> dict[uuid.UUID, str]:
        return {u: self.emails[u] for u in user_ids if u in self.emails}


@dataclass
class FakeCorrector:
    changed: bool = True
    calls: list[tuple[uuid.UUID, str, str, uuid.UUID]] = field(default_factory=list)

    def correct(self, subject_id: uuid.UUID, field: str, value: str, *, actor_id: uuid.UUID) -> bool:
        self.calls.append((subject_id, field, value, actor_id))
        return self.changed


@dataclass
class FakeErasure:
    outcome: ErasureOutcome | None = None  # None: a plain erasure that erased nothing
    calls: list[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID]] = field(default_factory=list)

    def erase(
        self, subject_id: uuid.UUID, *, request_id: uuid.UUID | None, actor_id: uuid.UUID
    ) -> ErasureOutcome:
        self.calls.append((subject_id, request_id, actor_id))
        return self.outcome or ErasureOutcome(subject_id, blocked=False)


@dataclass
class FakeOptOut:
    calls: list[tuple[uuid.UUID, str, uuid.UUID]] = field(default_factory=list)

    def opt_out(self, subject_id: uuid.UUID, *, channel: str, actor_id: uuid.UUID) -> None:
        self.calls.append((subject_id, channel, actor_id))


@dataclass
class FakeRecipients:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def recipients_of(self, field: str) -> list[str]:
        return list(self.by_field.get(field, []))


@dataclass
class FakeNotices:
    fail: bool = False
    sent: list[tuple[str, uuid.UUID, dict[str, Any]]] = field(default_factory=list)

    def send_erasure_notice(self, address: str, request_id: uuid.UUID, outcome: Any) -> None:
        if self.fail:
            raise ConnectionError("mail server down")
        self.sent.append((address, request_id, dict(outcome)))


@dataclass
class FakeGrants:
    permissions: frozenset[str]

    def scope_of(self, permission: str) -> str | None:
        return "all" if permission in self.permissions else None


@dataclass
class FakeAccess:
    """Governance's answer: who holds which permission (over all users)."""

    holders: dict[uuid.UUID, frozenset[str]] = field(default_factory=dict)

    def grants_for(self, user_id: uuid.UUID) -> FakeGrants:
        return FakeGrants(self.holders.get(user_id, frozenset()))
