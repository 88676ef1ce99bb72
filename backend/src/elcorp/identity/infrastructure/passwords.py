"""Password hashing (Argon2id, argon2-cffi) and strength estimation (zxcvbn, offline)."""

from __future__ import annotations

from collections.abc import Sequence

from argon2 import PasswordHasher as Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

# zxcvbn's cost grows with length; beyond this many characters a password is judged on
# its first part (a long passphrase is strong anyway).
STRENGTH_CHECK_CHARS = 72


class Argon2PasswordHasher:
    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int) -> None:
        self._argon2 = Argon2(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        # A real hash at the current parameters, so an unknown user costs one full verify.
        self._dummy = self._argon2.hash("elcorp-dummy-password-for-timing")

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._argon2.check_needs_rehash(password_hash)

    def burn(self, password: str) -> None:
        self.verify(self._dummy, password)


class ZxcvbnStrengthEstimator:
    def score(self, password: str, user_inputs: Sequence[str]) -> tuple[int, str | None]:
        result = zxcvbn(password[:STRENGTH_CHECK_CHARS], user_inputs=list(user_inputs))
        feedback = result.get("feedback") or {}
        message = feedback.get("warning") or " ".join(feedback.get("suggestions") or []) or None
        return int(result["score"]), message
