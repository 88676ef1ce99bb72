"""Escalation notices: each holder of the case type's manage permission (scope `all`) is
mailed when a case escalates (the event comes through the outbox)."""

from __future__ import annotations

import logging
import uuid
from typing import Protocol

from elcorp.compliance.sla.application.sla import MANAGE_PERMISSION
from elcorp.compliance.sla.domain.sla import CaseType
from elcorp.compliance.sla.domain.sla_events import SlaCaseEscalated
from elcorp.shared.application.mail import Contacts, EmailSender
from elcorp.shared.domain.clock import isoformat_z

logger = logging.getLogger(__name__)


class Holders(Protocol):
    def globally(self, permission: str) -> frozenset[uuid.UUID]: ...


class SlaMailer:
    def __init__(
        self, holders: Holders, contacts: Contacts, sender: EmailSender, public_base_url: str
    ) -> None:
        self._holders = holders
        self._contacts = contacts
        self._sender = sender
        self._base = public_base_url.rstrip("/")

    def on_escalated(self, event: SlaCaseEscalated) -> None:
        case_type = CaseType(event.case_type)
        people = self._holders.globally(MANAGE_PERMISSION[case_type])
        due = "unknown (paused)" if event.resolution_due_at is None else isoformat_z(event.resolution_due_at)
        label = case_type.value.replace("_", " ")
        body = (
            f"The {label} {event.case_id} ({event.category}, priority {event.priority}) passed its "
            f"escalation time without being resolved. Resolution is due {due}.\n\n"
            f"{self._base}/api/v1/sla/cases/{case_type.value}/{event.case_id}\n"
        )
        for user_id, address in sorted(self._contacts.addresses(people).items()):
            self._sender.send(address, f"SLA escalation: {label} {event.priority}", body)
            logger.info("sla.escalation_mailed user_id=%s case_id=%s", user_id, event.case_id)
