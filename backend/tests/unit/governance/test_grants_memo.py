"""A user's grants are read once per HTTP request (the permission check and the use case
share them), never across requests, and a change made during the request is seen."""

from __future__ import annotations

import uuid

from elcorp.governance.application.api import AccessControl, Grants
from elcorp.governance.domain.rbac import Scope
from elcorp.shared.application import context


class CountingCache:
    def __init__(self) -> None:
        self.entries: dict[uuid.UUID, Grants] = {}
        self.gets = 0

    def get(self, user_id: uuid.UUID) -> Grants | None:
        self.gets += 1
        return self.entries.get(user_id)

    def put(self, user_id: uuid.UUID, grants: Grants) -> None:
        self.entries[user_id] = grants

    def invalidate(self, user_id: uuid.UUID) -> None:
        self.entries.pop(user_id, None)


def test_grants_are_read_once_per_request_and_not_memoised_outside_one():
    user = uuid.uuid4()
    stored = {"grants": Grants(frozenset({"user"}), {"payment:create": Scope.OWN})}
    cache = CountingCache()
    access = AccessControl(lambda _: stored["grants"], cache)

    context.start_request_memo()
    try:
        assert access.grants_for(user).allows("payment:create")
        assert access.grants_for(user).allows("payment:create")
        assert cache.gets == 1
        stored["grants"] = Grants(frozenset(), {})  # revoked during the request, then forgotten
        access.forget(user)
        assert not access.grants_for(user).allows("payment:create")
    finally:
        context.end_request_memo()

    access.grants_for(user)
    access.grants_for(user)
    assert cache.gets == 4  # outside a request every call asks the cache
