"""The incident figure on the staff dashboard's home page: incidents not yet closed, counted
by priority. One small aggregate over the incident queue's index (status, priority)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

PRIORITIES = ("P1", "P2", "P3", "P4", "P5")


@dataclass(frozen=True, slots=True)
class OpenIncidents:
    """Not-closed incidents (open, acknowledged, investigating or resolved) per priority;
    every priority P1-P5 present, 0 when none."""

    by_priority: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_priority.values())


class IncidentCounts(Protocol):
    def not_closed_by_priority(self) -> Mapping[str, int]:
        """Priority -> number of incidents whose status is not `closed` (absent: none)."""
        ...


class IncidentsSummary:
    def __init__(self, counts: IncidentCounts) -> None:
        self._counts = counts

    def open_by_priority(self) -> OpenIncidents:
        """Who may call it is the route's gate (incident:read: every incident, no scope)."""
        found = self._counts.not_closed_by_priority()
        return OpenIncidents({p: int(found.get(p, 0)) for p in PRIORITIES})
