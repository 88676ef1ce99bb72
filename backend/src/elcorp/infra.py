"""The infrastructure every context's wiring builds on, made once by the composition root.

Each `<context>/wiring.py` receives this instead of the whole container, so a context sees
the shared adapters (database, Redis, cipher, bus, outgoing mail) and nothing of the other
contexts but the public APIs handed to its `wire()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import redis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from elcorp.config import Settings
from elcorp.shared.application.mail import EmailSender
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.security.encryption import FieldCipher


@dataclass(frozen=True)
class Infrastructure:
    settings: Settings
    engine: Engine
    session_factory: Callable[[], Session]
    redis: redis.Redis
    cipher: FieldCipher
    bus: MessageBus
    mail: EmailSender  # SMTP in production, the file spool in development and tests
    public_base_url: str  # links in mail point here
    # True when the caller handed its own session factory (the tests' per-test rollback):
    # money movements then run inside those sessions instead of autocommitting on the pool.
    caller_sessions: bool = False
