"""docs/API.md "Error codes" lists exactly the codes the API can answer with, each with its
HTTP status, so every `error.doc_url` lands on an entry."""

from __future__ import annotations

import re
from pathlib import Path

import elcorp.compliance.wiring
import elcorp.governance.wiring
import elcorp.identity.wiring
import elcorp.payments.wiring  # noqa: F401  (every context's exception classes registered)
from elcorp.shared.interfaces.openapi import all_error_codes

API_MD = Path(__file__).resolve().parents[3] / "docs" / "API.md"


def documented() -> dict[str, int]:
    section = API_MD.read_text().split("## Error codes", 1)[1]
    return {
        code: int(status) for code, status in re.findall(r"^\| `([A-Z]+_\d{3})` \| (\d{3}) \|", section, re.M)
    }


def test_every_code_is_documented_with_its_status():
    assert documented() == all_error_codes()
