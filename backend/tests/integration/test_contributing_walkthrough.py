"""CONTRIBUTING.md tells the truth: its walkthrough's code runs as written, on a real app,
and every file it names exists (or is marked as one the reader creates)."""

from __future__ import annotations

import re
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from elcorp.shared.domain.events import register_event_types
from support.identity import signed_in
from support.mail import mails

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "CONTRIBUTING.md"
SECTION = "## Adding an endpoint and an event subscriber, end to end"
MODULE = "walkthrough.callbacks"


def walkthrough_text() -> str:
    guide = GUIDE.read_text(encoding="utf-8")
    start = guide.index(SECTION)
    end = guide.index("\n## ", start + len(SECTION))
    return guide[start:end]


def walkthrough_code() -> str:
    """The section's Python blocks, in order, as one module."""
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", walkthrough_text(), re.MULTILINE | re.DOTALL)
    assert len(blocks) == 4, "domain, application, interfaces, subscriber"
    return "\n\n".join(textwrap.dedent(body) for _, body in blocks)


@pytest.fixture(scope="module")
def example() -> Iterator[types.ModuleType]:
    module = types.ModuleType(MODULE)
    sys.modules[MODULE] = module  # dataclasses look their module up
    try:
        exec(compile(walkthrough_code(), f"CONTRIBUTING.md ({SECTION[3:]})", "exec"), module.__dict__)  # noqa: S102
        yield module
    finally:
        del sys.modules[MODULE]


@pytest.fixture
def container(own_container):
    """A container of this module's own: the walkthrough subscribes a handler and registers routes."""
    return own_container


@pytest.fixture
def wired(example, app, container):
    """Step 5 of the walkthrough, done on the test's app and container."""
    register_event_types([example.CallbackRequested])
    app.register_api(example.blueprint(example.RequestCallback(container.uow)))
    acknowledgement = example.CallbackAcknowledgement(container.users, container.infra.mail)
    container.bus.subscribe(example.CallbackRequested, acknowledgement.on_requested)
    return example


def test_the_walkthrough_endpoint_answers_audits_and_its_subscriber_mails_the_customer(
    wired, client, container
):
    customer = signed_in(client)
    response = client.post("/api/v1/callback-requests", json={"topic": "payments"}, headers=customer.auth)
    assert response.status_code == 201, response.get_json()
    request_id = response.get_json()["data"]["id"]

    with container.session_factory() as session:
        audited = (
            session.execute(
                text(
                    "SELECT actor_id FROM audit_log WHERE action = 'callback.requested' AND resource_id = :id"
                ),
                {"id": request_id},
            )
            .scalars()
            .all()
        )
    assert audited == [customer.id]
    subjects = [m["Subject"] for m in mails(container.settings, customer.email)]
    assert "We will call you back" not in subjects  # nothing is sent at commit: the outbox delivers

    container.outbox.dispatch_pending()
    acknowledgements = [
        m for m in mails(container.settings, customer.email) if m["Subject"] == "We will call you back"
    ]
    assert len(acknowledgements) == 1
    assert f"(ref. {request_id})" in acknowledgements[0].get_content()


def test_the_walkthrough_rule_refuses_an_unknown_topic_with_a_validation_error(wired, client):
    customer = signed_in(client)
    response = client.post("/api/v1/callback-requests", json={"topic": "weather"}, headers=customer.auth)
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert body["error"]["code"] == "VAL_001"
    assert [item["field"] for item in body["error"]["details"]] == ["topic"]


def test_the_walkthrough_endpoint_declares_its_access(wired, client):
    assert client.post("/api/v1/callback-requests", json={"topic": "payments"}).status_code == 401
    view = client.application.view_functions["callbacks.request_callback"]
    assert getattr(view, "requires_authentication", False) or getattr(
        getattr(view, "__wrapped__", None), "requires_authentication", False
    )


# -- every path the guide names --------------------------------------------------------------
PATH = re.compile(r"`([\w./-]+/[\w.-]+)`( \(new\))?")
BASES = {
    "backend/": ROOT,
    "docs/": ROOT,
    "scripts/": ROOT,
    "integration/": ROOT / "backend" / "tests",
    "unit/": ROOT / "backend" / "tests",
    "support/": ROOT / "backend" / "tests",
}
CONTEXT_ROOT = ROOT / "backend" / "src" / "elcorp"


def named_paths() -> list[tuple[str, bool]]:
    found = []
    for match in PATH.finditer(GUIDE.read_text(encoding="utf-8")):
        name, new = match.group(1), bool(match.group(2))
        if "." in name.rsplit("/", 1)[-1] or name.endswith("/"):
            found.append((name, new))
    return found


LAYERS = ("domain/", "application/", "infrastructure/", "interfaces/")
CONTEXTS = ("identity", "payments", "governance", "compliance")


def exists(name: str) -> bool:
    """A path from the repository root, the tests, a context (`payments/domain/ledger.py`),
    or a layer of every context cut by layer (`application/event_types.py`; compliance is
    cut into feature folders, each with its layers)."""
    for prefix, base in BASES.items():
        if name.startswith(prefix):
            return (base / name).exists()
    if name.startswith(LAYERS):
        return all(
            (CONTEXT_ROOT / context / name).exists() for context in CONTEXTS if context != "compliance"
        )
    return (CONTEXT_ROOT / name).exists()


def test_every_file_the_guide_names_exists_unless_marked_new():
    named = named_paths()
    assert len(named) > 30  # the check reads the guide's paths, not an empty list
    missing = [name for name, new in named if not new and not exists(name)]
    assert missing == []
    already_there = [name for name, new in named if new and exists(name)]
    assert already_there == []


def test_every_dotted_name_the_guide_imports_from_exists():
    import importlib

    modules = set(re.findall(r"`(elcorp(?:\.\w+)+)`", GUIDE.read_text(encoding="utf-8")))
    modules |= set(re.findall(r"^\s*from (elcorp(?:\.\w+)+) import", walkthrough_code(), re.MULTILINE))
    unknown = []
    for dotted in sorted(modules):
        try:
            importlib.import_module(dotted)
        except ModuleNotFoundError:
            parent, _, attribute = dotted.rpartition(".")
            if not hasattr(importlib.import_module(parent), attribute):
                unknown.append(dotted)
    assert unknown == []
