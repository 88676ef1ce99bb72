"""The subject is told how their request was answered (POPIA s23(1), s24(4); PAIA s25(3)):
mail sent from the outbox once the request closed, with the refusal's reason and legal
ground, and where they may complain (the Information Regulator, s74)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from elcorp.compliance.privacy.domain.privacy_requests import PrivacyRequestClosed
from elcorp.shared.application.mail import EmailSender

TITLES = {
    "access": "access to your personal information",
    "correction": "correction of your personal information",
    "erasure": "erasure of your personal information",
    "objection": "objection to processing",
    "marketing_opt_out": "opt-out of direct marketing",
}


class Addresses(Protocol):
    def addresses(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...


@dataclass
class PrivacyRequestMailer:
    directory: Addresses
    sender: EmailSender
    public_base_url: str

    def on_closed(self, event: PrivacyRequestClosed) -> None:
        if event.request_type == "erasure" and event.status == "completed":
            return  # told at once by send_erasure_notice: no address is left afterwards
        address = self.directory.addresses([event.subject_id]).get(event.subject_id)
        if address is None:
            return  # an erased or closed account: the answer stays on the request
        title = TITLES.get(event.request_type, event.request_type)
        link = f"{self.public_base_url.rstrip('/')}/api/v1/me/privacy-requests/{event.request_id}"
        verdict = "has been completed" if event.status == "completed" else "has been refused"
        body = (
            f"Your request for {title} (reference {event.request_id}) {verdict}.\n\n"
            f"The outcome, and any reason and legal ground, are at:\n{link}\n\n"
            "If you are not satisfied with the answer you may complain to the Information "
            "Regulator.\n"
        )
        self.sender.send(address, f"Your privacy request: {title}", body)

    def send_erasure_notice(self, address: str, request_id: uuid.UUID, outcome: Mapping[str, Any]) -> None:
        """The outcome notice of a completed erasure, to the address the subject had: sent
        as the erasure completes, since the address itself is gone afterwards."""
        lines = [
            f"Your request for erasure of your personal information (reference {request_id}) "
            "has been completed.",
            "",
            "Erased:",
        ]
        lines += [f"- {e['category']}: {e['disposal']}" for e in outcome.get("erased", [])] or ["- nothing"]
        lines += ["", "Kept, because the law requires it (restricted to that purpose):"]
        for k in outcome.get("kept", []):
            until = f", until {k['until']}" if k.get("until") else ""
            lines.append(f"- {k['category']}: {k['legal_basis']}{until}")
        if not outcome.get("kept"):
            lines.append("- nothing")
        lines += [
            "",
            "If you are not satisfied with the answer you may complain to the Information Regulator.",
        ]
        self.sender.send(
            address, "Your privacy request: erasure of your personal information", "\n".join(lines) + "\n"
        )
