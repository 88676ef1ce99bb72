"""The audit-trail routes under the one list contract: the log and the checkpoints page by
cursor with has_more / next_cursor, the earlier parameters still work as aliases, and
unknown parameters are refused naming them."""

from __future__ import annotations

from elcorp.compliance.audit.infrastructure.sequencer import AuditSequencer
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.shared.application.audit import Actor, Changes, Resource
from support.identity import staff_with_mfa

LOGS = "/api/v1/audit-logs"


def record(container, n: int, action: str) -> None:
    for i in range(n):
        with container.uow() as uow:
            uow.audit.record(
                action, Actor(id=f"user-{i}"), Resource("thing", str(i)), Changes(after={"i": i})
            )
            uow.commit()


def test_the_log_pages_by_cursor_with_has_more_and_the_per_page_alias(client, container):
    admin = staff_with_mfa(client, container, "admin")
    record(container, 3, "test.contract")
    container.audit_sequencer.run()

    first = client.get(
        LOGS, headers=admin.auth, query_string={"action": "test.contract", "limit": 2}
    ).get_json()
    rest = client.get(
        LOGS,
        headers=admin.auth,
        query_string={"action": "test.contract", "per_page": 2, "cursor": first["meta"]["next_cursor"]},
    ).get_json()

    assert first["meta"]["has_more"] is True and first["meta"]["limit"] == 2
    assert rest["meta"] == {"has_more": False, "next_cursor": None, "limit": 2}
    assert len({e["id"] for e in first["data"] + rest["data"]}) == 3


def test_the_log_refuses_page_numbers_and_unknown_parameters_naming_them(client, container):
    admin = staff_with_mfa(client, container, "admin")

    paged = client.get(LOGS, headers=admin.auth, query_string={"page": 2})
    unknown = client.get(LOGS, headers=admin.auth, query_string={"actor": "user-1"})
    offset_cursor = client.get(LOGS, headers=admin.auth, query_string={"cursor": "eyJvIjoyfQ"})

    for response, field in ((paged, "page"), (unknown, "actor"), (offset_cursor, "cursor")):
        assert response.status_code == 422
        body = response.get_json()
        assert body["status"] == "validation_error"
        assert [d["field"] for d in body["error"]["details"]] == [field]


def test_checkpoints_page_by_cursor_and_before_size_still_works(client, container):
    admin = staff_with_mfa(client, container, "admin")
    record(container, 2, "test.checkpoint")
    assert container.audit_sequencer.run().checkpointed
    eager = AuditSequencer(
        container.session_factory,
        CheckpointSigner(container.settings.audit_signing_keys()),
        checkpoint_every_entries=1,
    )
    for _ in range(2):
        record(container, 1, "test.checkpoint")
        assert eager.run().checkpointed
    url = f"{LOGS}/checkpoints"

    everything = client.get(url, headers=admin.auth).get_json()
    first = client.get(url, headers=admin.auth, query_string={"limit": 2}).get_json()
    second = client.get(
        url, headers=admin.auth, query_string={"limit": 2, "cursor": first["meta"]["next_cursor"]}
    ).get_json()
    smallest_first = first["data"][-1]["size"]
    aliased = client.get(
        url, headers=admin.auth, query_string={"limit": 2, "before_size": smallest_first}
    ).get_json()

    sizes = [c["size"] for c in everything["data"]]
    assert len(sizes) == 3 and sizes == sorted(sizes, reverse=True)
    assert everything["meta"]["has_more"] is False and everything["meta"]["next_cursor"] is None
    assert first["meta"]["has_more"] is True
    assert [c["size"] for c in first["data"] + second["data"]] == sizes
    assert second["meta"]["has_more"] is False
    assert aliased["data"] == second["data"]


def test_the_public_keys_are_one_bounded_page(client, container):
    admin = staff_with_mfa(client, container, "admin")

    body = client.get(f"{LOGS}/public-keys", headers=admin.auth).get_json()

    assert body["data"] and body["meta"]["has_more"] is False and body["meta"]["next_cursor"] is None
