"""Mail the file email backend wrote (VAR_DIR/mail/*.eml), for tests of notifications."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path


def mails(settings, address: str) -> list[EmailMessage]:
    """Every message written to `address`, in no particular order."""
    directory = Path(settings.VAR_DIR) / "mail"
    found = []
    for path in directory.glob("*.eml") if directory.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if str(message["To"]).lower() == address.lower():
            found.append(message)
    return found
