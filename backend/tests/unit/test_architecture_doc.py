"""docs/ARCHITECTURE.md names only what exists: the shared kernel's module lists are the
tree's, every file and module it names is there, and the container it describes has the
fields it names."""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

from elcorp.container import Container
from elcorp.infra import Infrastructure

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "backend" / "src" / "elcorp"
CONTEXTS = ("identity", "payments", "governance", "compliance")


def section(title: str) -> str:
    start = DOC.index(title)
    return DOC[start : DOC.index("\n## ", start + len(title))]


def test_the_shared_kernel_table_lists_exactly_the_modules_of_each_package():
    rows = re.findall(r"^\| `(\w+)` \| (.*) \|$", section("## The shared kernel"), re.MULTILINE)
    assert {package for package, _ in rows} == {
        "domain",
        "application",
        "security",
        "infrastructure",
        "interfaces",
    }
    for package, cells in rows:
        listed = set(re.findall(r"`(\w+\.py)`", cells))
        tree = {p.name for p in (PACKAGE / "shared" / package).glob("*.py") if p.name != "__init__.py"}
        assert listed == tree, package


def exists(name: str) -> bool:
    """From the repository root, `backend/`, `backend/src/`, a context, or a layer of every
    context cut by layer (compliance is cut into feature folders, each with its layers)."""
    if any((base / name).exists() for base in (ROOT, ROOT / "backend", ROOT / "backend" / "src", PACKAGE)):
        return True
    return name.startswith(("domain/", "application/", "infrastructure/", "interfaces/")) and all(
        (PACKAGE / context / name).exists() for context in CONTEXTS if context != "compliance"
    )


def test_every_file_the_document_names_exists():
    named = re.findall(r"`([\w./-]+/[\w.-]+\.(?:py|sql|md|toml|ini))`", DOC)
    assert len(named) > 10
    assert [name for name in named if not exists(name)] == []


def test_every_module_and_task_the_document_names_exists():
    unknown = []
    # Celery task names (`elcorp.compliance.build_access_bundles`) look alike: they must be tasks,
    # the platform's or a job a context declares.
    tasks = set(
        re.findall(r'name="(elcorp\.[\w.]+)"', (PACKAGE / "jobs" / "tasks.py").read_text(encoding="utf-8"))
    )
    for declared in (*PACKAGE.glob("*/interfaces/jobs.py"), *PACKAGE.glob("compliance/*/interfaces/jobs.py")):
        source = declared.read_text(encoding="utf-8")
        tasks |= set(re.findall(r'Job\(\s*"(elcorp\.[\w.]+)"', source))
    packages = "|".join(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    for dotted in sorted(set(re.findall(rf"`(elcorp\.(?:{packages})(?:\.\w+)*)`", DOC)) - tasks):
        try:
            importlib.import_module(dotted)
        except ModuleNotFoundError:
            parent, _, attribute = dotted.rpartition(".")
            if not hasattr(importlib.import_module(parent), attribute):
                unknown.append(dotted)
    assert unknown == []


def test_the_container_has_every_field_the_composition_root_section_names():
    named = set(re.findall(r"`(\w+)`", section("## Composition root").split("plus `uow()`")[0]))
    properties = {name for name, value in vars(Container).items() if isinstance(value, property)}
    infrastructure = {f.name for f in dataclasses.fields(Infrastructure)}
    fields = {f.name for f in dataclasses.fields(Container)} | properties | infrastructure | {"uow"}
    described = named - {"Container", "MessageBus", "FieldCipher", "OutboxDispatcher", "Infrastructure"}
    described -= {"IdentityModule", "GovernanceModule", "PaymentsModule", "ComplianceModule"}
    described -= {"bootstrap", "wire_access", "UserDirectory"}
    assert described <= fields, described - fields
    assert "extras" not in fields


def test_the_readme_links_every_document():
    readme = (PACKAGE.parents[2] / "README.md").read_text()
    documents = sorted(p.name for p in (PACKAGE.parents[2] / "docs").glob("*.md"))
    assert documents and [d for d in documents if f"docs/{d}" not in readme] == []
