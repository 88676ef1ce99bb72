"""A client generated from the OpenAPI document compiles (the API-contract issue).

openapi-typescript turns the app's document into TypeScript types; `clients/typescript/
src/example.ts`, a small client that transfers money and walks the transaction list, must
type-check against them. Node 20 is a documented prerequisite of the project (the staff
dashboard needs it too): without it this test fails and says so, it is never skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from elcorp.shared.interfaces.docs import api_document

CLIENT = Path(__file__).resolve().parents[3] / "clients" / "typescript"


def _npm() -> str:
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "Node 20 and npm are required (README, prerequisites)"
    return npm


@pytest.fixture(scope="module")
def installed() -> Path:
    npm = _npm()
    if not (CLIENT / "node_modules" / ".bin" / "openapi-typescript").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, check=True, timeout=600)
    return CLIENT / "node_modules" / ".bin"


@pytest.fixture(scope="module")
def generated(shared_app, installed: Path, tmp_path_factory) -> str:
    work = tmp_path_factory.mktemp("openapi")
    document = work / "openapi.json"
    document.write_text(json.dumps(api_document(shared_app)))
    target = CLIENT / "src" / "schema.d.ts"
    result = subprocess.run(
        # A default makes a property optional to send, not always present (request bodies).
        [
            str(installed / "openapi-typescript"),
            str(document),
            "--default-non-nullable=false",
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target.read_text()


def _operation(types: str, name: str) -> str:
    """The body of `operations["name"]` in the generated text."""
    start = types.index(f"    {name}: {{")
    end = types.index("\n    };\n", start)
    return types[start:end]


def _schema(types: str, name: str) -> str:
    """The body of `components["schemas"]["name"]` in the generated text."""
    start = types.index(f"        {name}: {{")
    return types[start : types.index("\n        };", start)]


def test_the_transfer_operation_has_the_request_fields_and_the_created_transaction(generated: str):
    transfer = _operation(generated, "createTransfer")
    request = transfer[transfer.index("requestBody") : transfer.index("responses")]
    body_name = re.search(r'components\["schemas"\]\["(\w+)"\]', request).group(1)
    body = _schema(generated, body_name)
    for field in ("source_wallet_id", "amount", "currency"):
        assert re.search(rf"\b{field}\??: ", body), field
    created = transfer[transfer.index("201: {") :]
    created = created[: created.index("\n            };")]
    assert 'components["schemas"]["TransactionResponse"]' in created
    assert 'data: components["schemas"]["Transaction"]' in _schema(generated, "TransactionResponse")


def test_the_transaction_list_has_its_item_type_and_has_more(generated: str):
    listing = _operation(generated, "listTransactions")
    assert 'components["schemas"]["TransactionList"]' in listing
    assert 'data: components["schemas"]["Transaction"][]' in _schema(generated, "TransactionList")
    assert "has_more: boolean" in _schema(generated, "ListMeta")


def test_the_example_client_type_checks(generated: str, installed: Path):
    result = subprocess.run(
        [str(installed / "tsc"), "--noEmit", "-p", str(CLIENT)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
