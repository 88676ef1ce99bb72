"""Ed25519 keys for checkpoint signatures, rotatable by key id."""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


class CheckpointSigner:
    """`keys`: (kid, 32-byte seed) pairs, the first signs, all are published for checking."""

    def __init__(self, keys: list[tuple[str, bytes]], retired: dict[str, bytes] | None = None) -> None:
        """`retired`: kid -> raw public key of keys no longer signing, kept so that the
        checkpoints they signed still verify."""
        if not keys:
            raise ValueError("at least one audit signing key is required")
        self._private = {kid: Ed25519PrivateKey.from_private_bytes(seed) for kid, seed in keys}
        self._public: dict[str, Ed25519PublicKey] = {
            kid: Ed25519PublicKey.from_public_bytes(raw) for kid, raw in (retired or {}).items()
        }
        self._public.update({kid: key.public_key() for kid, key in self._private.items()})
        self.current_kid = keys[0][0]

    def sign(self, message: bytes) -> tuple[str, str]:
        signature = self._private[self.current_kid].sign(message)
        return self.current_kid, base64.b64encode(signature).decode()

    def public_keys(self) -> dict[str, str]:
        """kid -> raw 32-byte public key, base64."""
        return {
            kid: base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
            for kid, key in self._public.items()
        }

    def verify(self, kid: str, message: bytes, signature_b64: str) -> bool:
        key = self._public.get(kid)
        if key is None:
            return False
        return verify_signature(key, message, signature_b64)


def verify_signature(public_key: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True
