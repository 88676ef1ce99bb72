"""Size limits that keep the code readable: no function over 60 lines, and no application
service class over 300 lines (a class that big holds several use cases; split it)."""

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
