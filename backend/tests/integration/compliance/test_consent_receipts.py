"""Signed consent receipts: verifiable offline with the published Ed25519 key; any change to
the receipt breaks the signature."""

from __future__ import annotations

import base64
import copy
import hashlib

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from support.identity import signed_in


def verifies(receipt: dict, keys: dict[str, str]) -> bool:
    """An outside verifier: RFC 8785 bytes of `receipt`, Ed25519 with the key named by kid."""
    signature = receipt["signature"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(keys[signature["kid"]]))
    try:
        key.verify(base64.b64decode(signature["value"]), rfc8785.dumps(receipt["receipt"]))
    except InvalidSignature:
        return False
    return True


def published_keys(client) -> dict[str, str]:
    response = client.get("/api/v1/privacy/receipt-keys")  # public: no token
    assert response.status_code == 200
    return {k["kid"]: k["public_key"] for k in response.get_json()["data"]}


def receipt_for(client, user, record_id: str) -> dict:
    response = client.get(f"/api/v1/me/consents/receipts/{record_id}", headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_a_receipt_names_the_record_and_notice_and_verifies_with_the_published_key(client, container):
    user = signed_in(client)
    record = client.post(
        "/api/v1/me/consents", headers=user.auth, json={"purpose": "marketing", "granted": True}
    ).get_json()["data"]
    notice = client.get("/api/v1/privacy/notices/current").get_json()["data"]

    receipt = receipt_for(client, user, record["id"])

    body = receipt["receipt"]
    assert body["consentReceiptID"] == record["id"] and body["piiPrincipalId"] == user.id
    assert body["record"]["state"] == "granted" and body["record"]["purpose"] == "marketing"
    assert body["notice"] == {
        "version": notice["version"],
        "sha256": notice["sha256"],
        "published_at": body["notice"]["published_at"],
    }
    assert body["piiControllers"][0]["piiController"] == notice["responsible_party"]["name"]
    assert body["policyUrl"].endswith(f"/api/v1/privacy/notices/{notice['version']}")
    assert receipt["signature"]["alg"] == "Ed25519"
    assert receipt["signature"]["kid"] in container.audit_trail.public_keys()
    assert verifies(receipt, published_keys(client))


def test_the_notice_hash_in_a_receipt_is_that_of_the_published_text(client, container):
    notice = client.get("/api/v1/privacy/notices/1").get_json()["data"]
    content = {
        k: v for k, v in notice.items() if k not in {"version", "published_at", "published_by", "sha256"}
    }

    assert hashlib.sha256(rfc8785.dumps(content)).hexdigest() == notice["sha256"]


def test_a_tampered_receipt_fails_verification(client):
    user = signed_in(client)
    withdrawn = client.post(
        "/api/v1/me/consents", headers=user.auth, json={"purpose": "marketing", "granted": False}
    ).get_json()["data"]
    receipt = receipt_for(client, user, withdrawn["id"])
    keys = published_keys(client)
    assert verifies(receipt, keys)

    forged = copy.deepcopy(receipt)
    forged["receipt"]["record"]["state"] = "granted"
    other_subject = copy.deepcopy(receipt)
    other_subject["receipt"]["piiPrincipalId"] = "00000000-0000-0000-0000-000000000000"

    assert not verifies(forged, keys)
    assert not verifies(other_subject, keys)


def test_receipts_use_the_audit_signing_keys(client, container):
    assert published_keys(client) == container.audit_trail.public_keys()
