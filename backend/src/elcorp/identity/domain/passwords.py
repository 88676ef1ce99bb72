"""The password policy (DESIGN.md section 6; NIST SP 800-63B-4; ASVS 5.0 chapter 6).

Length 12-128, never truncated; checked before any hashing, so a huge password costs no
Argon2 run. Strength is judged by an estimator (zxcvbn) that also knows the user's own
name, email and username. The client's composition rule is a setting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from elcorp.identity.domain.errors import WeakPassword


class StrengthEstimator(Protocol):
    def score(self, password: str, user_inputs: Sequence[str]) -> tuple[int, str | None]:
        """(score 0-4, feedback for the user or None)."""
        ...


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    min_length: int = 12
    max_length: int = 128
    composition_rules: bool = True
    min_strength: int = 3

    def check_length(self, password: str, field: str = "password") -> None:
        """The cheap check, done before anything else touches the password. `field`: the
        request's name for it (`new_password` on a change or reset), named in the details."""
        if len(password) < self.min_length:
            raise WeakPassword(details=[_item(f"must be at least {self.min_length} characters", field)])
        if len(password) > self.max_length:
            raise WeakPassword(details=[_item(f"must be at most {self.max_length} characters", field)])

    def check(
        self,
        password: str,
        estimator: StrengthEstimator,
        user_inputs: Sequence[str],
        field: str = "password",
    ) -> None:
        self.check_length(password, field)
        problems: list[str] = []
        if self.composition_rules:
            if not any(c.islower() for c in password):
                problems.append("must contain a lower-case letter")
            if not any(c.isupper() for c in password):
                problems.append("must contain an upper-case letter")
            if not any(c.isdigit() for c in password):
                problems.append("must contain a digit")
            if all(c.isalnum() for c in password):
                problems.append("must contain a special character")
        lowered = password.lower()
        for value in user_inputs:
            token = value.lower().split("@")[0]
            if len(token) >= 4 and token in lowered:
                problems.append("must not contain your name, username or email")
                break
        if not problems:
            score, feedback = estimator.score(password, user_inputs)
            if score < self.min_strength:
                problems.append(feedback or "is too easy to guess; use a longer passphrase")
        if problems:
            raise WeakPassword(details=[_item(p, field) for p in problems])


def _item(message: str, field: str) -> dict[str, str]:
    return {"field": field, "message": message}
