"""The POPIA section of the PAIA manual (Markdown and PDF) and the data-flow map (JSON and
SVG), generated from the processing register and the data inventory."""

from __future__ import annotations

import base64
import hashlib
import io
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from support.identity import signed_in, staff_with_mfa

MANUAL = "/api/v1/privacy/paia-manual"
FLOWS = "/api/v1/privacy/data-flows"
ACTIVITIES = "/api/v1/privacy/processing-activities"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def digest_of(body: bytes) -> str:
    return f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"


def register_activities(client, officer) -> list[dict]:
    response = client.get(ACTIVITIES, query_string={"per_page": 100}, headers=officer.auth)
    return response.get_json()["data"]


def add_activity(client, officer, **overrides) -> dict:
    body = {
        "name": "Fraud screening",
        "purpose": "Screen transfers for fraud with an outside service",
        "lawful_basis": "legitimate_interest",
        "categories": ["financial.transaction.amount", "user.identity.wallet_address"],
        "data_subjects": ["customers"],
        "recipients": [
            {"name": "Screening service", "role": "operator", "contract_reference": "DPA-77", "country": "GB"}
        ],
        "transfers": [{"recipient": "Screening service", "country": "GB", "ground": "contract_with_subject"}],
        "retention": "90 days",
        "retention_basis": "fia_transaction",
    }
    body.update(overrides)
    response = client.post(ACTIVITIES, json=body, headers=officer.auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


# -- the PAIA manual ---------------------------------------------------------------------
def test_the_markdown_manual_describes_every_activity_and_category(client, officer):
    response = client.get(MANUAL, query_string={"format": "md"}, headers=officer.auth)

    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Repr-Digest"] == digest_of(response.data)
    manual = response.data.decode()
    assert manual.startswith("# PAIA manual: processing of personal information (POPIA)")
    for heading in (
        "## 1. Purpose of the processing",
        "## 2. Categories of data subjects and of their personal information",
        "## 3. Recipients or categories of recipients",
        "## 4. Planned transborder flows of personal information",
        "## 5. Information security measures",
    ):
        assert heading in manual
    for activity in register_activities(client, officer):
        assert f"### {activity['name']}" in manual
        assert activity["purpose"] in manual
        assert f"POPIA {activity['lawful_basis_section']}" in manual
        for category in activity["categories"]:
            assert f"`{category}`" in manual
    inventory = client.get("/api/v1/privacy/data-inventory", headers=officer.auth).get_json()["data"]
    for category in inventory:
        assert (
            f"| `{category['category']}` | {category['classification']} | {category['retention']} |" in manual
        )
    assert "| Marketing email provider | ZA | s72(1)(a):" in manual
    assert "Financial Intelligence Centre (Namibia)" in manual


def test_markdown_is_the_default_and_follows_the_register(client, officer):
    add_activity(client, officer)

    manual = client.get(MANUAL, headers=officer.auth).data.decode()

    assert "### Fraud screening" in manual
    assert "| Screening service | GB | s72(1)(c):" in manual
    assert (
        "| Screening service | operator | DPA\\-77 |" in manual
        or "| Screening service | operator | DPA-77 |" in manual
    )


def test_retired_activities_leave_the_manual(client, officer):
    added = add_activity(client, officer)
    client.patch(f"{ACTIVITIES}/{added['id']}", json={"status": "retired"}, headers=officer.auth)

    manual = client.get(MANUAL, headers=officer.auth).data.decode()

    assert "Fraud screening" not in manual


def test_text_from_the_register_cannot_inject_markdown(client, officer):
    add_activity(
        client, officer, name="Screening | [click](http://evil.example) <b>", purpose="# not a heading"
    )

    manual = client.get(MANUAL, headers=officer.auth).data.decode()

    assert "[click](http://evil.example)" not in manual
    assert "<b>" not in manual
    assert "\n# not a heading" not in manual
    assert "### Screening \\| \\[click\\](http://evil.example) \\<b\\>" in manual


def test_the_pdf_manual_parses_and_holds_the_register(client, officer):
    response = client.get(MANUAL, query_string={"format": "pdf"}, headers=officer.auth)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Repr-Digest"] == digest_of(response.data)
    assert response.headers["Content-Disposition"] == 'attachment; filename="paia-manual-popia.pdf"'
    reader = PdfReader(io.BytesIO(response.data))
    content = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(content.split())
    for activity in register_activities(client, officer):
        assert activity["name"] in flat
    assert "s11(1)(c)" in flat
    assert "s72(1)(a)" in flat
    assert "user.contact.email" in flat
    assert "Information security measures" in flat


def test_an_unknown_format_is_a_validation_error(client, officer):
    response = client.get(MANUAL, query_string={"format": "docx"}, headers=officer.auth)

    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "format"


# -- the data-flow map -------------------------------------------------------------------
def test_the_data_flow_map_links_categories_contexts_and_recipients(client, officer):
    response = client.get(FLOWS, headers=officer.auth)

    assert response.status_code == 200, response.get_json()
    flows = response.get_json()["data"]
    nodes = {n["id"]: n for n in flows["nodes"]}
    assert nodes["category:user.contact.email"]["kind"] == "category"
    assert nodes["context:identity"]["kind"] == "context"
    assert nodes["recipient:Marketing email provider"] == {
        "id": "recipient:Marketing email provider",
        "kind": "recipient",
        "label": "Marketing email provider",
        "role": "operator",
        "country": "ZA",
    }
    edges = {(e["source"], e["target"]): e for e in flows["edges"]}
    assert edges[("category:user.contact.email", "context:identity")]["kind"] == "held_by"
    assert ("category:user.identity.wallet_address", "context:payments") in edges
    marketing = edges[("context:identity", "recipient:Marketing email provider")]
    assert marketing["kind"] == "disclosed_to"
    assert marketing["cross_border"] is True
    assert marketing["transfers"] == [
        {"country": "ZA", "ground": "adequate_protection", "section": "s72(1)(a)"}
    ]
    assert marketing["activities"] == ["Marketing"]
    assert set(marketing["categories"]) == {"user.identity.name", "user.contact.email"}
    bank = edges[("context:payments", "recipient:Settlement bank")]
    assert bank["cross_border"] is False
    assert "financial.transaction.amount" in bank["categories"]
    assert response.get_json()["meta"] == {"nodes": len(flows["nodes"]), "edges": len(flows["edges"])}


def test_the_data_flow_map_follows_the_register(client, officer):
    add_activity(client, officer)

    edges = {
        (e["source"], e["target"]): e
        for e in client.get(FLOWS, headers=officer.auth).get_json()["data"]["edges"]
    }

    screening = edges[("context:payments", "recipient:Screening service")]
    assert screening["cross_border"] is True
    assert screening["transfers"][0]["country"] == "GB"
    assert (
        "context:identity",
        "recipient:Screening service",
    ) in edges  # the wallet address is held there too


def test_the_diagram_is_well_formed_svg_with_escaped_text(client, officer):
    add_activity(
        client,
        officer,
        name="<script>alert(1)</script>",
        recipients=[{"name": "Fish & <Chips> Ltd", "role": "third_party", "country": "NA"}],
        transfers=[],
    )

    response = client.get(f"{FLOWS}.svg", headers=officer.auth)

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Repr-Digest"] == digest_of(response.data)
    svg = response.data.decode()
    assert "<script>" not in svg
    assert "Fish &amp; &lt;Chips&gt; Ltd" in svg
    root = ET.fromstring(response.data)  # well-formed XML  # noqa: S314 - our own output
    assert root.tag == f"{SVG_NS}svg"
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert "user.contact.email" in texts
    assert "identity" in texts
    assert any(t and t.startswith("Marketing email provider") for t in texts)
    assert any(g.get("class") == "cross-border" for g in root.iter(f"{SVG_NS}g"))


def test_the_diagram_is_also_served_with_a_format_parameter(client, officer):
    by_suffix = client.get(f"{FLOWS}.svg", headers=officer.auth)
    by_format = client.get(FLOWS, query_string={"format": "svg"}, headers=officer.auth)

    assert by_format.status_code == 200
    assert by_format.mimetype == "image/svg+xml"
    assert by_format.data == by_suffix.data


def test_a_plain_user_may_read_neither_manual_nor_map(client):
    customer = signed_in(client)

    for url in (MANUAL, f"{MANUAL}?format=pdf", FLOWS, f"{FLOWS}.svg"):
        response = client.get(url, headers=customer.auth)
        assert response.status_code == 403, url
        assert response.get_json()["error"]["code"] == "ACC_001"
