"""HTTP routes of the compliance context: incidents, their timelines and POPIA s22 breach notifications.

Reading needs incident:read, every change incident:manage (staff, with MFA).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.incidents.application.breach import BreachNotifications, NewBreach
from elcorp.compliance.incidents.application.incidents import IncidentQuery, Incidents, NewIncident
from elcorp.compliance.incidents.domain.breach import (
    BreachAlreadyRecorded,
    BreachNotification,
    BreachNotRecorded,
    NotificationIncomplete,
    NotificationTimeInvalid,
)
from elcorp.compliance.incidents.domain.incidents import (
    Incident,
    IncidentClosed,
    IncidentStatus,
    IncidentType,
    InvalidIncidentTransition,
    OwnerNotEligible,
    PriorityOutOfRange,
    ResolutionIncomplete,
    Severity,
    Source,
)
from elcorp.compliance.incidents.interfaces import incidents_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.downloads import file_response
from elcorp.shared.interfaces.openapi import created, download, listed, ok
from elcorp.shared.interfaces.pagination import page_response

LIST = "/incidents"
ONE = LIST + "/<uuid:incident_id>"
BREACH = ONE + "/breach-notification"
READ, MANAGE = "incident:read", "incident:manage"


def _time(value: Any) -> str | None:
    return None if value is None else isoformat_z(value)


def incident_json(i: Incident, breach: BreachNotification | None = None) -> dict[str, Any]:
    """The one shape of an incident (`incidents_schemas.Incident`) on create, read and list."""
    return {
        "id": str(i.id),
        "type": i.type.value,
        "title": i.title,
        "description": i.description,
        "status": i.status.value,
        "priority": i.priority,
        "impact": i.impact,
        "urgency": i.urgency,
        "severity": i.severity.value,
        "source": i.source.value,
        "alarm_key": i.alarm_key,
        "reported_by": i.reported_by,
        "owner_id": None if i.owner_id is None else str(i.owner_id),
        "affected_systems": i.affected_systems,
        "data_categories": i.data_categories,
        "affected_subjects": i.affected_subjects,
        "root_cause": i.root_cause,
        "remediation": i.remediation,
        "post_incident_actions": i.post_incident_actions,
        "resolution_note": i.resolution_note,
        "opened_at": _time(i.opened_at),
        "acknowledged_at": _time(i.acknowledged_at),
        "investigating_at": _time(i.investigating_at),
        "resolved_at": _time(i.resolved_at),
        "closed_at": _time(i.closed_at),
        "personal_information_compromised": breach is not None,
        "timeline": [
            {"at": _time(e.at), "actor": e.actor, "kind": e.kind, "note": e.note, "data": e.data}
            for e in i.timeline
        ],
    }


def breach_json(b: BreachNotification, service: BreachNotifications) -> dict[str, Any]:
    hours = service.target_hours
    return {
        "incident_id": str(b.incident_id),
        "discovered_at": _time(b.discovered_at),
        "recorded_at": _time(b.recorded_at),
        "recorded_by": b.recorded_by,
        "regulator_notified_at": _time(b.regulator_notified_at),
        "regulator_reference": b.regulator_reference,
        "subjects_notified_at": _time(b.subjects_notified_at),
        "channel": None if b.channel is None else b.channel.value,
        "consequences": b.consequences,
        "measures": b.measures,
        "recommendations": b.recommendations,
        "unauthorised_party": b.unauthorised_party,
        "target_hours": hours,
        "due_at": _time(b.due_at(hours)),
        "complete": b.complete,
        "overdue": b.overdue(service.now(), hours),
        "within_target": b.within_target(hours),
        "escalations": b.escalations,
        "last_escalated_at": _time(b.last_escalated_at),
    }


def _one(service: Incidents, incident_id: Any) -> Response:
    view = service.get(incident_id)
    return envelope.success(incident_json(view.incident, view.breach))


def blueprint(incidents: Incidents, breaches: BreachNotifications) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "incidents",
        __name__,
        url_prefix=API_V1,
        abp_tags=[
            Tag(name="incidents", description="incidents, their timelines and POPIA s22 breach notifications")
        ],
    )
    _incident_routes(api, incidents)
    _incident_edit_routes(api, incidents)
    _incident_status_routes(api, incidents)
    _breach_routes(api, breaches)
    _breach_update_routes(api, breaches)
    return api


def _incident_routes(api: APIBlueprint, incidents: Incidents) -> None:
    # -- incidents ---------------------------------------------------------------------------------
    @api.post(LIST, security=BEARER, responses=created(s.Incident, PriorityOutOfRange, OwnerNotEligible))
    @require_permission(MANAGE)
    def create_incident(body: s.IncidentCreateBody) -> Response:
        """Open an incident; its priority comes from impact x urgency.

        Staff with incident:manage (MFA session). The answer's Location is the incident's URL.
        """
        opened = incidents.open(
            current_caller().user_id,
            NewIncident(
                type=IncidentType(body.type),
                title=body.title,
                description=body.description,
                impact=body.impact,
                urgency=body.urgency,
                severity=None if body.severity is None else Severity(body.severity),
                owner_id=body.owner_id,
                affected_systems=body.affected_systems,
                data_categories=body.data_categories,
                affected_subjects=body.affected_subjects,
            ),
        )
        return envelope.created(incident_json(opened), location=f"{API_V1}{LIST}/{opened.id}")

    @api.get(LIST, security=BEARER, responses=listed(s.Incident))
    @require_permission(READ)
    def list_incidents(query: s.IncidentListQuery) -> Response:
        """List incidents, newest first, filtered by status, type, priority or source.

        Staff with incident:read. Cursor-paginated (`cursor`, `limit`; `page`/`per_page` aliases).
        """
        page = incidents.list(
            IncidentQuery(
                page=query.page_request(),
                status=None if query.status is None else IncidentStatus(query.status),
                type=None if query.type is None else IncidentType(query.type),
                priority=query.priority,
                source=None if query.source is None else Source(query.source),
            )
        )
        return page_response([incident_json(v.incident, v.breach) for v in page.items], page)

    @api.get(ONE, security=BEARER, responses=ok(s.Incident))
    @require_permission(READ)
    def get_incident(path: s.IncidentPath) -> Response:
        """Read an incident with its whole timeline.

        Staff with incident:read.
        """
        return _one(incidents, path.incident_id)


def _incident_edit_routes(api: APIBlueprint, incidents: Incidents) -> None:
    @api.patch(
        ONE, security=BEARER, responses=ok(s.Incident, IncidentClosed, PriorityOutOfRange, OwnerNotEligible)
    )
    @require_permission(MANAGE)
    def update_incident(path: s.IncidentPath, body: s.IncidentUpdateBody) -> Response:
        """Change an incident's details; each change is recorded on its timeline.

        Staff with incident:manage. Only the fields sent change; a closed incident refuses edits.
        """
        changes = body.model_dump(exclude_unset=True)
        for required in (
            "title",
            "description",
            "severity",
            "impact",
            "urgency",
            "affected_systems",
            "data_categories",
        ):
            if changes.get(required, "") is None:
                changes.pop(required)  # null means "no change" for fields that cannot be empty
        incidents.update(current_caller().user_id, path.incident_id, changes)
        return _one(incidents, path.incident_id)

    @api.post(ONE + "/timeline", security=BEARER, responses=ok(s.Incident))
    @require_permission(MANAGE)
    def add_incident_note(path: s.IncidentPath, body: s.IncidentNoteBody) -> Response:
        """Add a note to an incident's timeline (closed incidents take notes too).

        Staff with incident:manage. Answers the incident with its timeline.
        """
        incidents.add_note(current_caller().user_id, path.incident_id, body.note)
        return _one(incidents, path.incident_id)


def _incident_status_routes(api: APIBlueprint, incidents: Incidents) -> None:
    @api.post(ONE + "/acknowledge", security=BEARER, responses=ok(s.Incident, InvalidIncidentTransition))
    @require_permission(MANAGE)
    def acknowledge_incident(path: s.IncidentPath) -> Response:
        """Acknowledge an open incident.

        Staff with incident:manage.
        """
        incidents.acknowledge(current_caller().user_id, path.incident_id)
        return _one(incidents, path.incident_id)

    @api.post(ONE + "/investigate", security=BEARER, responses=ok(s.Incident, InvalidIncidentTransition))
    @require_permission(MANAGE)
    def investigate_incident(path: s.IncidentPath) -> Response:
        """Start investigating an incident.

        Staff with incident:manage.
        """
        incidents.investigate(current_caller().user_id, path.incident_id)
        return _one(incidents, path.incident_id)

    @api.post(
        ONE + "/resolve",
        security=BEARER,
        responses=ok(s.Incident, InvalidIncidentTransition, ResolutionIncomplete),
    )
    @require_permission(MANAGE)
    def resolve_incident(path: s.IncidentPath, body: s.IncidentResolveBody) -> Response:
        """Resolve an incident with its root cause or a resolution note.

        Staff with incident:manage.
        """
        incidents.resolve(
            current_caller().user_id, path.incident_id, root_cause=body.root_cause, note=body.note
        )
        return _one(incidents, path.incident_id)

    @api.post(ONE + "/close", security=BEARER, responses=ok(s.Incident, InvalidIncidentTransition))
    @require_permission(MANAGE)
    def close_incident(path: s.IncidentPath, body: s.IncidentCloseBody) -> Response:
        """Close a resolved incident, with an optional note.

        Staff with incident:manage.
        """
        incidents.close(current_caller().user_id, path.incident_id, body.note)
        return _one(incidents, path.incident_id)


def _breach_routes(api: APIBlueprint, breaches: BreachNotifications) -> None:
    # -- breach notification (POPIA s22) -----------------------------------------------------------
    @api.post(
        BREACH,
        security=BEARER,
        responses=created(
            s.BreachNotification, BreachAlreadyRecorded, NotificationTimeInvalid, NotificationIncomplete
        ),
    )
    @require_permission(MANAGE)
    def create_breach_notification(path: s.IncidentPath, body: s.BreachNotificationBody) -> Response:
        """Record that an incident compromised personal information (POPIA s22).

        Staff with incident:manage. Starts the notification clock; Location is the record's URL.
        """
        notifications = {
            k: v
            for k, v in body.model_dump(
                include={"regulator_notified_at", "regulator_reference", "subjects_notified_at", "channel"}
            ).items()
            if v is not None
        }
        breaches.mark(
            current_caller().user_id,
            path.incident_id,
            NewBreach(
                discovered_at=body.discovered_at,
                consequences=body.consequences,
                measures=body.measures,
                recommendations=body.recommendations,
                unauthorised_party=body.unauthorised_party,
            ),
            notifications,
        )
        return envelope.created(
            breach_json(breaches.get(path.incident_id), breaches),
            location=f"{API_V1}{LIST}/{path.incident_id}/breach-notification",
        )

    @api.get(BREACH, security=BEARER, responses=ok(s.BreachNotification, BreachNotRecorded))
    @require_permission(READ)
    def get_breach_notification(path: s.IncidentPath) -> Response:
        """Read an incident's breach-notification record and its deadline.

        Staff with incident:read.
        """
        return envelope.success(breach_json(breaches.get(path.incident_id), breaches))


def _breach_update_routes(api: APIBlueprint, breaches: BreachNotifications) -> None:
    @api.patch(
        BREACH,
        security=BEARER,
        responses=ok(
            s.BreachNotification, BreachNotRecorded, NotificationTimeInvalid, NotificationIncomplete
        ),
    )
    @require_permission(MANAGE)
    def update_breach_notification(path: s.IncidentPath, body: s.BreachNotificationUpdateBody) -> Response:
        """Record the notifications sent or correct the breach record.

        Staff with incident:manage. Only the fields sent change.
        """
        changes = {
            k: v
            for k, v in body.model_dump(exclude_unset=True).items()
            if v is not None or k == "unauthorised_party"
        }
        updated = breaches.update(current_caller().user_id, path.incident_id, changes)
        return envelope.success(breach_json(updated, breaches))

    @api.get(
        BREACH + "/letter",
        security=BEARER,
        responses=download(("application/pdf", "text/plain"), BreachNotRecorded),
    )
    @require_permission(READ)
    def get_breach_letter(path: s.IncidentPath, query: s.BreachLetterQuery) -> Response:
        """Download the notification letter to the data subjects (POPIA s22(4)-(5)).

        Staff with incident:read. PDF (default) or text; its SHA-256 in Repr-Digest.
        """
        body, _letter = breaches.letter(current_caller().user_id, path.incident_id, query.format)
        stem = f"breach-notification-{path.incident_id}"
        if query.format == "text":
            return file_response(body, mimetype="text/plain; charset=utf-8", filename=f"{stem}.txt")
        return file_response(body, mimetype="application/pdf", filename=f"{stem}.pdf")
