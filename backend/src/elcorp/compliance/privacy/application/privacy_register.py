"""Use cases of the data inventory and the processing register (POPIA s17, PAIA s51):
read the inventory, keep the register (every change audited with its before/after), and
publish the PAIA manual's POPIA section and the data-flow map made from both.

Reading needs `privacy:read`, changing the register `privacy:manage`. An activity may only
name data categories the inventory declares, so the register cannot speak of information
the platform does not hold, nor miss that it holds it under another name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from elcorp.compliance.privacy.application.privacy_register_ports import (
    DataFlowDiagrams,
    Declarations,
    PaiaDocuments,
    PrivacyRegisterUnitOfWork,
)
from elcorp.compliance.privacy.domain.data_flow import DataFlowMap, data_flows
from elcorp.compliance.privacy.domain.data_inventory import InventoryCategory, inventory
from elcorp.compliance.privacy.domain.paia_manual import PaiaManual, manual, render_markdown
from elcorp.compliance.privacy.domain.privacy_register import (
    ActivityChanges,
    ActivityFacts,
    ActivityNameTaken,
    ActivityStatus,
    ProcessingActivity,
    check_activity,
    facts_json,
)
from elcorp.governance.application.api import AccessControl, Grants
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import NotFound
from elcorp.shared.domain.ids import new_id

READ, MANAGE = "privacy:read", "privacy:manage"
RESOURCE = "processing_activity"


@dataclass(frozen=True, slots=True)
class ResponsibleParty:
    """Who the PAIA manual speaks for (the platform's operating company)."""

    name: str
    address: str


class ProcessingRegister:
    def __init__(
        self,
        uow: Callable[[], PrivacyRegisterUnitOfWork],
        access: AccessControl,
        declarations: Declarations,
        documents: PaiaDocuments,
        diagrams: DataFlowDiagrams,
        party: ResponsibleParty,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._declarations = declarations
        self._documents = documents
        self._diagrams = diagrams
        self._party = party
        self._clock = clock or SystemClock()

    # -- the data inventory ----------------------------------------------------------------
    def data_inventory(self, caller: uuid.UUID) -> list[InventoryCategory]:
        """Every declared column holding personal information, grouped by category."""
        self._access.require(caller, READ)
        return inventory(self._declarations())

    def processed_by(self, caller: uuid.UUID) -> dict[str, list[str]]:
        """Category -> the names of the activities (not retired) that process it."""
        self._access.require(caller, READ)
        with self._uow() as uow:
            activities = uow.activities.every()
        found: dict[str, list[str]] = {}
        for activity in activities:
            if activity.facts.status is not ActivityStatus.RETIRED:
                for category in activity.facts.categories:
                    found.setdefault(category, []).append(activity.name)
        return found

    def declared_categories(self) -> frozenset[str]:
        return frozenset(d.data.category for d in self._declarations())

    # -- the register ----------------------------------------------------------------------
    def activities(
        self, caller: uuid.UUID, page: PageRequest, *, status: ActivityStatus | None = None
    ) -> Page[ProcessingActivity]:
        self._access.require(caller, READ)
        with self._uow() as uow:
            found, total = uow.activities.search(status=status, offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total)

    def activity(self, caller: uuid.UUID, activity_id: uuid.UUID) -> ProcessingActivity:
        self._access.require(caller, READ)
        with self._uow() as uow:
            return self._existing(uow, activity_id)

    def register(self, caller: uuid.UUID, facts: ActivityFacts) -> ProcessingActivity:
        """Add an activity to the register (PRV_001 undeclared category, PRV_002 name taken,
        PRV_003 a transfer to no listed recipient or within Namibia)."""
        grants = self._access.require(caller, MANAGE)
        check_activity(facts, self.declared_categories())
        with self._uow() as uow:
            added = uow.activities.add(new_id(), facts, caller)
            if added is None:
                raise ActivityNameTaken(
                    details=[{"field": "name", "message": "another processing activity has this name"}]
                )
            uow.audit.record(
                "privacy.activity_registered",
                self._actor(caller, grants),
                Resource(RESOURCE, str(added.id)),
                Changes(after=facts_json(facts)),
            )
            uow.commit()
        return added

    def update(
        self, caller: uuid.UUID, activity_id: uuid.UUID, changes: ActivityChanges
    ) -> ProcessingActivity:
        """Change some of an activity's facts; the whole result obeys the register's rules."""
        grants = self._access.require(caller, MANAGE)
        declared = self.declared_categories()
        with self._uow() as uow:
            current = self._existing(uow, activity_id, lock=True)
            facts = changes.applied_to(current.facts)
            check_activity(facts, declared)
            if facts == current.facts:
                return current
            updated = uow.activities.replace(activity_id, facts, caller)
            if updated is None:
                raise ActivityNameTaken(
                    details=[{"field": "name", "message": "another processing activity has this name"}]
                )
            before, after = facts_json(current.facts), facts_json(facts)
            changed = sorted(k for k in after if before[k] != after[k])
            uow.audit.record(
                "privacy.activity_updated",
                self._actor(caller, grants),
                Resource(RESOURCE, str(activity_id)),
                Changes(before={k: before[k] for k in changed}, after={k: after[k] for k in changed}),
            )
            uow.commit()
        return updated

    def remove(self, caller: uuid.UUID, activity_id: uuid.UUID) -> None:
        """Take an activity out of the register; its audit entry keeps what it said."""
        grants = self._access.require(caller, MANAGE)
        with self._uow() as uow:
            current = self._existing(uow, activity_id, lock=True)
            uow.activities.remove(activity_id)
            uow.audit.record(
                "privacy.activity_removed",
                self._actor(caller, grants),
                Resource(RESOURCE, str(activity_id)),
                Changes(before=facts_json(current.facts)),
            )
            uow.commit()

    # -- what is published from it -----------------------------------------------------------
    def paia_manual(self, caller: uuid.UUID) -> PaiaManual:
        self._access.require(caller, READ)
        with self._uow() as uow:
            activities = uow.activities.every()
        return manual(
            self._party.name,
            self._party.address,
            self._clock.now(),
            activities,
            inventory(self._declarations()),
        )

    def paia_markdown(self, caller: uuid.UUID) -> bytes:
        return render_markdown(self.paia_manual(caller)).encode("utf-8")

    def paia_pdf(self, caller: uuid.UUID) -> bytes:
        return self._documents.pdf(self.paia_manual(caller))

    def data_flows(self, caller: uuid.UUID) -> DataFlowMap:
        self._access.require(caller, READ)
        with self._uow() as uow:
            activities = uow.activities.every()
        return data_flows(inventory(self._declarations()), activities)

    def data_flow_svg(self, caller: uuid.UUID) -> bytes:
        return self._diagrams.svg(self.data_flows(caller))

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _existing(
        uow: PrivacyRegisterUnitOfWork, activity_id: uuid.UUID, *, lock: bool = False
    ) -> ProcessingActivity:
        found = uow.activities.get(activity_id, lock=lock)
        if found is None:
            raise NotFound("No such processing activity")
        return found

    @staticmethod
    def _actor(caller: uuid.UUID, grants: Grants) -> Actor:
        return Actor(str(caller), tuple(sorted(grants.roles)))
