"""Field-level encryption of personal data: AES-256-GCM with a key id in every value.

Stored form: `v2:<kid>:<base64url(nonce | ciphertext | tag)>`, with a fresh random 96-bit
nonce per value (NIST SP 800-38D, 8.2.2) and `v2:<kid>` bound as associated data, so the
key id cannot be swapped without the tag failing. Keys come from `FIELD_ENCRYPTION_KEYS`,
comma-separated `kid:base64(32 bytes)` entries, the first one encrypting and all of them
decrypting. Rotation: put a new key in front, deploy, run `elcorp reencrypt` (rewrites
every registered column's values that are not under the newest key), then drop the old key.

Legacy read path: values written by releases before AES-256-GCM are Fernet tokens
(AES-128-CBC + HMAC-SHA256, no prefix). A bare Fernet key left in FIELD_ENCRYPTION_KEYS
(after the GCM key) only decrypts them; nothing is ever encrypted with Fernet again, and
`elcorp reencrypt` rewrites them under the current GCM key, after which the Fernet key can
be removed.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v2"
NONCE_BYTES = 12
KEY_BYTES = 32
_KID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionFailed(Exception):
    """A ciphertext was altered, or none of the configured keys made it."""


class FieldKeyError(ValueError):
    """FIELD_ENCRYPTION_KEYS is empty or malformed; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class FieldKeys:
    """The parsed FIELD_ENCRYPTION_KEYS: AES-256-GCM keys by id (the first encrypts) and
    legacy Fernet keys kept only to read values written before AES-256-GCM."""

    current: str
    gcm: dict[str, bytes]
    legacy_fernet: tuple[str, ...]


def parse_keys(entries: Sequence[str]) -> FieldKeys:
    """Read FIELD_ENCRYPTION_KEYS entries: `kid:base64(32 bytes)` for AES-256-GCM, or a bare
    Fernet key (legacy, read-only). The first entry must be an AES-256-GCM key."""
    gcm: dict[str, bytes] = {}
    legacy: list[str] = []
    first: str | None = None
    for position, raw in enumerate(entry.strip() for entry in entries):
        kid, sep, encoded = raw.partition(":")
        if not sep:
            if not _is_fernet_key(raw):
                raise FieldKeyError(
                    f"FIELD_ENCRYPTION_KEYS entry {position + 1} is neither kid:base64(32 bytes) "
                    "nor a legacy Fernet key (make one with `elcorp generate-key`)"
                )
            legacy.append(raw)
            continue
        kid = kid.strip()
        if not _KID.match(kid):
            raise FieldKeyError(
                f"FIELD_ENCRYPTION_KEYS entry {position + 1}: the key id must be 1-32 letters, digits, - or _"
            )
        if kid in gcm:
            raise FieldKeyError(f"FIELD_ENCRYPTION_KEYS: key id {kid!r} appears twice")
        key = _b64decode(encoded.strip())
        if key is None or len(key) != KEY_BYTES:
            raise FieldKeyError(
                f"FIELD_ENCRYPTION_KEYS key {kid!r} must be base64 of exactly 32 random bytes (AES-256)"
            )
        gcm[kid] = key
        if position == 0:
            first = kid
    if not gcm and not legacy:
        raise FieldKeyError("at least one field-encryption key is required (`elcorp generate-key`)")
    if first is None:
        raise FieldKeyError(
            "FIELD_ENCRYPTION_KEYS must start with an AES-256-GCM key (kid:base64(32 bytes), made by "
            "`elcorp generate-key`); keep the Fernet keys after it until `elcorp reencrypt` has run"
        )
    return FieldKeys(first, gcm, tuple(legacy))


class FieldCipher:
    """Encrypts under the current AES-256-GCM key; decrypts any configured key's values."""

    def __init__(self, keys: Sequence[str]) -> None:
        parsed = parse_keys(keys)
        self._current = parsed.current
        self._aead = {kid: AESGCM(key) for kid, key in parsed.gcm.items()}
        self._legacy = (
            MultiFernet([Fernet(key.encode()) for key in parsed.legacy_fernet])
            if parsed.legacy_fernet
            else None
        )

    @property
    def current_key_id(self) -> str:
        return self._current

    def encrypt(self, plaintext: str) -> str:
        header = f"{VERSION}:{self._current}"
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead[self._current].encrypt(nonce, plaintext.encode(), header.encode())
        return f"{header}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str) -> str:
        if not token.startswith(f"{VERSION}:"):
            return self._decrypt_legacy(token)
        _, kid, encoded = [*token.split(":", 2), "", ""][:3]
        aead = self._aead.get(kid)
        if aead is None:
            raise DecryptionFailed(f"no configured field-encryption key has id {kid!r}")
        blob = _b64decode(encoded)
        if blob is None or len(blob) < NONCE_BYTES + 16:
            raise DecryptionFailed("ciphertext is malformed")
        try:
            plain = aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], f"{VERSION}:{kid}".encode())
        except InvalidTag as exc:
            raise DecryptionFailed("ciphertext was altered or made with another key") from exc
        return plain.decode()

    def is_current(self, token: str) -> bool:
        """True when `token` is already under the current key (re-encryption skips it)."""
        return token.startswith(f"{VERSION}:{self._current}:")

    def rotate(self, token: str) -> str:
        """The same plaintext under the current key, with a fresh nonce (a legacy Fernet
        value becomes an AES-256-GCM one)."""
        return self.encrypt(self.decrypt(token))

    def _decrypt_legacy(self, token: str) -> str:
        if self._legacy is None:
            raise DecryptionFailed("a legacy (Fernet) value, and no Fernet key is configured to read it")
        try:
            return self._legacy.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise DecryptionFailed("ciphertext cannot be decrypted with the configured keys") from exc


def generate_key(kid: str | None = None) -> str:
    """A new FIELD_ENCRYPTION_KEYS entry: `kid:base64url(32 random bytes)`."""
    kid = kid or f"fk-{secrets.token_hex(4)}"
    if not _KID.match(kid):
        raise FieldKeyError("a key id is 1-32 letters, digits, - or _")
    return f"{kid}:{base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def _b64decode(text: str) -> bytes | None:
    """Standard or URL-safe base64 (both alphabets accepted); None when it is not base64."""
    try:
        return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None


def _is_fernet_key(text: str) -> bool:
    raw = _b64decode(text)
    return raw is not None and len(raw) == 32


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
