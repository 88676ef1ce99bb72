"""The risk register (POPIA s19): staff identify risks to the information the platform holds,
rate them, choose a treatment, link the controls (safeguards) that address them and the
incidents that realised them, and review them on schedule; a daily job reminds the owner of
each risk whose review is overdue.

Reads need `risk:read`, changes `risk:manage` (checked by the HTTP layer). Every change is
audited (`risk.created`, `risk.updated`, `risk.reviewed`, `risk.review_reminded`,
`risk_control.created`, `risk_control.updated`) with the ratings and state before and after.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from elcorp.compliance.risks.application.risks_controls import ControlCatalogue
from elcorp.compliance.risks.application.risks_ports import (
    IncidentDirectory,
    RiskQuery,
    RisksUnitOfWork,
    StaffDirectory,
)
from elcorp.compliance.risks.domain.risks import (
    Assessment,
    Category,
    Control,
    ControlStatus,
    ControlType,
    OwnerNotEligible,
    Review,
    Risk,
    RiskReviewDue,
    RiskStatus,
    Treatment,
    UnknownControls,
    UnknownIncidents,
    assessment,
)
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page
from elcorp.shared.domain.clock import WINDHOEK, Clock, SystemClock
from elcorp.shared.domain.errors import AccessDenied, NotFound

READ, MANAGE = "risk:read", "risk:manage"
REMIND_EVERY = timedelta(days=7)  # an overdue review is reminded at most once a week


@dataclass(frozen=True, slots=True)
class RiskDraft:
    """What staff give when they identify a risk."""

    title: str
    description: str
    asset: str
    threat: str
    category: Category
    likelihood: int
    impact: int
    vulnerability: str | None = None
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    treatment: Treatment | None = None
    treatment_plan: str | None = None
    owner_id: uuid.UUID | None = None
    review_interval_days: int | None = None
    review_date: date | None = None
    control_ids: tuple[uuid.UUID, ...] = ()
    incident_ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class RiskDetail:
    risk: Risk
    controls: list[Control]
    reviews: list[Review]


class RiskRegister:
    def __init__(
        self,
        uow: Callable[[], RisksUnitOfWork],
        access: AccessControl,
        staff: StaffDirectory,
        incidents: IncidentDirectory,
        *,
        clock: Clock | None = None,
        remind_every: timedelta = REMIND_EVERY,
    ) -> None:
        self._uow = uow
        self._access = access
        self._staff = staff
        self._incidents = incidents
        self._clock = clock or SystemClock()
        self._remind_every = remind_every
        self._controls = ControlCatalogue(uow, self._clock)

    def now(self) -> datetime:
        return self._clock.now()

    def today(self) -> date:
        """Review dates are business dates in Windhoek."""
        return self._clock.now().astimezone(WINDHOEK).date()

    # -- risks ------------------------------------------------------------------------------
    def identify(self, actor: uuid.UUID, draft: RiskDraft) -> RiskDetail:
        now = self._clock.now()
        self._check_owner(draft.owner_id)
        self._check_incidents(draft.incident_ids)
        risk = Risk.identify(
            title=draft.title,
            description=draft.description,
            asset=draft.asset,
            threat=draft.threat,
            vulnerability=draft.vulnerability,
            category=draft.category,
            inherent=Assessment(draft.likelihood, draft.impact),
            residual=assessment(draft.residual_likelihood, draft.residual_impact, prefix="residual_"),
            treatment=draft.treatment,
            treatment_plan=draft.treatment_plan,
            owner_id=draft.owner_id,
            review_interval_days=draft.review_interval_days,
            review_date=draft.review_date,
            by=actor,
            at=now,
            today=self.today(),
        )
        risk.control_ids = _unique(draft.control_ids)
        risk.incident_ids = _unique(draft.incident_ids)
        with self._uow() as uow:
            _check_controls(uow, risk.control_ids)
            uow.risks.add(risk)
            uow.audit.record(
                "risk.created",
                Actor(str(actor)),
                Resource("risk", str(risk.id)),
                Changes(after=self._audited(risk)),
            )
            uow.commit()
        return self.get(risk.id)

    def search(self, query: RiskQuery) -> Page[RiskDetail]:
        """A page of the register, each risk with its controls and review history."""
        with self._uow() as uow:
            items, total = uow.risks.search(query, self.today())
            ids = [r.id for r in items]
            controls, reviews = uow.controls.of_risks(ids), uow.risks.reviews_of(ids)
        details = [RiskDetail(r, controls.get(r.id, []), reviews.get(r.id, [])) for r in items]
        return Page(details, query.page.page, query.page.per_page, total)

    def get(self, risk_id: uuid.UUID) -> RiskDetail:
        with self._uow() as uow:
            risk = uow.risks.get(risk_id)
            if risk is None:
                raise NotFound("Risk not found")
            controls = uow.controls.of_risks([risk_id]).get(risk_id, [])
            reviews = uow.risks.reviews(risk_id)
        return RiskDetail(risk, controls, reviews)

    def change(self, actor: uuid.UUID, risk_id: uuid.UUID, changes: Mapping[str, Any]) -> RiskDetail:
        """A partial update (PATCH): only the keys given change; `status` is applied last,
        after the fields it depends on (treatment, plan, residual rating)."""
        if "owner_id" in changes:
            self._check_owner(changes["owner_id"])
        if changes.get("incident_ids") is not None:
            self._check_incidents(changes["incident_ids"])
        now = self._clock.now()
        with self._uow() as uow:
            risk = uow.risks.get(risk_id, for_update=True)
            if risk is None:
                raise NotFound("Risk not found")
            before = self._audited(risk)
            status = changes.get("status")
            if status is not None and RiskStatus(status) is RiskStatus.CLOSED and set(changes) == {"status"}:
                risk.change_status(RiskStatus.CLOSED, now)  # closing needs nothing else
            else:
                risk.edit(now)
                _apply(uow, risk, changes)
                if status is not None and RiskStatus(status) is not risk.status:
                    risk.change_status(RiskStatus(status), now)
                else:
                    risk.check_still_consistent()
            risk.updated_at = now
            uow.risks.save(risk)
            uow.audit.record(
                "risk.updated",
                Actor(str(actor)),
                Resource("risk", str(risk.id)),
                Changes(before, self._audited(risk)),
            )
            uow.commit()
        return self.get(risk_id)

    def review(
        self,
        actor: uuid.UUID,
        risk_id: uuid.UUID,
        *,
        note: str,
        likelihood: int | None = None,
        impact: int | None = None,
        residual_likelihood: int | None = None,
        residual_impact: int | None = None,
    ) -> RiskDetail:
        """Append a review to the risk's history and move its review date forward. Risk
        managers review any risk; a risk's owner (who may read the register) reviews their own."""
        inherent = assessment(likelihood, impact)
        residual = assessment(residual_likelihood, residual_impact, prefix="residual_")
        with self._uow() as uow:
            risk = uow.risks.get(risk_id, for_update=True)
            if risk is None:
                raise NotFound("Risk not found")
            if risk.owner_id != actor and self._access.grants_for(actor).scope_of(MANAGE) is None:
                raise AccessDenied("Only the risk's owner or a risk manager records its review")
            done = risk.review(
                by=actor,
                at=self._clock.now(),
                today=self.today(),
                note=note,
                inherent=inherent,
                residual=residual,
            )
            uow.risks.save(risk)
            uow.risks.add_review(done)
            uow.audit.record(
                "risk.reviewed",
                Actor(str(actor)),
                Resource("risk", str(risk.id)),
                Changes(
                    {**done.before, "review_date": done.review_date_before.isoformat()},
                    {
                        **done.after,
                        "review_id": str(done.id),
                        "review_date": done.review_date_after.isoformat(),
                    },
                ),
            )
            uow.commit()
        return self.get(risk_id)

    def remind_overdue_reviews(self, limit: int = 500) -> int:
        """Beat job: one reminder (outbox event) per risk past its review date, at most once per
        `remind_every` each; each reminder is recorded and audited."""
        now = self._clock.now()
        with self._uow() as uow:
            due = uow.risks.claim_overdue_reviews(self.today(), now, self._remind_every, limit)
            for risk in due:
                uow.publish(
                    RiskReviewDue(
                        occurred_at=now,
                        risk_id=risk.id,
                        title=risk.title,
                        owner_id=risk.owner_id,
                        review_date=risk.review_date.isoformat(),
                        rating=risk.rating.value,
                    )
                )
                uow.audit.record(
                    "risk.review_reminded",
                    Actor(),
                    Resource("risk", str(risk.id)),
                    Changes(
                        after={
                            "owner_id": None if risk.owner_id is None else str(risk.owner_id),
                            "review_date": risk.review_date.isoformat(),
                        }
                    ),
                )
            uow.commit()
        return len(due)

    # -- controls ---------------------------------------------------------------------------
    def controls(self) -> list[Control]:
        return self._controls.controls()

    def control(self, control_id: uuid.UUID) -> Control:
        return self._controls.control(control_id)

    def add_control(
        self,
        actor: uuid.UUID,
        *,
        name: str,
        description: str,
        type: ControlType,
        status: ControlStatus,
        reference: str | None,
    ) -> Control:
        return self._controls.add_control(
            actor, name=name, description=description, type=type, status=status, reference=reference
        )

    def change_control(self, actor: uuid.UUID, control_id: uuid.UUID, changes: Mapping[str, Any]) -> Control:
        return self._controls.change_control(actor, control_id, changes)

    # -- helpers ----------------------------------------------------------------------------
    def _check_owner(self, owner_id: uuid.UUID | None) -> None:
        if owner_id is None:
            return
        eligible = owner_id in self._staff.active_among([owner_id]) and (
            self._access.grants_for(owner_id).scope_of(READ) is not None
        )
        if not eligible:
            raise OwnerNotEligible(
                details=[{"field": "owner_id", "message": "may not read the risk register"}]
            )

    def _check_incidents(self, incident_ids: Collection[uuid.UUID]) -> None:
        if not incident_ids:
            return
        missing = set(incident_ids) - self._incidents.existing(incident_ids)
        if missing:
            raise UnknownIncidents(
                details=[
                    {"field": "incident_ids", "message": f"no incident {i}"}
                    for i in sorted(map(str, missing))
                ]
            )

    @staticmethod
    def _audited(risk: Risk) -> dict[str, Any]:
        return {
            **risk.snapshot(),
            "title": risk.title,
            "category": risk.category.value,
            "review_interval_days": risk.review_interval_days,
            "control_ids": sorted(str(i) for i in risk.control_ids),
            "incident_ids": sorted(str(i) for i in risk.incident_ids),
        }


