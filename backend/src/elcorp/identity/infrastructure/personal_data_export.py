"""SQL side of identity's access-bundle section: the device history."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from elcorp.identity.infrastructure.tables import device_token

# Not exported: refresh_token_hash and family_id (credentials, not information about the person).
DEVICE_COLUMNS = (
    device_token.c.device_id,
    device_token.c.device_name,
    device_token.c.user_agent,
    device_token.c.ip_address,
    device_token.c.created_at,
    device_token.c.last_used_at,
    device_token.c.expires_at,
    device_token.c.revoked_at,
)


class SqlDeviceHistory:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def of(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        query = (
            select(*DEVICE_COLUMNS)
            .where(device_token.c.user_id == user_id)
            .order_by(device_token.c.created_at)
        )
        with self._sessions() as session:
            return [dict(row._mapping) for row in session.execute(query)]
