"""The data-subject request routes under the API contract: 201 with Location, the one list
contract (cursor, limit, aliases, unknown parameters refused), `bundle_status` so a subject
sees when the access bundle is ready, and every time in Z with milliseconds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from support.identity import signed_in, staff_with_mfa
from support.privacy_requests import MINE, QUEUE, act, file_request, filed, install_doubles, started

API_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LOOKS_LIKE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def ports(client, container):
    return install_doubles(client, container)


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def times_in(value: Any, where: str = "") -> list[tuple[str, str]]:
    """Every string in a JSON value that is, or is named as, a point in time."""
    if isinstance(value, dict):
        return [t for key, item in value.items() for t in times_in(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [t for index, item in enumerate(value) for t in times_in(item, f"{where}.{index}")]
    if isinstance(value, str) and (where.endswith("_at") or LOOKS_LIKE_TIME.match(value)):
        return [(where, value)]
    return []


def mine(client, user, rid: str) -> dict:
    response = client.get(f"{MINE}/{rid}", headers=user.auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def test_filing_answers_201_with_the_requests_url_in_location(client, ports):
    user = signed_in(client)

    response = file_request(client, user, "objection", details="No profiling")

    assert response.status_code == 201
    location = response.headers["Location"]
    created = response.get_json()["data"]
    assert location.endswith(f"{MINE}/{created['id']}")
    assert client.get(location, headers=user.auth).get_json()["data"] == created


def test_a_correction_without_its_value_is_refused_naming_correction(client, ports):
    user = signed_in(client)

    missing = file_request(client, user, "correction")

    assert missing.status_code == 422
    assert [d["field"] for d in missing.get_json()["error"]["details"]] == ["correction"]


def test_the_subject_sees_the_bundle_status_until_it_is_ready_to_download(client, container, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "access")["id"]
    seen = [mine(client, user, rid)["bundle_status"]]
    started(client, officer, rid)
    seen.append(mine(client, user, rid)["bundle_status"])
    container.outbox.dispatch_pending()  # the worker builds the bundle
    waiting = mine(client, user, rid)
    seen.append(waiting["bundle_status"])
    act(client, officer, rid, "complete")
    done = mine(client, user, rid)
    seen.append(done["bundle_status"])

    assert seen == ["not_requested", "preparing", "built", "ready"]
    assert waiting["outcome"] is None
    download = client.get(f"{MINE}/{rid}/bundle", headers=user.auth)
    assert download.status_code == 200
    outcome = done["outcome"]
    assert outcome["bundle_size"] == len(download.data)
    assert outcome["bundle_sha256"] and API_TIME.match(outcome["bundle_expires_at"])
    objection = filed(client, user, "objection", details="No profiling")
    assert objection["bundle_status"] == "not_applicable"


def test_a_refused_access_request_shows_its_bundle_withheld(client, container, ports, officer):
    user = signed_in(client)
    rid = filed(client, user, "access")["id"]
    started(client, officer, rid)
    container.outbox.dispatch_pending()

    refused = act(client, officer, rid, "refuse", reason="Identity in doubt", legal_ground="POPIA s23(1)")

    assert refused.get_json()["data"]["bundle_status"] == "withheld"
    assert mine(client, user, rid)["bundle_status"] == "withheld"


def test_every_time_in_a_privacy_request_is_z_with_milliseconds(client, container, ports, officer):
    user = signed_in(client)
    access = filed(client, user, "access")["id"]
    started(client, officer, access)
    act(client, officer, access, "extend", days=10, reason="Records in archive")
    container.outbox.dispatch_pending()
    act(client, officer, access, "complete")
    correction = filed(client, user, "correction", correction={"field": "full_name", "value": "N. Shikongo"})[
        "id"
    ]
    started(client, officer, correction)
    act(
        client,
        officer,
        correction,
        "refuse",
        reason="The name on record is right",
        legal_ground="POPIA s24(3)",
    )
    erasure = filed(client, user, "erasure")["id"]
    started(client, officer, erasure)
    act(client, officer, erasure, "complete")

    views = [
        client.get(f"{QUEUE}/{rid}", headers=officer.auth).get_json()["data"] for rid in (access, correction)
    ]
    views += client.get(MINE, headers=user.auth).get_json()["data"]
    found = [t for view in views for t in times_in(view)]

    paths = {path for path, _ in found}
    for expected in (".outcome.bundle_built_at", ".notifications.0.queued_at", ".dispute.recorded_at"):
        assert expected in paths, expected
    assert {".extension.extended_at", ".verifications.0.verified_at"} <= paths
    wrong = [(path, value) for path, value in found if not API_TIME.match(value)]
    assert wrong == []


def test_the_queue_follows_the_list_contract(client, ports, officer):
    for _ in range(3):
        filed(client, signed_in(client), "objection", details="No profiling")
    query = {"type": "objection", "status": "received", "limit": 2}

    first = client.get(QUEUE, headers=officer.auth, query_string=query).get_json()
    cursor = first["meta"]["next_cursor"]
    second = client.get(QUEUE, headers=officer.auth, query_string={**query, "cursor": cursor}).get_json()
    by_page = client.get(
        QUEUE,
        headers=officer.auth,
        query_string={"type": "objection", "status": "received", "page": 2, "per_page": 2},
    ).get_json()
    unknown = client.get(QUEUE, headers=officer.auth, query_string={"state": "received"})

    assert len(first["data"]) == 2 and first["meta"]["has_more"] is True and cursor
    assert second["meta"]["has_more"] is False and second["meta"]["next_cursor"] is None
    ids = [r["id"] for r in first["data"] + second["data"]]
    assert len(ids) == len(set(ids)) == first["meta"]["total"]
    assert [r["id"] for r in by_page["data"]] == [r["id"] for r in second["data"]]  # the alias
    assert unknown.status_code == 422
    assert [d["field"] for d in unknown.get_json()["error"]["details"]] == ["state"]


def test_the_subjects_own_list_follows_the_list_contract(client, ports):
    user = signed_in(client)
    for type_ in ("objection", "erasure", "access"):
        filed(client, user, type_)

    first = client.get(MINE, headers=user.auth, query_string={"limit": 2}).get_json()
    second = client.get(
        MINE, headers=user.auth, query_string={"limit": 2, "cursor": first["meta"]["next_cursor"]}
    ).get_json()

    assert [r["type"] for r in first["data"] + second["data"]] == ["access", "erasure", "objection"]
    assert first["meta"]["has_more"] is True and second["meta"]["has_more"] is False
    assert second["meta"]["next_cursor"] is None
    assert client.get(MINE, headers=user.auth, query_string={"sort": "due"}).status_code == 422
