"""The core payments, reconciliation and settlement routes as the OpenAPI document declares
them: stable operationIds, summaries, the real success envelope and data schema, the errors
each route can return, examples on the money-moving routes and the Idempotency-Key header."""

from __future__ import annotations

import pytest

V1 = "/api/v1"
OPERATIONS = {
    ("get", f"{V1}/wallets"): ("listWallets", "200", "WalletList"),
    ("get", f"{V1}/wallets/{{wallet_id}}"): ("getWallet", "200", "WalletResponse"),
    ("post", f"{V1}/transfers"): ("createTransfer", "201", "TransactionResponse"),
    ("post", f"{V1}/wallets/{{wallet_id}}/deposits"): ("createDeposit", "201", "TransactionResponse"),
    ("post", f"{V1}/wallets/{{wallet_id}}/withdrawals"): ("createWithdrawal", "201", "TransactionResponse"),
    ("post", f"{V1}/wallets/{{wallet_id}}/top-ups"): ("createTopUp", "201", "TransactionResponse"),
    ("post", f"{V1}/transactions/{{transaction_id}}/reversals"): (
        "createReversal",
        "201",
        "TransactionResponse",
    ),
    ("get", f"{V1}/wallets/{{wallet_id}}/statement"): ("getWalletStatement", "200", ""),
    ("post", f"{V1}/transactions/{{transaction_id}}/approve"): (
        "approveTransaction",
        "200",
        "TransactionResponse",
    ),
    ("post", f"{V1}/transactions/{{transaction_id}}/reject"): (
        "rejectTransaction",
        "200",
        "TransactionResponse",
    ),
    ("get", f"{V1}/transactions"): ("listTransactions", "200", "TransactionList"),
    ("get", f"{V1}/transactions/{{transaction_id}}"): ("getTransaction", "200", "TransactionResponse"),
    ("get", f"{V1}/ledger/trial-balance"): ("getTrialBalance", "200", "TrialBalanceReportResponse"),
    ("get", f"{V1}/ledger/verify"): ("verifyLedger", "200", "LedgerVerificationResponse"),
    ("post", f"{V1}/reconciliation/runs"): ("createReconciliationRun", "201", "ReconciliationRunResponse"),
    ("get", f"{V1}/reconciliation/runs"): ("listReconciliationRuns", "200", "ReconciliationRunList"),
    ("get", f"{V1}/reconciliation/runs/{{run_id}}"): (
        "getReconciliationRun",
        "200",
        "ReconciliationRunResponse",
    ),
    ("post", f"{V1}/settlement/batches/close"): ("closeSettlementBatch", "201", "SettlementBatchResponse"),
    ("get", f"{V1}/settlement/batches"): ("listSettlementBatches", "200", "SettlementBatchList"),
    ("get", f"{V1}/settlement/batches/{{batch_id}}"): (
        "getSettlementBatch",
        "200",
        "SettlementBatchResponse",
    ),
    ("get", f"{V1}/settlement/batches/{{batch_id}}/export"): ("exportSettlementBatch", "200", ""),
}
MONEY_MOVING = [
    f"{V1}/transfers",
    f"{V1}/wallets/{{wallet_id}}/deposits",
    f"{V1}/wallets/{{wallet_id}}/withdrawals",
    f"{V1}/wallets/{{wallet_id}}/top-ups",
    f"{V1}/transactions/{{transaction_id}}/reversals",
]


@pytest.fixture
def document(client):
    return client.get(f"{V1}/openapi.json").get_json()


def op(document, method: str, path: str) -> dict:
    return document["paths"][path][method]


def success_ref(response: dict) -> str:
    return (
        response.get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref", "")
        .rsplit("/")[-1]
    )


def test_every_route_has_its_operation_id_summary_and_success_schema(document):
    for (method, path), (operation_id, status, schema) in OPERATIONS.items():
        found = op(document, method, path)
        assert found["operationId"] == operation_id, (method, path)
        assert found["summary"].endswith("."), (method, path)
        assert status in found["responses"], (method, path)
        assert success_ref(found["responses"][status]) == schema, (method, path)


@pytest.mark.parametrize("path", MONEY_MOVING)
def test_money_moving_routes_need_a_key_declare_location_and_show_an_example(document, path):
    found = op(document, "post", path)
    key = [p for p in found["parameters"] if p["name"] == "Idempotency-Key"]
    assert key and key[0]["required"] is True and key[0]["in"] == "header"
    assert "Location" in found["responses"]["201"]["headers"]
    for code in ("PAY_004", "PAY_005"):
        status = "400" if code == "PAY_004" else "422"
        assert code in found["responses"][status]["content"]["application/json"]["examples"]
    body = found["requestBody"]["content"]["application/json"]
    assert body.get("examples") or body["schema"].get("examples") or "$ref" in body["schema"]


def test_the_transfer_shows_an_example_answer_and_its_refusals(document):
    found = op(document, "post", f"{V1}/transfers")
    example = found["responses"]["201"]["content"]["application/json"]["example"]["data"]
    assert {"direction", "counterparty", "signed_amount", "amount"} <= set(example)
    assert "PAY_001" in found["responses"]["422"]["content"]["application/json"]["examples"]
    top_up = op(document, "post", f"{V1}/wallets/{{wallet_id}}/top-ups")
    assert "PAY_010" in top_up["responses"]["409"]["content"]["application/json"]["examples"]


def test_the_transaction_schema_carries_the_callers_view(document):
    schemas = document["components"]["schemas"]
    fields = schemas["Transaction"]["properties"]
    assert {"direction", "counterparty", "signed_amount", "amount", "source_wallet_id"} <= set(fields)
    assert set(schemas["TransactionCounterparty"]["properties"]) == {"wallet_id", "kind", "address"}
    body = schemas["PaymentTransferBody"]["properties"]
    assert {"source_wallet_id", "amount", "currency"} <= set(body)


def test_lists_take_the_list_parameters_and_the_statement_its_format(document):
    for path in (f"{V1}/transactions", f"{V1}/reconciliation/runs", f"{V1}/settlement/batches"):
        names = {p["name"] for p in op(document, "get", path)["parameters"]}
        assert {"cursor", "limit"} <= names, path
    statement = op(document, "get", f"{V1}/wallets/{{wallet_id}}/statement")
    assert {p["name"] for p in statement["parameters"]} >= {"format", "from", "to"}
    assert set(statement["responses"]["200"]["content"]) == {"text/csv", "application/pdf"}
