"""Review reminders of the risk register (POPIA s19(2)(d): safeguards are updated as risks
change): mailed from the outbox to the risk's owner, or to the risk managers while the risk
has no owner."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol

from elcorp.compliance.risks.domain.risks import RiskReviewDue
from elcorp.shared.application.mail import EmailSender

logger = logging.getLogger(__name__)
MANAGE = "risk:manage"


class Addresses(Protocol):
    def addresses(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]: ...


@dataclass
class RiskReviewMailer:
    directory: Addresses
    sender: EmailSender
    public_base_url: str
    managers: Callable[[str], frozenset[uuid.UUID]]  # holders of a permission at scope `all`

    def on_review_due(self, event: RiskReviewDue) -> None:
        recipients = frozenset({event.owner_id}) if event.owner_id else self.managers(MANAGE)
        link = f"{self.public_base_url.rstrip('/')}/api/v1/risks/{event.risk_id}"
        body = (
            f'The review of the risk "{event.title}" (rated {event.rating}) was due on '
            f"{event.review_date} and has not been recorded.\n\n"
            "Check that its controls are in place and still work, update its ratings and record "
            f"the review at:\n{link}\n"
        )
        for user_id, address in self.directory.addresses(recipients).items():
            self.sender.send(address, f"Risk review overdue: {event.title}", body)
            logger.info("risk.review_reminder user_id=%s risk_id=%s", user_id, event.risk_id)
