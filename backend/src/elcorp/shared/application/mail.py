"""The mail ports every context's notices use, declared once: who to write to, and how a
message leaves the platform (SMTP in production, files in development and tests)."""

from __future__ import annotations

import uuid
from typing import Protocol


class EmailSender(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


class Contacts(Protocol):
    """Where to write to people: their verified addresses, by user id (absent ones omitted)."""

    def addresses(self, user_ids: frozenset[uuid.UUID]) -> dict[uuid.UUID, str]: ...
