"""Field-level encryption of personal data with `cryptography`'s MultiFernet.

Keys come from settings (`FIELD_ENCRYPTION_KEYS`, newest first). Rotation: put a new key in
front, deploy, run `elcorp reencrypt` (re-encrypts every registered column under the newest
key), then drop the old key. Ciphertexts are authenticated (AES-128-CBC + HMAC-SHA256).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class DecryptionFailed(Exception):
    """A ciphertext was altered, or none of the configured keys made it."""


class FieldCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one field-encryption key is required")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise DecryptionFailed("ciphertext cannot be decrypted with the configured keys") from exc

    def rotate(self, token: str) -> str:
        """The same plaintext under the newest key (a no-op in meaning, new bytes)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise DecryptionFailed("ciphertext cannot be decrypted with the configured keys") from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    """A column holding FieldCipher tokens, declared by the context that owns the table."""

    table: str
    column: str
    primary_key: str = "id"


_ENCRYPTED_COLUMNS: list[EncryptedColumn] = []


def register_encrypted_column(column: EncryptedColumn) -> EncryptedColumn:
    if column not in _ENCRYPTED_COLUMNS:
        _ENCRYPTED_COLUMNS.append(column)
    return column


def encrypted_columns() -> tuple[EncryptedColumn, ...]:
    return tuple(_ENCRYPTED_COLUMNS)
