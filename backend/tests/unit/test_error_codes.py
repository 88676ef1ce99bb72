"""Error codes are a public contract: unique, mapped to an HTTP status, documented.

The kernel's codes are the ErrorCode enum; a context's codes live on its exception
classes, which register code and status when they are defined."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from flask import Flask

import elcorp
from elcorp.config import REPO_ROOT
from elcorp.shared.domain import errors
from elcorp.shared.domain.errors import Conflict, DomainError, ErrorCode, ValidationFailed, error_catalogue
from elcorp.shared.interfaces.errors import HTTP_STATUS, register_error_handlers

API_DOC = Path(REPO_ROOT) / "docs" / "API.md"
LAYERS = ("domain", "application", "infrastructure", "interfaces")


@pytest.fixture(autouse=True)
def catalogue_restored():
    """The classes these tests declare leave the platform's catalogue as it was."""
    saved = dict(errors._CATALOGUE)
    yield
    errors._CATALOGUE.clear()
    errors._CATALOGUE.update(saved)


def every_code() -> dict[str, int]:
    """Code -> HTTP status of every error the platform can answer with: the kernel's, and
    every context's exception classes (their modules imported first)."""
    for module in pkgutil.walk_packages(elcorp.__path__, "elcorp."):
        if any(f".{layer}" in module.name for layer in LAYERS):
            importlib.import_module(module.name)
    codes = {str(code): status for code, status in HTTP_STATUS.items()}
    codes.update(error_catalogue())
    return codes


def test_kernel_codes_are_unique():
    values = [code.value for code in ErrorCode]
    assert len(values) == len(set(values))


def test_every_kernel_code_has_an_http_status():
    assert set(ErrorCode) == set(HTTP_STATUS)


def test_an_exception_class_answers_with_the_status_its_kernel_code_has():
    catalogue = every_code()
    for code in ErrorCode:
        assert catalogue[code.value] == HTTP_STATUS[code], code.value


def test_the_contexts_codes_are_on_their_classes_not_in_the_kernel():
    kernel = {code.value for code in ErrorCode}
    context_codes = set(every_code()) - kernel
    assert {code.split("_")[0] for code in context_codes} >= {"PAY", "INV", "VEH", "GOV", "RSK", "SLA", "INC"}
    assert not {code.split("_")[0] for code in kernel} & {code.split("_")[0] for code in context_codes}


def test_every_code_is_documented_with_its_status():
    lines = API_DOC.read_text().splitlines()
    for code, status in every_code().items():
        row = next((line for line in lines if line.startswith(f"| `{code}` |")), None)
        assert row is not None, f"{code} is not in docs/API.md"
        assert f"| {status} |" in row, f"{code}: docs/API.md gives another status"


def test_a_code_cannot_be_given_a_second_status():
    class RuleBroken(ValidationFailed):
        code = "TST_001"

    with pytest.raises(TypeError, match="TST_001"):

        class RuleBrokenElsewhere(Conflict):
            code = "TST_001"

    assert RuleBroken.status == 422


@pytest.mark.parametrize(("base", "status"), [(ValidationFailed, 422), (Conflict, 409), (DomainError, 422)])
def test_a_new_features_error_needs_no_kernel_change(base: type[DomainError], status: int):
    """A class declared outside the kernel is answered with its code and its status."""
    feature_error = type(f"FeatureError{status}{base.__name__}", (base,), {"code": f"TST_{status}"})
    teapot = type("TeapotError", (Conflict,), {"code": "TST_418", "status": 418})
    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/feature")
    def feature() -> None:
        raise feature_error("refused by the feature")

    @app.get("/teapot")
    def teapot_view() -> None:
        raise teapot()

    with app.test_request_context():
        answer = app.test_client().get("/feature")
        assert answer.status_code == status
        assert answer.get_json()["error"]["code"] == f"TST_{status}"
        assert answer.get_json()["error"]["message"] == "refused by the feature"
        assert app.test_client().get("/teapot").status_code == 418
