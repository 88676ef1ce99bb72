"""PostgreSQL side of the dashboard's incident figure: one GROUP BY over `ix_incident_queue`."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elcorp.compliance.incidents.domain.incidents import IncidentStatus
from elcorp.compliance.incidents.infrastructure.incidents import incident


class SqlIncidentCounts:
    """Implements compliance.incidents.application.incidents_summary.IncidentCounts."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def not_closed_by_priority(self) -> Mapping[str, int]:
        query = (
            select(incident.c.priority, func.count().label("n"))
            .where(incident.c.status != IncidentStatus.CLOSED.value)
            .group_by(incident.c.priority)
        )
        with self._sessions() as session:
            return {r.priority: r.n for r in session.execute(query).all()}
