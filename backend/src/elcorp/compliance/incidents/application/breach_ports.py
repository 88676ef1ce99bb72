"""The store of POPIA s22 breach-notification records (one per incident marked as a
compromise of personal information)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from elcorp.compliance.incidents.domain.breach import BreachNotification


class BreachStore(Protocol):
    def add(self, breach: BreachNotification) -> None:
        """BreachAlreadyRecorded if the incident already has one."""
        ...

    def save(self, breach: BreachNotification) -> None: ...

    def get(self, incident_id: uuid.UUID, *, for_update: bool = False) -> BreachNotification | None: ...

    def of_incidents(self, incident_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, BreachNotification]:
        """The records of those incidents that have one (a page of the incident list)."""
        ...

    def due_for_escalation(self, not_since: datetime) -> list[BreachNotification]:
        """Records with a notification still missing, not escalated since `not_since`,
        locked (SKIP LOCKED: two overlapping runs escalate each record once)."""
        ...

    def discovered_between(self, start: datetime, end: datetime) -> list[BreachNotification]: ...
