"""Error codes are a public contract: unique, mapped to an HTTP status, documented."""

from pathlib import Path

from elcorp.config import REPO_ROOT
from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces.errors import HTTP_STATUS

API_DOC = Path(REPO_ROOT) / "docs" / "API.md"


def test_codes_are_unique():
    values = [code.value for code in ErrorCode]
    assert len(values) == len(set(values))


def test_every_code_has_an_http_status():
    assert set(ErrorCode) == set(HTTP_STATUS)


def test_every_code_is_documented_with_its_status():
    text = API_DOC.read_text()
    for code in ErrorCode:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{code.value}` |")), None)
        assert row is not None, f"{code.value} is not in docs/API.md"
        assert f"| {HTTP_STATUS[code]} |" in row, f"{code.value}: docs/API.md gives another status"
