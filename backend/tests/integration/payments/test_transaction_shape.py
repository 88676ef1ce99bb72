"""One transaction representation: what POST /transfers answers (and replays) is what
GET /transactions/{id} answers for the same transaction until it is decided or reversed."""

from __future__ import annotations

from support.payments import transfer


def test_the_created_transfer_reads_back_the_same(client, alice, bob):
    created = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "25.00", key="shape-1")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()["data"]
    read = client.get(f"/api/v1/transactions/{body['id']}", headers=alice.auth)
    assert read.status_code == 200, read.get_json()
    assert read.get_json()["data"] == body
    assert (body["decided_by"], body["reversed_amount"]) == (None, "0.00")
