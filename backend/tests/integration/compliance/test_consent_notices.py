"""Privacy notices (POPIA s18): versioned, public to read, published by staff, never changed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa

S18_FIELDS = {
    "responsible_party",
    "information_collected",
    "source",
    "purposes",
    "supply",
    "consequences_of_not_supplying",
    "laws",
    "recipients",
    "cross_border_transfers",
    "rights",
    "regulator",
    "version",
    "published_at",
    "language",
}


def new_notice_body(client, **changes) -> dict:
    """The current notice as a publishable body, with some fields changed."""
    current = client.get("/api/v1/privacy/notices/current").get_json()["data"]
    body = {
        k: v for k, v in current.items() if k not in {"version", "published_at", "published_by", "sha256"}
    }
    body.update(changes)
    return body


def test_the_current_notice_is_public_and_carries_the_s18_fields(client):
    response = client.get("/api/v1/privacy/notices/current")

    assert response.status_code == 200
    notice = response.get_json()["data"]
    assert set(notice) >= S18_FIELDS
    assert notice["version"] >= 1
    assert notice["responsible_party"]["name"] and notice["responsible_party"]["address"]
    assert notice["supply"] in {"voluntary", "mandatory", "mixed"}
    assert any("Financial Intelligence Act" in law for law in notice["laws"])
    assert {"access", "correction", "objection", "complaint"} <= set(notice["rights"])
    assert notice["regulator"]["name"] == "Information Regulator" and notice["regulator"]["email"]
    assert len(notice["sha256"]) == 64


def test_the_seeded_first_version_is_readable_by_number(client):
    response = client.get("/api/v1/privacy/notices/1")

    assert response.status_code == 200
    assert response.get_json()["data"]["version"] == 1
    assert client.get("/api/v1/privacy/notices/999").status_code == 404


def test_staff_publish_a_new_version_which_becomes_current_and_is_audited(client, container):
    staff = staff_with_mfa(client, container, "staff")
    before = client.get("/api/v1/privacy/notices/current").get_json()["data"]

    response = client.post(
        "/api/v1/privacy/notices",
        headers=staff.auth,
        json=new_notice_body(client, summary_of_changes="Partner sharing explained"),
    )

    assert response.status_code == 201, response.get_json()
    published = response.get_json()["data"]
    assert published["version"] == before["version"] + 1
    assert published["published_by"] == staff.id
    current = client.get("/api/v1/privacy/notices/current").get_json()["data"]
    assert current["version"] == published["version"]
    assert current["summary_of_changes"] == "Partner sharing explained"
    # The earlier version is still there, unchanged.
    assert client.get(f"/api/v1/privacy/notices/{before['version']}").get_json()["data"] == before
    (entry,) = audit_entries(container, "privacy.notice_published")
    assert entry["actor_id"] == staff.id
    assert entry["resource_type"] == "privacy_notice" and entry["resource_id"] == str(published["version"])
    assert entry["changes"]["after"]["sha256"] == published["sha256"]


def test_the_list_of_versions_is_public_newest_first(client, container):
    staff = staff_with_mfa(client, container, "staff")
    client.post("/api/v1/privacy/notices", headers=staff.auth, json=new_notice_body(client, title="Second"))

    response = client.get("/api/v1/privacy/notices")

    assert response.status_code == 200
    versions = response.get_json()["data"]
    assert [v["version"] for v in versions] == sorted((v["version"] for v in versions), reverse=True)
    assert versions[0]["title"] == "Second" and versions[-1]["version"] == 1
    assert response.get_json()["meta"]["total"] == len(versions)


def test_a_notice_that_omits_a_right_or_a_recipient_is_refused_with_each_gap_named(client, container):
    staff = staff_with_mfa(client, container, "staff")
    body = new_notice_body(client, rights={"access": "ask us"}, recipients=["  "])

    response = client.post("/api/v1/privacy/notices", headers=staff.auth, json=body)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "CON_004"
    fields = {d["field"] for d in error["details"]}
    assert {"rights.correction", "rights.objection", "rights.complaint", "recipients"} <= fields
    assert audit_entries(container, "privacy.notice_published") == []


def test_customers_cannot_publish_a_notice(client):
    customer = signed_in(client)

    response = client.post("/api/v1/privacy/notices", headers=customer.auth, json=new_notice_body(client))

    assert response.status_code == 403


def test_a_published_notice_cannot_be_updated_or_deleted_even_in_sql(container):
    with container.session_factory() as session:
        for statement in (
            "UPDATE privacy_notice SET content = '{}'::jsonb WHERE version = 1",
            "DELETE FROM privacy_notice WHERE version = 1",
        ):
            with pytest.raises(DBAPIError, match="never changes"), session.begin_nested():
                session.execute(text(statement))
        assert session.execute(text("SELECT count(*) FROM privacy_notice WHERE version = 1")).scalar() == 1


def test_the_routes_are_in_the_openapi_document_public_reads_without_a_token(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    for public in (
        "/api/v1/privacy/notices",
        "/api/v1/privacy/notices/current",
        "/api/v1/privacy/notices/{version}",
        "/api/v1/privacy/receipt-keys",
    ):
        assert "security" not in paths[public]["get"], public
    protected = {
        ("/api/v1/privacy/notices", "post"),
        ("/api/v1/me/consents", "get"),
        ("/api/v1/me/consents", "post"),
        ("/api/v1/me/consents/receipts/{record_id}", "get"),
        ("/api/v1/privacy/subjects/{user_id}/consents", "get"),
        ("/api/v1/privacy/subjects/{user_id}/consents", "post"),
    }
    for path, method in protected:
        assert paths[path][method]["security"] == [{"bearerAuth": []}], path
