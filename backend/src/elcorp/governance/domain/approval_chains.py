"""Approval chains: who must approve a service request of one category, level by level.

A chain is versioned; a request keeps the version it was submitted under, so editing a
chain never changes the rules for requests already in flight. Levels are ordered and
satisfied in order. A level applies when it has no threshold or the request's amount is
at least its threshold, and it needs `approvers_required` distinct people holding its role
or permission. Across the whole request:

- the requester never approves (or rejects) their own request;
- a person approves at most once, so no one approves at two levels;
- an approval counts for the first applicable level that is not yet satisfied.

Who holds which roles and permissions is told by the caller (`Approver`); the domain
never looks anything up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from elcorp.governance.domain.rbac import Grants
from elcorp.shared.domain.errors import AccessDenied, Conflict, ValidationFailed
from elcorp.shared.domain.money import decimal_from_text

CATEGORY = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


class SelfApprovalForbidden(AccessDenied):
    default_message = "The requester cannot approve or reject their own request"


class ApproverNotEligible(AccessDenied):
    default_message = "You are not eligible to decide at this approval level"


class AlreadyApproved(Conflict):
    default_message = "You have already approved this request; each approval needs a different person"


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"field": field_name, "message": message}])


def validate_category(category: str) -> str:
    if not isinstance(category, str) or not CATEGORY.match(category):
        raise _invalid(
            "category", "1-64 characters: lower-case letters, digits, '_', '.', '-', starting with a letter"
        )
    return category


@dataclass(frozen=True, slots=True)
class Approver:
    """A person deciding on a request, with the roles and permissions the caller vouches for."""

    id: uuid.UUID
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()

    @classmethod
    def from_grants(cls, user_id: uuid.UUID, grants: Grants) -> Approver:
        return cls(user_id, frozenset(grants.roles), frozenset(grants.permissions))


@dataclass(frozen=True, slots=True)
class ApprovalRecord:
    """One approval: who, at which level (1-based), when, and what they said."""

    approver_id: uuid.UUID
    level: int
    at: datetime
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ApprovalLevel:
    """One rung: a required role or permission (exactly one), an optional amount threshold
    (the level applies when amount >= threshold) and how many distinct approvers it needs."""

    required_role: str | None = None
    required_permission: str | None = None
    threshold: Decimal | None = None
    approvers_required: int = 1
    name: str = ""

    def __post_init__(self) -> None:
        if (self.required_role is None) == (self.required_permission is None):
            raise _invalid("levels", "each level needs exactly one of required_role or required_permission")
        if self.required_role is not None and not self.required_role.strip():
            raise _invalid("levels.required_role", "must not be blank")
        if self.required_permission is not None and not re.fullmatch(
            r"[a-z][a-z0-9_]*:[a-z][a-z0-9_]*", self.required_permission
        ):
            raise _invalid("levels.required_permission", "must be a permission name like 'payment:approve'")
        if self.threshold is not None and (
            isinstance(self.threshold, bool)
            or not isinstance(self.threshold, Decimal)
            or not self.threshold.is_finite()
            or self.threshold < 0
        ):
            raise _invalid("levels.threshold", "must be a non-negative Decimal")
        if isinstance(self.approvers_required, bool) or not 1 <= self.approvers_required <= 10:
            raise _invalid("levels.approvers_required", "must be 1-10")

    @property
    def requirement(self) -> str:
        if self.required_role is not None:
            return f"the {self.required_role} role"
        return f"the {self.required_permission} permission"

    def applies_to(self, amount: Decimal | None) -> bool:
        if self.threshold is None:
            return True
        return amount is not None and amount >= self.threshold

    def accepts(self, approver: Approver) -> bool:
        if self.required_role is not None:
            return self.required_role in approver.roles
        return self.required_permission in approver.permissions

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "required_role": self.required_role,
            "required_permission": self.required_permission,
            "threshold": None if self.threshold is None else str(self.threshold),
            "approvers_required": self.approvers_required,
        }

    @classmethod
    def from_dict(cls, data: object) -> ApprovalLevel:
        if not isinstance(data, Mapping):
            raise _invalid("levels", "each level must be a JSON object")
        unknown = sorted(
            set(data) - {"name", "required_role", "required_permission", "threshold", "approvers_required"}
        )
        if unknown:
            raise _invalid("levels", f"unknown field(s): {', '.join(map(str, unknown))}")
        role, permission, name = (
            data.get("required_role"),
            data.get("required_permission"),
            data.get("name", ""),
        )
        raw_threshold, approvers = data.get("threshold"), data.get("approvers_required", 1)
        if not (role is None or isinstance(role, str)) or not (
            permission is None or isinstance(permission, str)
        ):
            raise _invalid("levels", "required_role and required_permission must be strings")
        if not isinstance(name, str):
            raise _invalid("levels.name", "must be a string")
        if isinstance(approvers, bool) or not isinstance(approvers, int):
            raise _invalid("levels.approvers_required", "must be an integer")
        return cls(role, permission, _parse_threshold(raw_threshold), approvers, name)


def _parse_threshold(raw: object) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise _invalid("levels.threshold", "must be a decimal string, never a float")
    try:
        return decimal_from_text(str(raw).strip())
    except InvalidOperation as exc:
        raise _invalid("levels.threshold", f"{raw!r} is not a decimal amount") from exc


@dataclass(frozen=True, slots=True)
class ApprovalProgress:
    """Where a request stands on its chain: which levels apply, how many approvals each
    has, and the level now waiting (None when every applicable level is satisfied)."""

    applicable: tuple[int, ...]
    approvals: Mapping[int, int] = field(hash=False)
    current_level: int | None

    @property
    def complete(self) -> bool:
        return self.current_level is None


@dataclass(frozen=True, slots=True)
class ApprovalChain:
    """The approval rules of one category, at one version. Levels are numbered from 1."""

    category: str
    version: int
    levels: tuple[ApprovalLevel, ...]

    def __post_init__(self) -> None:
        validate_category(self.category)
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise _invalid("version", "must be a positive integer")
        object.__setattr__(self, "levels", tuple(self.levels))
        if not self.levels:
            raise _invalid("levels", "a chain needs at least one level")
        if all(level.threshold is not None for level in self.levels):
            raise _invalid(
                "levels", "at least one level must have no threshold, so every request is approved"
            )

    def revised(self, levels: Sequence[ApprovalLevel]) -> ApprovalChain:
        """The next version of this chain; requests already submitted keep this one."""
        return ApprovalChain(self.category, self.version + 1, tuple(levels))

    def level(self, number: int) -> ApprovalLevel:
        return self.levels[number - 1]

    def applicable_levels(self, amount: Decimal | None) -> tuple[int, ...]:
        return tuple(n for n, level in enumerate(self.levels, start=1) if level.applies_to(amount))

    def progress(self, amount: Decimal | None, approvals: Sequence[ApprovalRecord]) -> ApprovalProgress:
        applicable = self.applicable_levels(amount)
        counts = {n: sum(1 for a in approvals if a.level == n) for n in applicable}
        current = next((n for n in applicable if counts[n] < self.level(n).approvers_required), None)
        return ApprovalProgress(applicable, counts, current)

    def approval_level_for(
        self,
        approver: Approver,
        requester_id: uuid.UUID,
        amount: Decimal | None,
        approvals: Sequence[ApprovalRecord],
    ) -> int:
        """The level `approver`'s approval counts for; raises if they may not approve now."""
        if approver.id == requester_id:
            raise SelfApprovalForbidden()
        earlier = next((a for a in approvals if a.approver_id == approver.id), None)
        if earlier is not None:
            raise AlreadyApproved(
                f"You already approved this request at level {earlier.level}; "
                "each approval needs a different person"
            )
        current = self.progress(amount, approvals).current_level
        if current is None:
            raise Conflict("Every approval level of this request is already satisfied")
        level = self.level(current)
        if not level.accepts(approver):
            raise ApproverNotEligible(f"Approval level {current} needs {level.requirement}")
        return current

    def rejection_level_for(
        self,
        approver: Approver,
        requester_id: uuid.UUID,
        amount: Decimal | None,
        approvals: Sequence[ApprovalRecord],
    ) -> int:
        """The pending level that makes `approver` eligible to reject; raises if none does."""
        if approver.id == requester_id:
            raise SelfApprovalForbidden()
        progress = self.progress(amount, approvals)
        pending = [n for n in progress.applicable if progress.approvals[n] < self.level(n).approvers_required]
        for number in pending:
            if self.level(number).accepts(approver):
                return number
        needs = ", ".join(f"level {n}: {self.level(n).requirement}" for n in pending) or "no pending level"
        raise ApproverNotEligible(f"Only an approver of a pending level may reject ({needs})")

    def to_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "version": self.version,
            "levels": [level.to_dict() for level in self.levels],
        }

    @classmethod
    def from_dict(cls, data: object) -> ApprovalChain:
        if not isinstance(data, Mapping):
            raise _invalid("chain", "must be a JSON object")
        category, version, levels = data.get("category"), data.get("version"), data.get("levels")
        if not isinstance(category, str):
            raise _invalid("category", "must be a string")
        if isinstance(version, bool) or not isinstance(version, int):
            raise _invalid("version", "must be an integer")
        if not isinstance(levels, list | tuple):
            raise _invalid("levels", "must be a list")
        return cls(category, version, tuple(ApprovalLevel.from_dict(level) for level in levels))
