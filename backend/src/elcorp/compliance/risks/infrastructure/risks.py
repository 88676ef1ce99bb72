"""The risk register in PostgreSQL: the stores of risks and controls, the unit of work of the
register's use cases, and the incident directory it validates incident links against."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta
from typing import Any, Self

from sqlalchemy import (
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elcorp.compliance.risks.application.risks_ports import RiskQuery
from elcorp.compliance.risks.domain.risks import (
    BANDS,
    Assessment,
    Category,
    Control,
    ControlNameTaken,
    ControlStatus,
    ControlType,
    Review,
    Risk,
    RiskStatus,
    Treatment,
)
from elcorp.compliance.risks.infrastructure.risks_tables import (
    risk,
    risk_control,
    risk_control_link,
    risk_incident_link,
    risk_review,
    risk_review_reminder,
)
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

_FIELDS = (
    "title",
    "description",
    "asset",
    "threat",
    "vulnerability",
    "treatment_plan",
    "owner_id",
    "review_interval_days",
    "review_date",
    "last_reviewed_at",
    "created_by",
    "created_at",
    "updated_at",
    "closed_at",
)


def _risk_row(r: Risk) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(r, name) for name in _FIELDS}
    values.update(
        category=r.category.value,
        status=r.status.value,
        treatment=None if r.treatment is None else r.treatment.value,
        inherent_likelihood=r.inherent.likelihood,
        inherent_impact=r.inherent.impact,
        residual_likelihood=None if r.residual is None else r.residual.likelihood,
        residual_impact=None if r.residual is None else r.residual.impact,
    )
    return values


def _to_risk(row: Any, control_ids: list[uuid.UUID], incident_ids: list[uuid.UUID]) -> Risk:
    residual = (
        None if row.residual_likelihood is None else Assessment(row.residual_likelihood, row.residual_impact)
    )
    return Risk(
        id=row.id,
        category=Category(row.category),
        status=RiskStatus(row.status),
        treatment=None if row.treatment is None else Treatment(row.treatment),
        inherent=Assessment(row.inherent_likelihood, row.inherent_impact),
        residual=residual,
        control_ids=control_ids,
        incident_ids=incident_ids,
        **{name: getattr(row, name) for name in _FIELDS},
    )


def _to_control(row: Any) -> Control:
    return Control(
        id=row.id,
        name=row.title,
        description=row.description,
        type=ControlType(row.type),
        status=ControlStatus(row.status),
        reference=row.reference,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _band(score: Any) -> Any:
    """SQL: the rating band of a score (the domain's BANDS)."""
    lower = 1
    whens = []
    for upper, band in BANDS:
        whens.append((score.between(lower, upper), band.value))
        lower = upper + 1
    return case(*whens)


CURRENT_SCORE = func.coalesce(risk.c.residual_score, risk.c.inherent_score)


class SqlRiskStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, r: Risk) -> None:
        self._session.execute(insert(risk).values(id=r.id, **_risk_row(r)))
        self._links(r)

    def save(self, r: Risk) -> None:
        self._session.execute(update(risk).where(risk.c.id == r.id).values(**_risk_row(r)))
        self._session.execute(delete(risk_control_link).where(risk_control_link.c.risk_id == r.id))
        self._session.execute(delete(risk_incident_link).where(risk_incident_link.c.risk_id == r.id))
        self._links(r)

    def _links(self, r: Risk) -> None:
        if r.control_ids:
            self._session.execute(
                insert(risk_control_link), [{"risk_id": r.id, "control_id": c} for c in r.control_ids]
            )
        if r.incident_ids:
            self._session.execute(
                insert(risk_incident_link), [{"risk_id": r.id, "incident_id": i} for i in r.incident_ids]
            )

    def get(self, risk_id: uuid.UUID, *, for_update: bool = False) -> Risk | None:
        query = select(risk).where(risk.c.id == risk_id)
        if for_update:
            query = query.with_for_update()
        rows = list(self._session.execute(query).all())
        found = self._risks(rows)
        return found[0] if found else None

    def _risks(self, rows: list[Any]) -> list[Risk]:
        ids = [row.id for row in rows]
        controls: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
        incidents: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
        if ids:
            for link in self._session.execute(
                select(risk_control_link)
                .where(risk_control_link.c.risk_id.in_(ids))
                .order_by(risk_control_link.c.control_id)
            ):
                controls[link.risk_id].append(link.control_id)
            for link in self._session.execute(
                select(risk_incident_link)
                .where(risk_incident_link.c.risk_id.in_(ids))
                .order_by(risk_incident_link.c.incident_id)
            ):
                incidents[link.risk_id].append(link.incident_id)
        return [_to_risk(row, controls[row.id], incidents[row.id]) for row in rows]

    def search(self, query: RiskQuery, today: date) -> tuple[list[Risk], int]:
        conditions: list[Any] = []
        if query.status is not None:
            conditions.append(risk.c.status == query.status.value)
        if query.rating is not None:
            conditions.append(_band(CURRENT_SCORE) == query.rating.value)
        if query.owner_id is not None:
            conditions.append(risk.c.owner_id == query.owner_id)
        if query.overdue is not None:
            late = and_(risk.c.status != RiskStatus.CLOSED.value, risk.c.review_date < today)
            conditions.append(late if query.overdue else ~late)
        total = self._session.execute(select(func.count()).select_from(risk).where(*conditions)).scalar_one()
        rows = self._session.execute(
            select(risk)
            .where(*conditions)
            .order_by(CURRENT_SCORE.desc(), risk.c.review_date, risk.c.id)
            .offset(query.page.offset)
            .limit(query.page.per_page)
        ).all()
        return self._risks(list(rows)), int(total)

    def add_review(self, review: Review) -> None:
        self._session.execute(
            insert(risk_review).values(
                id=review.id,
                risk_id=review.risk_id,
                reviewed_by=review.reviewed_by,
                reviewed_at=review.reviewed_at,
                summary=review.note,
                before=review.before,
                after=review.after,
                review_date_before=review.review_date_before,
                review_date_after=review.review_date_after,
            )
        )

    def reviews(self, risk_id: uuid.UUID) -> list[Review]:
        return self.reviews_of([risk_id]).get(risk_id, [])

    def reviews_of(self, risk_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[Review]]:
        if not risk_ids:
            return {}
        rows = self._session.execute(
            select(risk_review)
            .where(risk_review.c.risk_id.in_(list(risk_ids)))
            .order_by(risk_review.c.reviewed_at, risk_review.c.id)
        ).all()
        found: dict[uuid.UUID, list[Review]] = {}
        for r in rows:
            found.setdefault(r.risk_id, []).append(
                Review(
                    id=r.id,
                    risk_id=r.risk_id,
                    reviewed_by=r.reviewed_by,
                    reviewed_at=r.reviewed_at,
                    note=r.summary,
                    before=dict(r.before),
                    after=dict(r.after),
                    review_date_before=r.review_date_before,
                    review_date_after=r.review_date_after,
                )
            )
        return found

    def claim_overdue_reviews(self, today: date, now: datetime, every: timedelta, limit: int) -> list[Risk]:
        recently = exists().where(
            risk_review_reminder.c.risk_id == risk.c.id, risk_review_reminder.c.sent_at > now - every
        )
        due = (risk.c.status != RiskStatus.CLOSED.value, risk.c.review_date < today, ~recently)
        locked: list[uuid.UUID] = list(
            self._session.execute(
                select(risk.c.id)
                .where(*due)
                .order_by(risk.c.review_date, risk.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if not locked:
            return []
        # Asked again under the locks, in a statement of its own (a fresh snapshot): a run
        # that committed its reminders just before these locks were taken is seen now.
        rows = list(
            self._session.execute(
                select(risk).where(risk.c.id.in_(locked), *due).order_by(risk.c.review_date, risk.c.id)
            ).all()
        )
        if not rows:
            return []
        self._session.execute(
            insert(risk_review_reminder),
            [
                {"risk_id": r.id, "owner_id": r.owner_id, "review_date": r.review_date, "sent_at": now}
                for r in rows
            ],
        )
        return self._risks(rows)


class SqlControlStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _write(self, statement: Any, name: str) -> None:
        try:
            with self._session.begin_nested():
                self._session.execute(statement)
        except IntegrityError as exc:
            if "uq_risk_control_title" in str(exc.orig):
                raise ControlNameTaken(details=[{"field": "name", "message": f"{name!r} exists"}]) from None
            raise

    def _values(self, c: Control) -> dict[str, Any]:
        return {
            "title": c.name,
            "description": c.description,
            "type": c.type.value,
            "status": c.status.value,
            "reference": c.reference,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        }

    def add(self, control: Control) -> None:
        self._write(insert(risk_control).values(id=control.id, **self._values(control)), control.name)

    def save(self, control: Control) -> None:
        self._write(
            update(risk_control).where(risk_control.c.id == control.id).values(**self._values(control)),
            control.name,
        )

    def get(self, control_id: uuid.UUID, *, for_update: bool = False) -> Control | None:
        query = select(risk_control).where(risk_control.c.id == control_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).one_or_none()
        return None if row is None else _to_control(row)

    def all(self) -> list[Control]:
        rows = self._session.execute(select(risk_control).order_by(risk_control.c.title)).all()
        return [_to_control(r) for r in rows]

    def existing(self, control_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]:
        if not control_ids:
            return frozenset()
        found: Any = self._session.execute(
            select(risk_control.c.id).where(risk_control.c.id.in_(list(control_ids)))
        ).scalars()
        return frozenset(found)

    def of_risks(self, risk_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[Control]]:
        found: dict[uuid.UUID, list[Control]] = {i: [] for i in risk_ids}
        if not risk_ids:
            return found
        rows = self._session.execute(
            select(risk_control_link.c.risk_id, risk_control)
            .join(risk_control, risk_control.c.id == risk_control_link.c.control_id)
            .where(risk_control_link.c.risk_id.in_(list(risk_ids)))
            .order_by(risk_control.c.title)
        ).all()
        for row in rows:
            found[row.risk_id].append(_to_control(row))
        return found


class SqlRisksUnitOfWork(SqlAlchemyUnitOfWork):
    risks: SqlRiskStore
    controls: SqlControlStore

    def __enter__(self) -> Self:
        super().__enter__()
        self.risks = SqlRiskStore(self.session)
        self.controls = SqlControlStore(self.session)
        return self


class SqlIncidentDirectory:
    """Which incident ids exist, read from the incidents capability's `incident` table (by
    plain SQL: this context's infrastructure does not import another capability's tables)."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def existing(self, incident_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]:
        if not incident_ids:
            return frozenset()
        with self._sessions() as session:
            found: Any = session.execute(
                text("SELECT id FROM incident WHERE id = ANY(:ids)"),
                {"ids": list(incident_ids)},
            ).scalars()
            return frozenset(uuid.UUID(str(i)) for i in found)
