"""What identity reports of closing an account on erasure (infrastructure/
personal_data_erasure.py): one step per identification column as the law lets it be
treated, and one per value it actually held. Built from the row's values; no I/O."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from elcorp.identity.infrastructure.personal_data_erasure import _account_columns, _account_steps

IDENTIFICATION = ("username", "full_name", "email")


def row(**values: Any) -> Any:
    held = {
        "phone_encrypted": None,
        "organization": None,
        "mfa_secret_encrypted": None,
        "mfa_pending_secret_encrypted": None,
    }
    return SimpleNamespace(**{**held, **values})


def disposal_of(steps: list[Any], category: str) -> list[tuple[str, int]]:
    return [(s.disposal, s.count) for s in steps if s.category == category]


def test_identification_kept_on_its_basis_is_pseudonymised_the_rest_anonymised():
    columns = _account_columns()
    kept = frozenset({"fia_customer"})

    kept_steps = _account_steps(row(), kept)
    erased_steps = _account_steps(row(), frozenset())

    for name in IDENTIFICATION:
        category, basis = columns[name].category, columns[name].basis
        expected = "pseudonymise" if basis in kept else "anonymise"
        assert disposal_of(kept_steps, category) == [(expected, 1)], name
        assert disposal_of(erased_steps, category) == [("anonymise", 1)], name
    assert "pseudonymise" in {s.disposal for s in kept_steps}  # the FIA keeps something here


def test_values_the_account_never_held_are_not_reported():
    columns = _account_columns()

    steps = _account_steps(row(), frozenset())

    assert disposal_of(steps, columns["phone"].category) == []
    assert disposal_of(steps, columns["organization"].category) == []
    assert all(s.disposal != "crypto_shred" for s in steps)


def test_a_phone_number_is_crypto_shredded_with_its_lookup_deleted_and_each_mfa_secret_counted():
    columns = _account_columns()

    steps = _account_steps(
        row(
            phone_encrypted=b"ciphertext",
            organization="Acme",
            mfa_secret_encrypted=b"secret",
            mfa_pending_secret_encrypted=b"pending",
        ),
        frozenset(),
    )

    assert disposal_of(steps, columns["phone"].category) == [(columns["phone"].disposal, 1)]
    assert ("delete", 1) in disposal_of(steps, columns["organization"].category)
    shredded = [s for s in steps if s.disposal == "crypto_shred" and s.category != columns["phone"].category]
    assert [s.count for s in shredded] == [2]


def test_the_password_is_always_reported_deleted():
    steps = _account_steps(row(), frozenset())

    assert [s.disposal for s in steps if "password" in s.category] == ["delete"]
