"""The access bundle (POPIA s23(1)(b)): a copy of everything held about a subject, built
by a worker from every context's exporter, stored once with its SHA-256 and served as
those exact bytes.

A bundle is requested when staff start an access request (the request's transaction
stores it as `pending` and raises `AccessBundleRequested` into the outbox); a worker builds
it (the outbox handler `on_requested`, or the `elcorp.compliance.build_access_bundles` sweep);
the subject downloads it once the request is completed. It is kept for BUNDLE_RETENTION
after it was built, then purged with the other exports.

What a client sees of that lifecycle is the request's `bundle_status`:

    not_requested --start--> preparing --worker--> built --complete--> ready --expiry--> expired

`withheld` once the request is refused (from any of the first three), and `not_applicable`
for every type but access.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from elcorp.compliance.privacy.domain.privacy_requests import (
    WORKING,
    AccessBundleRequested,
    PrivacyRequest,
    RequestStatus,
    RequestType,
)
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.personal_data_export import PersonalDataExporter
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock, isoformat_z

logger = logging.getLogger(__name__)

BUNDLE_FORMAT = "elcorp.access-bundle/1"
BUNDLE_RETENTION = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class StoredBundle:
    request_id: uuid.UUID
    subject_id: uuid.UUID
    status: str  # pending | ready
    requested_at: datetime
    content: bytes | None
    sha256: str | None
    built_at: datetime | None
    expires_at: datetime | None

    @property
    def ready(self) -> bool:
        return self.status == "ready" and self.content is not None


@dataclass(frozen=True, slots=True)
class BundleState:
    """A stored bundle's state without its content (what a request's JSON needs)."""

    status: str  # pending | ready
    expires_at: datetime | None


class BundleStatus(StrEnum):
    """Where a request's access bundle is, as the subject and staff see it."""

    NOT_APPLICABLE = "not_applicable"  # not an access request: there is no bundle
    NOT_REQUESTED = "not_requested"  # an access request not started yet: nothing is built
    PREPARING = "preparing"  # started: a worker is building it
    BUILT = "built"  # built: staff may review it; released when the request is completed
    READY = "ready"  # released: the subject downloads it until it expires
    EXPIRED = "expired"  # the download window passed and the copy was purged
    WITHHELD = "withheld"  # the request was refused: nothing is released


def bundle_status(request: PrivacyRequest, state: BundleState | None, now: datetime) -> BundleStatus:
    """The bundle's place in its lifecycle, from the request and its stored bundle (if any)."""
    if request.type is not RequestType.ACCESS:
        return BundleStatus.NOT_APPLICABLE
    if request.status is RequestStatus.REFUSED:
        return BundleStatus.WITHHELD
    released = request.status is RequestStatus.COMPLETED
    if state is None:
        # Purged after its window (or with the subject's erasure) once released.
        return BundleStatus.EXPIRED if released else BundleStatus.NOT_REQUESTED
    if state.status != "ready":
        return BundleStatus.PREPARING
    if state.expires_at is not None and now >= state.expires_at:
        return BundleStatus.EXPIRED
    return BundleStatus.READY if released else BundleStatus.BUILT


class AccessBundleStore(Protocol):
    def request(self, request_id: uuid.UUID, subject_id: uuid.UUID, at: datetime) -> None: ...

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> StoredBundle | None: ...

    def states(self, request_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, BundleState]:
        """The states of the bundles of these requests (those without one are absent)."""
        ...

    def pending(self, limit: int) -> list[uuid.UUID]: ...

    def delete_expired(self, now: datetime) -> int: ...

    def store(
        self, request_id: uuid.UUID, content: bytes, sha256: str, built_at: datetime, expires_at: datetime
    ) -> None: ...


class RequestReader(Protocol):
    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> PrivacyRequest | None: ...


class BundleUnitOfWork(UnitOfWork, Protocol):
    @property
    def requests(self) -> RequestReader: ...

    @property
    def bundles(self) -> AccessBundleStore: ...


def bundle_bytes(document: dict[str, Any]) -> bytes:
    """The served form: UTF-8 JSON, keys sorted, indented so a person can read it."""
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class AccessBundles:
    def __init__(
        self,
        uow: Callable[[], BundleUnitOfWork],
        exporters: Sequence[PersonalDataExporter],
        *,
        clock: Clock | None = None,
        retention: timedelta = BUNDLE_RETENTION,
    ) -> None:
        self._uow = uow
        self._exporters = list(exporters)
        self._clock = clock or SystemClock()
        self._retention = retention

    def sections(self) -> list[str]:
        return [e.section for e in self._exporters]

    def on_requested(self, event: AccessBundleRequested) -> None:
        """Outbox handler of AccessBundleRequested."""
        self.build(event.request_id)

    def build_pending(self, limit: int = 20) -> int:
        """Build the bundles still pending (a sweep after a lost or failed delivery)."""
        with self._uow() as uow:
            waiting = uow.bundles.pending(limit)
        return sum(1 for request_id in waiting if self.build(request_id))

    def purge_expired(self) -> int:
        """Delete the bundles past their download window (the copy served stays the
        subject's; the request keeps its digest as evidence of what was given)."""
        with self._uow() as uow:
            purged = uow.bundles.delete_expired(self._clock.now())
            if purged:
                uow.audit.record(
                    "privacy_request.bundles_purged",
                    Actor(),
                    Resource("privacy_access_bundle"),
                    Changes(after={"deleted": purged}),
                )
            uow.commit()
        return purged

    def build(self, request_id: uuid.UUID) -> bool:
        """Build and store one pending bundle; False when there was nothing to build.
        Idempotent: a redelivered event finds the bundle ready and does nothing."""
        with self._uow() as uow:
            wanted = uow.bundles.get(request_id)
            request = uow.requests.get(request_id)
        if wanted is None or wanted.ready or request is None or request.type is not RequestType.ACCESS:
            return False
        if request.status not in WORKING:
            return False  # refused meanwhile: nothing is disclosed
        started = self._clock.now()
        document: dict[str, Any] = {
            "format": BUNDLE_FORMAT,
            "legal_basis": "POPIA s23(1): confirmation and a copy of the personal information held",
            "request_id": str(request.id),
            "subject_id": str(request.subject_id),
            "generated_at": isoformat_z(started),
            "sections": {e.section: dict(e.export(request.subject_id)) for e in self._exporters},
        }
        content = bundle_bytes(document)
        digest = hashlib.sha256(content).hexdigest()
        with self._uow() as uow:
            current = uow.bundles.get(request_id, for_update=True)
            if current is None or current.ready or current.requested_at != wanted.requested_at:
                return False  # built by another worker, or asked again since: that run stores it
            built = self._clock.now()
            uow.bundles.store(request_id, content, digest, built, built + self._retention)
            uow.audit.record(
                "privacy_request.bundle_built",
                Actor(),
                Resource("privacy_request", str(request_id)),
                Changes(after={"sha256": digest, "size": len(content), "sections": self.sections()}),
            )
            uow.commit()
        logger.info("privacy.bundle_built request_id=%s size=%s", request_id, len(content))
        return True
