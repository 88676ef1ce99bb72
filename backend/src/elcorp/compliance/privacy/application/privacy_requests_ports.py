"""What the data-subject request use cases need from outside: the request store, identity's
profile corrections and staff directory, the processing register's recipients, the mailer
of erasure notices; and the staff queue's query."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from elcorp.compliance.privacy.application.access_bundle import AccessBundleStore
from elcorp.compliance.privacy.domain.privacy_requests import PrivacyRequest, RequestStatus, RequestType
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class RequestQuery:
    page: PageRequest
    status: RequestStatus | None = None
    type: RequestType | None = None
    overdue: bool | None = None
    assignee_id: uuid.UUID | None = None


class PrivacyRequestStore(Protocol):
    def add(self, request: PrivacyRequest) -> None:
        """Raise RequestAlreadyOpen when the subject has an open one of a ONE_OPEN_AT_A_TIME type."""
        ...

    def save(self, request: PrivacyRequest) -> None: ...

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> PrivacyRequest | None: ...

    def open_of(self, subject_id: uuid.UUID, type: RequestType) -> PrivacyRequest | None: ...

    def of_subject(self, subject_id: uuid.UUID) -> list[PrivacyRequest]: ...

    def search(self, query: RequestQuery, now: datetime) -> tuple[list[PrivacyRequest], int]: ...

    def erase_personal_data(self, subject_id: uuid.UUID) -> dict[str, int]:
        """Anonymise the personal values in the subject's requests and delete their access
        bundles; category -> rows."""
        ...


class PrivacyRequestsUnitOfWork(UnitOfWork, Protocol):
    @property
    def requests(self) -> PrivacyRequestStore: ...

    @property
    def bundles(self) -> AccessBundleStore: ...


class ProfileCorrector(Protocol):
    """Identity's public API: correct one profile field with identity's own validation."""

    def correct(self, subject_id: uuid.UUID, field: str, value: str, *, actor_id: uuid.UUID) -> bool:
        """True if the value changed; ValidationFailed / AlreadyExists as for a profile edit."""
        ...


class CorrectionRecipients(Protocol):
    """Who received a data category (POPIA s24(4)): recipients and operators that the
    processing register names for it. Without a register: nobody but the subject."""

    def recipients_of(self, field: str) -> list[str]: ...


class NoRecipients:
    def recipients_of(self, field: str) -> list[str]:
        return []


class StaffDirectory(Protocol):
    """Identity's public API, as the queue needs it."""

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]: ...

    def addresses(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...


class ErasureNotices(Protocol):
    def send_erasure_notice(
        self, address: str, request_id: uuid.UUID, outcome: Mapping[str, Any]
    ) -> None: ...
