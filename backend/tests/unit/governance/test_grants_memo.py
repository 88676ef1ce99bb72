"""A user's grants are read once per HTTP request (the permission check and the use case
share them), never across requests, and a change made during the request is seen."""

from __future__ import annotations

import uuid

import pytest

from elcorp.governance.application.api import AccessControl, Grants
from elcorp.governance.domain.rbac import Scope
from elcorp.shared.application import context
from elcorp.shared.domain.errors import AccessDenied


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


def test_the_callers_grants_are_those_their_session_may_use_others_see_stored_grants():
    """Issue 17, item 1: wherever grants are read, a session without MFA holds the customer set."""
    staff, other = uuid.uuid4(), uuid.uuid4()
    full = Grants.merge(frozenset({"staff"}), [("payment:approve", Scope.ALL), ("payment:create", Scope.ALL)])
    access = AccessControl(lambda _: full, CountingCache(), mfa_roles=frozenset({"staff"}))

    context.bind_session(context.Session(staff, mfa=False))
    try:
        mine = access.grants_for(staff)
        assert not mine.allows("payment:approve")
        assert mine.scope_of("payment:create") is Scope.OWN
        assert access.grants_for(other).allows("payment:approve")  # someone else: as assigned
        assert access.stored_grants(staff).allows("payment:approve")
        context.bind_session(context.Session(staff, mfa=True))
        assert access.grants_for(staff).allows("payment:approve")
    finally:
        context.bind_session(None)
    assert access.grants_for(staff).allows("payment:approve")  # no session: a job, the CLI


def test_mfa_not_enforced_leaves_grants_whole():
    staff = uuid.uuid4()
    full = Grants.merge(frozenset({"staff"}), [("payment:approve", Scope.ALL)])
    access = AccessControl(lambda _: full, CountingCache(), mfa_enforced=False)
    assert access.session_grants(staff, mfa=False).allows("payment:approve")


def test_require_returns_the_grants_of_a_holder_and_refuses_anyone_else():
    """The one permission check of the use cases: every permission, at least as widely as asked."""
    holder = uuid.uuid4()
    grants = Grants.merge(
        frozenset({"teller"}), [("payment:create", Scope.OWN), ("payment:deposit", Scope.ALL)]
    )
    access = AccessControl(lambda _: grants, CountingCache())

    assert access.require(holder, "payment:create", "payment:deposit") == grants
    with pytest.raises(AccessDenied, match="payment:approve required"):
        access.require(holder, "payment:create", "payment:approve")
    with pytest.raises(AccessDenied, match="payment:create required"):
        access.require(holder, "payment:create", scope=Scope.ALL)  # held only `own`
