"""HTTP route of the incident figure on the staff dashboard's home page (under /api/v1).

`/incidents/open-by-priority` does not clash with `/incidents/<uuid:incident_id>`: that rule
only matches a UUID.
"""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field

from elcorp.compliance.incidents.application.incidents_summary import IncidentsSummary
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import require_permission
from elcorp.shared.interfaces.openapi import ok


class OpenIncidentsByPriority(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total: int = Field(description="Incidents whose status is not closed")
    by_priority: dict[str, int] = Field(
        description="P1-P5, each present (0 when none)",
        examples=[{"P1": 1, "P2": 0, "P3": 4, "P4": 2, "P5": 0}],
    )


def blueprint(summary: IncidentsSummary) -> APIBlueprint:
    """The route, closing over the service it calls (built by the feature's wiring)."""
    api = APIBlueprint(
        "incidents_summary",
        __name__,
        url_prefix=API_V1,
        abp_tags=[
            Tag(name="incidents", description="incidents, their timelines and POPIA s22 breach notifications")
        ],
    )

    @api.get("/incidents/open-by-priority", security=BEARER, responses=ok(OpenIncidentsByPriority))
    @require_permission("incident:read")
    def get_open_incidents_by_priority() -> Response:
        """Count the incidents not yet closed, by priority.

        Staff with incident:read. Not closed: open, acknowledged, investigating or resolved
        (a resolved incident still awaits its review and closure). Every priority P1-P5 is
        listed, 0 when none.
        """
        found = summary.open_by_priority()
        return envelope.success({"total": found.total, "by_priority": dict(found.by_priority)})

    return api
