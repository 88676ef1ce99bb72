"""The audit port writes inside the caller's transaction; the table is append-only."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from elcorp.shared.application import context
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.infrastructure.tables import audit_log


def count_entries(session_factory, action):
    with session_factory() as session:
        return session.execute(
            select(text("count(*)")).select_from(audit_log).where(audit_log.c.action == action)
        ).scalar_one()


def test_entry_commits_with_the_business_change_and_carries_request_context(container):
    ctx = context.RequestContext(request_id="req-12345678", ip="196.44.1.7", user_agent="ElcorpApp/1.0")
    with context.bound(ctx), container.uow() as uow:
        uow.audit.record(
            "role.assigned",
            Actor(id="user-1", roles=("admin",)),
            Resource("user", "user-2"),
            Changes(before={"roles": ["user"]}, after={"roles": ["user", "staff"]}),
            reason="new branch manager",
        )
        uow.commit()
    with container.session_factory() as session:
        row = session.execute(select(audit_log).where(audit_log.c.action == "role.assigned")).one()
    entry = json.loads(row.entry)
    assert entry == {
        "id": str(row.id),
        "occurred_at": row.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "action": "role.assigned",
        "actor_id": "user-1",
        "actor_roles": ["admin"],
        "resource_type": "user",
        "resource_id": "user-2",
        "changes": {"before": {"roles": ["user"]}, "after": {"roles": ["user", "staff"]}},
        "reason": "new branch manager",
        "ip": "196.44.1.7",
        "user_agent": "ElcorpApp/1.0",
        "request_id": "req-12345678",
    }
    # stored canonical: compact, keys sorted, as hashed
    assert row.entry == json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # the searchable columns repeat the entry
    assert (row.actor_id, row.resource_type, row.resource_id) == ("user-1", "user", "user-2")
    assert (row.action, row.request_id) == ("role.assigned", "req-12345678")
    assert row.occurred_at.tzinfo is not None


def test_entry_is_rolled_back_with_the_business_change(container):
    with container.uow() as uow:
        uow.audit.record("transfer.created", Actor(id="user-1"), Resource("transfer", "t-1"))
        # leaving without commit(): rolled back
    assert count_entries(container.session_factory, "transfer.created") == 0


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
def test_audit_log_refuses_update_delete_and_truncate(container, statement):
    with container.uow() as uow:
        uow.audit.record("user.login", Actor(id="user-1"), Resource("user", "user-1"))
        uow.commit()
    with container.session_factory() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))
    assert count_entries(container.session_factory, "user.login") == 1


def test_values_outside_i_json_are_stored_as_strings_so_the_chain_never_blocks(container):
    from decimal import Decimal

    with container.uow() as uow:
        uow.audit.record(
            "odd.values",
            Actor(id="u"),
            Resource("thing", "1"),
            Changes(after={"big": 2**60, "nan": float("nan"), "amount": Decimal("12.50"), "ok": 7}),
        )
        uow.commit()
    with container.session_factory() as session:
        stored = session.execute(
            select(audit_log.c.entry).where(audit_log.c.action == "odd.values")
        ).scalar_one()
    changes = json.loads(stored)["changes"]
    assert changes["after"] == {"big": str(2**60), "nan": "nan", "amount": "12.50", "ok": 7}
    assert container.audit_sequencer.run().sequenced >= 1
    assert container.audit_trail.verify().ok
