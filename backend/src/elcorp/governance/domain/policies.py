"""Policy-based access control (PBAC): rules evaluated after RBAC, on the facts of one request.

A policy is a pure function of a `PolicyContext` (who asks, for what action, on which
resource, at what time) returning a `Decision`: allow, deny or not applicable, with the
policy's name and a reason a person can read. Policies never query anything: whatever they
need (the resource's owner, organization, classification, maker, amount; the subject's
roles and permissions; the public holidays) is passed in.

`PolicyEngine` runs RBAC first and then every enabled policy in order. A policy can only
restrict or annotate what RBAC granted, never grant what RBAC refused:

- deny by default: without an RBAC grant for the action, the answer is deny;
- any deny wins;
- the full trace (one `Decision` per step) is returned, so an administrator can ask
  "may X do Y on Z now?" and see why.

Each built-in policy is parameterised by a frozen params class with `from_dict`/`to_dict`,
the JSON form stored in the database; invalid parameters raise `ValidationFailed`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from elcorp.governance.domain.rbac import ADMIN, STAFF, Grants
from elcorp.shared.domain.clock import WINDHOEK
from elcorp.shared.domain.errors import AccessDenied, ValidationFailed
from elcorp.shared.domain.money import decimal_from_text

PERMISSION_NAME = re.compile(r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$")
DEFAULT_TIMEZONE = WINDHOEK.key  # "Africa/Windhoek": UTC+2 all year, no DST
WEEKDAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_EMERGENCY_REASON = 500


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(details=[{"field": field_name, "message": message}])


# --------------------------------------------------------------------------- the context


class PermissionScope(StrEnum):
    """How far a held permission reaches. `own` and `all` are RBAC's `Scope` values."""

    OWN = "own"  # only objects the subject owns
    ORGANIZATION = "organization"  # objects of the subject's organization
    ALL = "all"  # any object: a global grant


class Classification(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"


@dataclass(frozen=True, slots=True)
class Subject:
    """Who asks: a user with their roles and the permissions they hold, each with a scope."""

    id: uuid.UUID
    roles: frozenset[str] = frozenset()
    permissions: Mapping[str, PermissionScope] = field(default_factory=dict, hash=False)
    organization_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))
        try:
            scopes = {name: PermissionScope(str(scope)) for name, scope in self.permissions.items()}
        except ValueError as exc:
            raise _invalid(
                "permissions", f"scopes are {', '.join(s.value for s in PermissionScope)}"
            ) from exc
        object.__setattr__(self, "permissions", MappingProxyType(scopes))

    @classmethod
    def from_grants(
        cls, subject_id: uuid.UUID, grants: Grants, organization_id: uuid.UUID | None = None
    ) -> Subject:
        """A subject from RBAC's effective grants (`own` and `all` map one to one)."""
        return cls(
            subject_id,
            grants.roles,
            {name: PermissionScope(str(scope)) for name, scope in grants.permissions.items()},
            organization_id,
        )

    def holds(self, permission: str) -> bool:
        return permission in self.permissions

    def scope_of(self, permission: str) -> PermissionScope | None:
        return self.permissions.get(permission)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True, slots=True)
class Resource:
    """What is acted on, with the attributes policies read. Unknown attributes stay None."""

    type: str
    id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    classification: Classification = Classification.INTERNAL
    maker_id: uuid.UUID | None = None  # who created it (maker-checker)
    amount: Decimal | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "classification", Classification(self.classification))
        except ValueError as exc:
            raise _invalid("classification", f"use {', '.join(c.value for c in Classification)}") from exc
        if self.amount is not None and (
            isinstance(self.amount, bool)
            or not isinstance(self.amount, Decimal)
            or not self.amount.is_finite()
        ):
            raise _invalid("amount", "must be a finite Decimal")
        if self.currency is not None:
            object.__setattr__(self, "currency", self.currency.upper())


@dataclass(frozen=True, slots=True)
class PolicyContext:
    """The facts of one access question. `at` is an aware datetime, held in UTC."""

    subject: Subject
    action: str  # a permission name, "resource:action"
    resource: Resource
    at: datetime
    emergency_reason: str | None = None

    def __post_init__(self) -> None:
        if not PERMISSION_NAME.match(self.action):
            raise _invalid("action", "must be a permission name like 'payment:approve'")
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise _invalid("at", "must be timezone-aware")
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        reason = (self.emergency_reason or "").strip()
        if len(reason) > MAX_EMERGENCY_REASON:
            raise _invalid("emergency_reason", f"at most {MAX_EMERGENCY_REASON} characters")
        object.__setattr__(self, "emergency_reason", reason or None)


