"""SQL store of the administrable PBAC policies (`access_policy`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from elcorp.governance.application.ports import StoredPolicy
from elcorp.governance.infrastructure.tables import access_policy


def _policy(row: Row[Any]) -> StoredPolicy:
    return StoredPolicy(
        name=str(row.name),
        kind=str(row.kind),
        enabled=bool(row.enabled),
        position=int(row.position),
        params=dict(row.params),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


class SqlPolicyStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def list_policies(self) -> list[StoredPolicy]:
        rows = self._session.execute(select(access_policy).order_by(access_policy.c.position)).all()
        return [_policy(row) for row in rows]

    def get_policy(self, name: str, *, for_update: bool = False) -> StoredPolicy | None:
        query = select(access_policy).where(access_policy.c.name == name)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else _policy(row)

    def update_policy(
        self, name: str, *, enabled: bool, params: Mapping[str, Any], updated_by: uuid.UUID
    ) -> None:
        self._session.execute(
            update(access_policy)
            .where(access_policy.c.name == name)
            .values(enabled=enabled, params=dict(params), updated_by=updated_by, updated_at=func.now())
        )
