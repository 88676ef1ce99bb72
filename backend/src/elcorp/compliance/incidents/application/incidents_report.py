"""The `incidents` regulatory report: incidents opened in the period (counts by type,
priority and current status) and the POPIA s22 breach notifications whose compromise was
discovered in the period, each with its discovery and notification times and whether both
notifications were made within the platform's target after discovery.

Deterministic for unchanged data: rows in a fixed order, nothing time-of-generation inside
(a breach still missing a notification says `not notified`, never "overdue as of now")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from elcorp.compliance.incidents.application.incidents import IncidentsUnitOfWork
from elcorp.compliance.incidents.domain.incidents import IncidentStatus, IncidentType
from elcorp.compliance.reports.application.report_ports import ReportTable
from elcorp.shared.domain.clock import isoformat_z

COLUMNS = (
    "section",
    "key",
    "count",
    "discovered_at",
    "regulator_notified_at",
    "subjects_notified_at",
    "within_target",
)
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")


class IncidentsReport:
    """ReportSource of report type `incidents`."""

    report_type = "incidents"

    def __init__(self, uow: Callable[[], IncidentsUnitOfWork], target_hours: int) -> None:
        self._uow = uow
        self._target_hours = target_hours

    def table(self, start: datetime, end: datetime) -> ReportTable:
        with self._uow() as uow:
            incidents = uow.incidents.opened_between(start, end)
            breaches = uow.breaches.discovered_between(start, end)
        by_type = Counter(i.type.value for i in incidents)
        by_priority = Counter(i.priority for i in incidents)
        by_status = Counter(i.status.value for i in incidents)
        by_source = Counter(i.source.value for i in incidents)
        rows: list[tuple[str, ...]] = []
        rows += [("by_type", t.value, str(by_type[t.value]), "", "", "", "") for t in IncidentType]
        rows += [("by_priority", p, str(by_priority[p]), "", "", "", "") for p in PRIORITIES]
        rows += [("by_status", s.value, str(by_status[s.value]), "", "", "", "") for s in IncidentStatus]
        rows += [("by_source", s, str(by_source[s]), "", "", "", "") for s in ("manual", "automatic")]
        late = 0
        for breach in sorted(breaches, key=lambda b: (b.discovered_at, str(b.incident_id))):
            within = breach.within_target(self._target_hours)
            late += within is False
            rows.append(
                (
                    "breach",
                    str(breach.incident_id),
                    "",
                    isoformat_z(breach.discovered_at),
                    "" if breach.regulator_notified_at is None else isoformat_z(breach.regulator_notified_at),
                    "" if breach.subjects_notified_at is None else isoformat_z(breach.subjects_notified_at),
                    "not notified" if within is None else ("yes" if within else "no"),
                )
            )
        notes = (
            f"Incidents opened in the period: {len(incidents)}.",
            f"Breach notifications (POPIA s22) for compromises discovered in the period: {len(breaches)}"
            f"; notified later than the target: {late}.",
            "POPIA s22(2): the Information Regulator and the data subjects are notified as soon as "
            f"reasonably possible after discovery; the platform's target is {self._target_hours} hours "
            "(BREACH_NOTIFICATION_TARGET_HOURS). within_target = both notifications recorded by then.",
            "Counts by status are the incidents' status when the report was generated.",
        )
        return ReportTable("Incidents and breach notifications", COLUMNS, tuple(rows), notes)