# --------------------------------------------------------------------------- decisions


class Effect(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Decision:
    """One step's answer. `approval_required` and `alert` are obligations for the caller:
    a second person must approve; an alert must be raised (emergency access)."""

    effect: Effect
    policy: str
    reason: str
    approval_required: bool = False
    required_permission: str | None = None  # who may give that approval
    alert: bool = False
    emergency_override: bool = False  # a deny that an emergency reason would turn into an allow

    @classmethod
    def allow(
        cls,
        policy: str,
        reason: str,
        *,
        approval_required: bool = False,
        required_permission: str | None = None,
        alert: bool = False,
    ) -> Decision:
        return cls(Effect.ALLOW, policy, reason, approval_required, required_permission, alert)

    @classmethod
    def deny(cls, policy: str, reason: str, *, emergency_override: bool = False) -> Decision:
        return cls(Effect.DENY, policy, reason, emergency_override=emergency_override)

    @classmethod
    def not_applicable(cls, policy: str, reason: str) -> Decision:
        return cls(Effect.NOT_APPLICABLE, policy, reason)

    def to_dict(self) -> dict[str, object]:
        return {
            "effect": self.effect.value,
            "policy": self.policy,
            "reason": self.reason,
            "approval_required": self.approval_required,
            "required_permission": self.required_permission,
            "alert": self.alert,
            "emergency_override": self.emergency_override,
        }


class PolicyDenied(AccessDenied):
    """The policy engine refused (403 `ACC_001`). `reasons` are the deciding policies'
    reasons, which the message carries; `emergency_override`: an emergency reason would
    let the action through (the business-hours policy), so the caller can say how."""

    def __init__(
        self,
        message: str,
        *,
        reasons: str = "",
        emergency_override: bool = False,
        details: object = None,
    ) -> None:
        super().__init__(message, details=details)
        self.reasons = reasons or message
        self.emergency_override = emergency_override


class Policy(Protocol):
    """What the engine needs of a policy: a name and a pure `evaluate`."""

    @property
    def name(self) -> str: ...

    def evaluate(self, context: PolicyContext) -> Decision: ...


# --------------------------------------------------------------------------- parameter parsing


def _check_permissions(field_name: str, names: frozenset[str]) -> None:
    bad = sorted(name for name in names if not PERMISSION_NAME.match(name))
    if bad:
        raise _invalid(field_name, f"not permission names ('resource:action'): {', '.join(bad)}")


class _Fields:
    """Reads a JSON object field by field, collecting every problem before raising once."""

    def __init__(self, data: object, known: set[str]) -> None:
        self.errors: list[dict[str, str]] = []
        if not isinstance(data, Mapping):
            self.data: Mapping[str, object] = {}
            self.errors.append({"field": "params", "message": "must be a JSON object"})
            return
        self.data = data
        for key in sorted(str(k) for k in data if k not in known):
            self.errors.append({"field": key, "message": "unknown parameter"})

    def _fail(self, name: str, message: str) -> None:
        self.errors.append({"field": name, "message": message})

    def strings(self, name: str, default: frozenset[str]) -> frozenset[str]:
        raw = self.data.get(name)
        if raw is None:
            return default
        if not isinstance(raw, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in raw):
            self._fail(name, "must be a list of strings")
            return default
        return frozenset(str(v) for v in raw)

    def text(self, name: str, default: str | None) -> str | None:
        raw = self.data.get(name, default)
        if raw is None or isinstance(raw, str):
            return raw
        self._fail(name, "must be a string")
        return default

    def required_text(self, name: str) -> str:
        raw = self.data.get(name)
        if not isinstance(raw, str) or not raw:
            self._fail(name, "is required (a string)")
            return ""
        return raw

    def integer(self, name: str, default: int) -> int:
        raw = self.data.get(name, default)
        if isinstance(raw, bool) or not isinstance(raw, int):
            self._fail(name, "must be an integer")
            return default
        return raw

    def decimals(self, name: str) -> dict[str, Decimal]:
        raw = self.data.get(name)
        if not isinstance(raw, Mapping):
            self._fail(name, "must be an object of currency -> decimal string")
            return {}
        values: dict[str, Decimal] = {}
        for key, value in raw.items():
            if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
                self._fail(f"{name}.{key}", "must be a decimal string, never a float")
                continue
            try:
                values[str(key)] = decimal_from_text(str(value).strip())
            except ArithmeticError:
                self._fail(f"{name}.{key}", f"{value!r} is not a decimal amount")
        return values

    def weekdays(self, name: str, default: frozenset[int]) -> frozenset[int]:
        names = self.strings(name, frozenset(WEEKDAY_NAMES[d] for d in default))
        unknown = sorted(n for n in names if n.lower() not in WEEKDAY_NAMES)
        if unknown:
            self._fail(name, f"unknown weekday(s) {', '.join(unknown)}; use {', '.join(WEEKDAY_NAMES)}")
            return default
        return frozenset(WEEKDAY_NAMES.index(n.lower()) for n in names)

    def classifications(self, name: str, default: frozenset[Classification]) -> frozenset[Classification]:
        names = self.strings(name, frozenset(c.value for c in default))
        known = {c.value for c in Classification}
        unknown = sorted(n for n in names if n not in known)
        if unknown:
            self._fail(
                name, f"unknown classification(s) {', '.join(unknown)}; use {', '.join(sorted(known))}"
            )
            return default
        return frozenset(Classification(n) for n in names)

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed("Invalid policy parameters", details=self.errors)


def _actions_only(data: object) -> frozenset[str]:
    """The parameters of a policy whose only setting is the list of actions it covers."""
    fields = _Fields(data, {"actions"})
    actions = fields.strings("actions", frozenset())
    fields.done()
    return actions


# --------------------------------------------------------------------------- ownership


@dataclass(frozen=True, slots=True)
class OwnershipParams:
    """`actions`: where the rule applies (empty: every action)."""

    actions: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", frozenset(self.actions))
        _check_permissions("actions", self.actions)

    @classmethod
    def from_dict(cls, data: object) -> OwnershipParams:
        return cls(_actions_only(data))

    def to_dict(self) -> dict[str, object]:
        return {"actions": sorted(self.actions)}


@dataclass(frozen=True, slots=True)
class OwnershipPolicy:
    """Users act on their own resources, unless they hold the permission with global scope.
    An organization-scoped grant is left to the organization-scope policy."""

    params: OwnershipParams = OwnershipParams()
    name: str = "ownership"

    def evaluate(self, context: PolicyContext) -> Decision:
        if self.params.actions and context.action not in self.params.actions:
            return Decision.not_applicable(self.name, f"{context.action} is not governed by ownership")
        owner = context.resource.owner_id
        if owner is None:
            return Decision.not_applicable(self.name, "the resource has no owner")
        scope = context.subject.scope_of(context.action)
        if scope is PermissionScope.ALL:
            return Decision.allow(self.name, f"{context.action} is held with global scope")
        if scope is PermissionScope.ORGANIZATION:
            return Decision.not_applicable(
                self.name, "organization-scoped grant: the organization rule decides"
            )
        if owner == context.subject.id:
            return Decision.allow(self.name, "the subject owns the resource")
        return Decision.deny(self.name, "the resource belongs to someone else")


# --------------------------------------------------------------------------- organization scope


@dataclass(frozen=True, slots=True)
class OrganizationScopeParams:
    """`actions`: where the rule applies (empty: every action); `roles`: whose requests it
    checks (empty: everyone's)."""

    actions: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset({STAFF})

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", frozenset(self.actions))
        object.__setattr__(self, "roles", frozenset(self.roles))
        _check_permissions("actions", self.actions)

    @classmethod
    def from_dict(cls, data: object) -> OrganizationScopeParams:
        fields = _Fields(data, {"actions", "roles"})
        actions = fields.strings("actions", frozenset())
        roles = fields.strings("roles", frozenset({STAFF}))
        fields.done()
        return cls(actions, roles)

    def to_dict(self) -> dict[str, object]:
        return {"actions": sorted(self.actions), "roles": sorted(self.roles)}


@dataclass(frozen=True, slots=True)
class OrganizationScopePolicy:
    """Staff act within their own organization, unless they hold the permission globally."""

    params: OrganizationScopeParams = OrganizationScopeParams()
    name: str = "organization_scope"

    def evaluate(self, context: PolicyContext) -> Decision:
        subject, resource = context.subject, context.resource
        if self.params.actions and context.action not in self.params.actions:
            return Decision.not_applicable(
                self.name, f"{context.action} is not governed by organization scope"
            )
        if self.params.roles and not subject.has_role(*self.params.roles):
            return Decision.not_applicable(self.name, "the subject has none of the governed roles")
        if resource.organization_id is None:
            return Decision.not_applicable(self.name, "the resource belongs to no organization")
        if subject.scope_of(context.action) is PermissionScope.ALL:
            return Decision.allow(self.name, f"{context.action} is held with global scope")
        if subject.organization_id is None:
            return Decision.deny(self.name, "the subject belongs to no organization")
        if subject.organization_id == resource.organization_id:
            return Decision.allow(self.name, "the resource is in the subject's organization")
        return Decision.deny(self.name, "the resource belongs to another organization")


# --------------------------------------------------------------------------- amount threshold


@dataclass(frozen=True, slots=True)
class AmountThresholdParams:
    """Above `thresholds[currency]` (strictly), `actions` need an approval by someone holding
    `approval_permission`. A currency without a threshold always needs approval (fail closed)."""

    actions: frozenset[str]
    thresholds: Mapping[str, Decimal] = field(hash=False)
    approval_permission: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", frozenset(self.actions))
        if not self.actions:
            raise _invalid("actions", "name at least one action")
        _check_permissions("actions", self.actions)
        _check_permissions("approval_permission", frozenset({self.approval_permission}))
        thresholds: dict[str, Decimal] = {}
        for currency, amount in self.thresholds.items():
            code = currency.upper()
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise _invalid(f"thresholds.{currency}", "must be keyed by an ISO 4217 currency code")
            if isinstance(amount, bool) or not isinstance(amount, Decimal) or not amount.is_finite():
                raise _invalid(f"thresholds.{currency}", "must be a finite Decimal")
            if amount < 0:
                raise _invalid(f"thresholds.{currency}", "must not be negative")
            thresholds[code] = amount
        object.__setattr__(self, "thresholds", MappingProxyType(thresholds))

    @classmethod
    def from_dict(cls, data: object) -> AmountThresholdParams:
        fields = _Fields(data, {"actions", "thresholds", "approval_permission"})
        actions = fields.strings("actions", frozenset())
        thresholds = fields.decimals("thresholds")
        approval_permission = fields.required_text("approval_permission")
        fields.done()
        return cls(actions, thresholds, approval_permission)

    def to_dict(self) -> dict[str, object]:
        return {
            "actions": sorted(self.actions),
            "thresholds": {
                currency: format(amount, "f") for currency, amount in sorted(self.thresholds.items())
            },
            "approval_permission": self.approval_permission,
        }


@dataclass(frozen=True, slots=True)
class AmountThresholdPolicy:
    """Maker-checker by amount: never denies, but says when a second person must approve."""

    params: AmountThresholdParams
    name: str = "amount_threshold"

    def evaluate(self, context: PolicyContext) -> Decision:
        if context.action not in self.params.actions:
            return Decision.not_applicable(self.name, f"{context.action} has no amount threshold")
        amount, currency = context.resource.amount, context.resource.currency
        if amount is None:
            return Decision.not_applicable(self.name, "the resource carries no amount")
        threshold = self.params.thresholds.get(currency) if currency is not None else None
        if threshold is None:
            return self._needs_approval(f"no threshold is configured for {currency or 'an unknown currency'}")
        if amount > threshold:
            return self._needs_approval(f"{amount} {currency} is above the {threshold} {currency} threshold")
        return Decision.allow(
            self.name, f"{amount} {currency} is within the {threshold} {currency} threshold"
        )

    def _needs_approval(self, reason: str) -> Decision:
        return Decision.allow(
            self.name, reason, approval_required=True, required_permission=self.params.approval_permission
        )


# --------------------------------------------------------------------------- segregation of duties


@dataclass(frozen=True, slots=True)
class SegregationOfDutiesParams:
    """`actions`: the checker actions (approve, release, ...) the maker may not perform."""

    actions: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", frozenset(self.actions))
        if not self.actions:
            raise _invalid("actions", "name at least one action")
        _check_permissions("actions", self.actions)

    @classmethod
    def from_dict(cls, data: object) -> SegregationOfDutiesParams:
        return cls(_actions_only(data))

    def to_dict(self) -> dict[str, object]:
        return {"actions": sorted(self.actions)}


@dataclass(frozen=True, slots=True)
class SegregationOfDutiesPolicy:
    """The checker must not be the maker. An unknown maker cannot be checked: deny."""

    params: SegregationOfDutiesParams
    name: str = "segregation_of_duties"

    def evaluate(self, context: PolicyContext) -> Decision:
        if context.action not in self.params.actions:
            return Decision.not_applicable(self.name, f"{context.action} is not a checker action")
        maker = context.resource.maker_id
        if maker is None:
            return Decision.deny(self.name, "the maker is unknown, so maker-checker cannot be verified")
        if maker == context.subject.id:
            return Decision.deny(self.name, "the maker may not also be the checker")
        return Decision.allow(self.name, "the checker is not the maker")


# --------------------------------------------------------------------------- business hours


class HolidayCalendar(Protocol):
    """Public holidays, supplied by the caller (the domain never looks them up)."""

    def is_holiday(self, day: date) -> bool: ...


@dataclass(frozen=True, slots=True)
class FixedHolidayCalendar:
    """A calendar from a fixed set of dates (tests, or a list loaded by the application)."""

    dates: frozenset[date] = frozenset()

    def is_holiday(self, day: date) -> bool:
        return day in self.dates


NO_HOLIDAYS = FixedHolidayCalendar()


@dataclass(frozen=True, slots=True)
class BusinessHoursParams:
    """`actions` may run on `weekdays` (0 = Monday) from `start_hour` (inclusive) to
    `end_hour` (exclusive), local time in `timezone`, and never on a holiday."""

    actions: frozenset[str]
    weekdays: frozenset[int] = frozenset(range(5))
    start_hour: int = 8
    end_hour: int = 17
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", frozenset(self.actions))
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if not self.actions:
            raise _invalid("actions", "name at least one action")
        _check_permissions("actions", self.actions)
        if not self.weekdays or not all(isinstance(d, int) and 0 <= d <= 6 for d in self.weekdays):
            raise _invalid("weekdays", "name at least one weekday, 0 (Monday) to 6 (Sunday)")
        if not 0 <= self.start_hour <= 23:
            raise _invalid("start_hour", "must be 0-23")
        if not 1 <= self.end_hour <= 24:
            raise _invalid("end_hour", "must be 1-24")
        if self.start_hour >= self.end_hour:
            raise _invalid("end_hour", "must be after start_hour")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _invalid("timezone", f"unknown time zone {self.timezone!r}") from exc

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # instances are cached by zoneinfo

    @property
    def window(self) -> str:
        """The hours in words: "Mon-Fri 08:00-17:00 Africa/Windhoek, not on public holidays"."""
        runs: list[list[int]] = []
        for day in sorted(self.weekdays):
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = [WEEKDAY_NAMES[d].capitalize() for d in range(7)]
        days = ", ".join(
            f"{names[run[0]]}-{names[run[-1]]}" if len(run) > 2 else ", ".join(names[d] for d in run)
            for run in runs
        )
        hours = f"{self.start_hour:02d}:00-{self.end_hour:02d}:00"
        return f"{days} {hours} {self.timezone}, not on public holidays"

    @classmethod
    def from_dict(cls, data: object) -> BusinessHoursParams:
        fields = _Fields(data, {"actions", "weekdays", "start_hour", "end_hour", "timezone"})
        actions = fields.strings("actions", frozenset())
        weekdays = fields.weekdays("weekdays", frozenset(range(5)))
        start_hour = fields.integer("start_hour", 8)
        end_hour = fields.integer("end_hour", 17)
        timezone = fields.text("timezone", DEFAULT_TIMEZONE) or DEFAULT_TIMEZONE
        fields.done()
        return cls(actions, weekdays, start_hour, end_hour, timezone)

    def to_dict(self) -> dict[str, object]:
        return {
            "actions": sorted(self.actions),
            "weekdays": [WEEKDAY_NAMES[d] for d in sorted(self.weekdays)],
            "start_hour": self.start_hour,
            "end_hour": self.end_hour,
            "timezone": self.timezone,
        }


@dataclass(frozen=True, slots=True)
class BusinessHoursPolicy:
    """Configured actions only in business hours, local time. Outside them an emergency
    reason lets the action through with `alert=True`: the caller must raise an alert."""

    params: BusinessHoursParams
    holidays: HolidayCalendar = NO_HOLIDAYS
    name: str = "business_hours"

    def evaluate(self, context: PolicyContext) -> Decision:
        if context.action not in self.params.actions:
            return Decision.not_applicable(self.name, f"{context.action} is not restricted to business hours")
        local = context.at.astimezone(self.params.zone)
        when = f"{WEEKDAY_NAMES[local.weekday()]} {local:%Y-%m-%d %H:%M} {self.params.timezone}"
        if self.holidays.is_holiday(local.date()):
            outside = f"{when} is a public holiday"
        elif local.weekday() not in self.params.weekdays:
            outside = f"{when} is not a business day"
        elif not self.params.start_hour <= local.hour < self.params.end_hour:
            outside = f"{when} is outside {self.params.start_hour:02d}:00-{self.params.end_hour:02d}:00"
        else:
            return Decision.allow(self.name, f"{when} is within business hours")
        if context.emergency_reason:
            return Decision.allow(
                self.name, f"{outside}; emergency access: {context.emergency_reason}", alert=True
            )
        return Decision.deny(
            self.name,
            f"allowed only in business hours ({self.params.window}); {outside}",
            emergency_override=True,
        )


# --------------------------------------------------------------------------- data classification


CLASSIFIED = frozenset({Classification.CONFIDENTIAL, Classification.RESTRICTED})


@dataclass(frozen=True, slots=True)
class DataClassificationParams:
    """Resources at `levels` need one of `roles` or the `permission` (if configured)."""

    levels: frozenset[Classification] = CLASSIFIED
    roles: frozenset[str] = frozenset({ADMIN})
    permission: str | None = None

    def __post_init__(self) -> None:
        try:
            levels = frozenset(Classification(level) for level in self.levels)
        except ValueError as exc:
            raise _invalid("levels", f"use {', '.join(c.value for c in Classification)}") from exc
        object.__setattr__(self, "levels", levels)
        object.__setattr__(self, "roles", frozenset(self.roles))
        if not self.levels:
            raise _invalid("levels", "name at least one classification")
        if not self.roles and self.permission is None:
            raise _invalid("roles", "name a role or a permission that may read classified data")
        if self.permission is not None:
            _check_permissions("permission", frozenset({self.permission}))

    @classmethod
    def from_dict(cls, data: object) -> DataClassificationParams:
        fields = _Fields(data, {"levels", "roles", "permission"})
        levels = fields.classifications("levels", CLASSIFIED)
        roles = fields.strings("roles", frozenset({ADMIN}))
        permission = fields.text("permission", None)
        fields.done()
        return cls(levels, roles, permission)

    def to_dict(self) -> dict[str, object]:
        return {
            "levels": sorted(level.value for level in self.levels),
            "roles": sorted(self.roles),
            "permission": self.permission,
        }


@dataclass(frozen=True, slots=True)
class DataClassificationPolicy:
    """Classified resources only for the configured roles or permission holders."""

    params: DataClassificationParams = DataClassificationParams()
    name: str = "data_classification"

    def evaluate(self, context: PolicyContext) -> Decision:
        level = context.resource.classification
        if level not in self.params.levels:
            return Decision.not_applicable(self.name, f"the resource is {level.value}")
        subject = context.subject
        if subject.has_role(*self.params.roles):
            return Decision.allow(self.name, f"the subject's role may access {level.value} data")
        if self.params.permission is not None and subject.holds(self.params.permission):
            return Decision.allow(self.name, f"the subject holds {self.params.permission}")
        return Decision.deny(self.name, f"the resource is {level.value}")


# --------------------------------------------------------------------------- building and the engine


class PolicyKind(StrEnum):
    OWNERSHIP = "ownership"
    ORGANIZATION_SCOPE = "organization_scope"
    AMOUNT_THRESHOLD = "amount_threshold"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    BUSINESS_HOURS = "business_hours"
    DATA_CLASSIFICATION = "data_classification"


def build_policy(
    kind: str, params: object, *, name: str | None = None, holidays: HolidayCalendar = NO_HOLIDAYS
) -> Policy:
    """A built-in policy from its stored kind and JSON parameters (ValidationFailed if bad)."""
    try:
        policy_kind = PolicyKind(kind)
    except ValueError as exc:
        raise _invalid("kind", f"unknown policy kind; use {', '.join(k.value for k in PolicyKind)}") from exc
    label = name or policy_kind.value
    if policy_kind is PolicyKind.OWNERSHIP:
        return OwnershipPolicy(OwnershipParams.from_dict(params), label)
    if policy_kind is PolicyKind.ORGANIZATION_SCOPE:
        return OrganizationScopePolicy(OrganizationScopeParams.from_dict(params), label)
    if policy_kind is PolicyKind.AMOUNT_THRESHOLD:
        return AmountThresholdPolicy(AmountThresholdParams.from_dict(params), label)
    if policy_kind is PolicyKind.SEGREGATION_OF_DUTIES:
        return SegregationOfDutiesPolicy(SegregationOfDutiesParams.from_dict(params), label)
    if policy_kind is PolicyKind.BUSINESS_HOURS:
        return BusinessHoursPolicy(BusinessHoursParams.from_dict(params), holidays, label)
    return DataClassificationPolicy(DataClassificationParams.from_dict(params), label)


RBAC = "rbac"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The engine's answer and how it got there (RBAC first, then each policy in order)."""

    allowed: bool
    trace: tuple[Decision, ...]

    @property
    def denials(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.trace if d.effect is Effect.DENY)

    @property
    def approval_required(self) -> bool:
        return self.allowed and any(d.approval_required for d in self.trace)

    @property
    def approval_permissions(self) -> frozenset[str]:
        """The permissions an approver must hold (empty unless approval is required)."""
        if not self.approval_required:
            return frozenset()
        return frozenset(d.required_permission for d in self.trace if d.required_permission)

    @property
    def alert(self) -> bool:
        return self.allowed and any(d.alert for d in self.trace)

    @property
    def emergency_override(self) -> bool:
        """Denied, but only by policies an emergency reason would satisfy."""
        denials = self.denials
        return bool(denials) and all(d.emergency_override for d in denials)

    def refusal(self) -> PolicyDenied:
        """The error a use case raises for this denial: the deciding policies' reasons."""
        reasons = "; ".join(d.reason for d in self.denials) or "denied by policy"
        return PolicyDenied(
            reasons[:1].upper() + reasons[1:], reasons=reasons, emergency_override=self.emergency_override
        )

    @property
    def reason(self) -> str:
        if self.allowed:
            return "allowed"
        return "; ".join(f"{d.policy}: {d.reason}" for d in self.denials)

    def to_dict(self) -> dict[str, object]:
        return {
            "allowed": self.allowed,
            "reason": self.reason,
            "approval_required": self.approval_required,
            "alert": self.alert,
            "emergency_override": self.emergency_override,
            "trace": [d.to_dict() for d in self.trace],
        }


class PolicyEngine:
    """Evaluates RBAC, then the enabled policies in order. Deny by default; any deny wins.
    Every policy runs even after a deny, so the trace is complete."""

    def __init__(self, policies: Sequence[Policy] = ()) -> None:
        names = [p.name for p in policies]
        duplicates = sorted({n for n in names if names.count(n) > 1} | ({RBAC} & set(names)))
        if duplicates:
            raise _invalid(
                "policies", f"policy names must be unique and not {RBAC!r}: {', '.join(duplicates)}"
            )
        self._policies = tuple(policies)

    @property
    def policies(self) -> tuple[Policy, ...]:
        return self._policies

    def evaluate(self, context: PolicyContext) -> Evaluation:
        scope = context.subject.scope_of(context.action)
        if scope is None:
            rbac = Decision.deny(RBAC, f"no role grants {context.action}")
        else:
            rbac = Decision.allow(RBAC, f"{context.action} is granted with {scope.value} scope")
        trace = (rbac, *(policy.evaluate(context) for policy in self._policies))
        allowed = rbac.effect is Effect.ALLOW and all(d.effect is not Effect.DENY for d in trace)
        return Evaluation(allowed, trace)