def _unique(ids: Collection[uuid.UUID]) -> list[uuid.UUID]:
    return list(dict.fromkeys(ids))


def _check_controls(uow: RisksUnitOfWork, control_ids: Collection[uuid.UUID]) -> None:
    missing = set(control_ids) - uow.controls.existing(control_ids)
    if missing:
        raise UnknownControls(
            details=[
                {"field": "control_ids", "message": f"no control {i}"} for i in sorted(map(str, missing))
            ]
        )


def _apply(uow: RisksUnitOfWork, risk: Risk, changes: Mapping[str, Any]) -> None:
    """The PATCH's fields, on the risk (its status is the caller's, applied after)."""
    for key in ("title", "description", "asset", "threat", "vulnerability", "treatment_plan", "owner_id"):
        if key in changes:
            setattr(risk, key, changes[key])
    if changes.get("category") is not None:
        risk.category = Category(changes["category"])
    if "treatment" in changes:
        risk.treatment = None if changes["treatment"] is None else Treatment(changes["treatment"])
    risk.reassess(*_ratings(risk, changes))
    if "review_interval_days" in changes:
        risk.set_interval(changes["review_interval_days"])
    if changes.get("review_date") is not None:
        risk.review_date = changes["review_date"]
    if changes.get("control_ids") is not None:
        risk.control_ids = _unique(changes["control_ids"])
        _check_controls(uow, risk.control_ids)
    if changes.get("incident_ids") is not None:
        risk.incident_ids = _unique(changes["incident_ids"])


def _ratings(risk: Risk, changes: Mapping[str, Any]) -> tuple[Assessment, Assessment | None]:
    """The inherent and residual ratings after the change (a rating given in part keeps
    the other half of the current one)."""
    inherent = risk.inherent
    if "likelihood" in changes or "impact" in changes:
        inherent = Assessment(
            changes.get("likelihood", risk.inherent.likelihood),
            changes.get("impact", risk.inherent.impact),
        )
    residual = risk.residual
    if "residual_likelihood" in changes or "residual_impact" in changes:
        residual = assessment(
            changes.get("residual_likelihood", None if residual is None else residual.likelihood),
            changes.get("residual_impact", None if residual is None else residual.impact),
            prefix="residual_",
        )
    return inherent, residual
