"""Limits that keep the code readable: no function over 60 lines, no application service
class over 300 lines (a class that big holds several use cases; split it), a composition
root that only composes, and no service looked up by name in a view."""

import ast
from pathlib import Path

import elcorp

PACKAGE = Path(elcorp.__file__).parent
MAX_FUNCTION_LINES = 60
MAX_SERVICE_CLASS_LINES = 300


def definitions() -> list[tuple[Path, ast.AST]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append((path, node))
    return found


def length(node: ast.AST) -> int:
    return node.end_lineno - node.lineno + 1  # type: ignore[attr-defined, no-any-return]


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length(node)} lines)"  # type: ignore[attr-defined]


def test_the_package_is_scanned():
    functions = [n for _, n in definitions() if not isinstance(n, ast.ClassDef)]
    assert len(functions) > 1000


def test_no_function_is_longer_than_sixty_lines():
    too_long = [
        where(path, node)
        for path, node in definitions()
        if not isinstance(node, ast.ClassDef) and length(node) > MAX_FUNCTION_LINES
    ]
    assert too_long == []


def test_no_application_service_class_is_longer_than_three_hundred_lines():
    too_long = [
        where(path, node)
        for path, node in definitions()
        if isinstance(node, ast.ClassDef)
        and "application" in path.relative_to(PACKAGE).parts
        and length(node) > MAX_SERVICE_CLASS_LINES
    ]
    assert too_long == []


def test_the_composition_root_only_composes():
    """bootstrap.py composes the contexts' modules; each context wires itself."""
    assert length_of_file(PACKAGE / "bootstrap.py") <= 150


def test_no_view_looks_a_service_up_by_name():
    """Blueprint factories close over typed services: a service fetched from
    `app.extensions` by a string fails at request time, invisible to mypy."""
    lookups = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if 'extensions["elcorp' in line
    ]
    assert lookups == []


def length_of_file(path: Path) -> int:
    return len(path.read_text().splitlines())
