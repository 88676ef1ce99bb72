"""Role-based access control: the permission catalogue, the system roles and what they grant.

A permission is `resource:action`. A grant has a scope: `all` (any object), `organization`
(objects of the holder's own organization) or `own` (only objects the caller owns), checked
by the use case: object-level authorisation, OWASP API1.
Deny by default: a permission that is not granted is refused.

Each permission declares the scopes its use cases honour; a grant at a scope the permission
does not support narrows to the widest supported scope below it, or is not held at all, so
a narrower scope can never fail open (a grant of `incident:read` at `own` means nothing,
not "every incident"). Each permission also says whether it is privileged: any privileged
grant, and any grant wider than `own`, is usable only from a session that passed MFA
(ASVS 6.3.3); without it the holder keeps the customer set alone.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Scope(StrEnum):
    OWN = "own"
    ORGANIZATION = "organization"
    ALL = "all"

    @property
    def rank(self) -> int:
        return _SCOPE_RANK[self]


_SCOPE_RANK = {Scope.OWN: 0, Scope.ORGANIZATION: 1, Scope.ALL: 2}

# The scope sets permissions support (what their use cases can filter by).
ALL_ONLY = frozenset({Scope.ALL})
OWN_OR_ALL = frozenset({Scope.OWN, Scope.ALL})
ANY_SCOPE = frozenset(Scope)


@dataclass(frozen=True, slots=True)
class PermissionSpec:
    """One permission: fail closed by default (privileged, scope `all` only), so a new
    permission needs MFA and cannot be granted narrower until its use case filters by scope."""

    name: str
    category: str
    description: str
    scopes: frozenset[Scope] = ALL_ONLY
    privileged: bool = True

    def narrowed(self, scope: Scope) -> Scope | None:
        """The widest supported scope no wider than `scope` (None: nothing is granted)."""
        fitting = [s for s in self.scopes if s.rank <= scope.rank]
        return max(fitting, key=lambda s: s.rank) if fitting else None


# The client's catalogue (architecture-production.md section 3.1), grouped by category, with
# the scopes each use case filters by and whether the permission is privileged. The customer
# set (not privileged) is what the `user` role holds, at scope `own`.
CATALOGUE: tuple[PermissionSpec, ...] = (
    PermissionSpec("user:create", "identity", "Create user accounts"),
    PermissionSpec("user:read", "identity", "Read user accounts", ANY_SCOPE, privileged=False),
    PermissionSpec("user:update", "identity", "Change user accounts (profile, status, unlock)", ANY_SCOPE),
    PermissionSpec("user:delete", "identity", "Delete (soft) and restore user accounts", ANY_SCOPE),
    PermissionSpec("payment:create", "payments", "Initiate payments", OWN_OR_ALL, privileged=False),
    PermissionSpec("payment:approve", "payments", "Approve payments above thresholds"),
    PermissionSpec("payment:reconcile", "payments", "Run reconciliation"),
    PermissionSpec("payment:deposit", "payments", "Book deposits and withdrawals on wallets"),
    PermissionSpec(
        "vehicle:register",
        "payments",
        "Register vehicles by VIN or chassis number",
        OWN_OR_ALL,
        privileged=False,
    ),
    PermissionSpec(
        "vehicle:read", "payments", "Read vehicles and their ownership history", OWN_OR_ALL, privileged=False
    ),
    PermissionSpec(
        "vehicle:transfer",
        "payments",
        "Offer, accept, decline and cancel vehicle ownership transfers",
        OWN_OR_ALL,
        privileged=False,
    ),
    PermissionSpec("invoice:create", "payments", "Draft invoices", OWN_OR_ALL),
    PermissionSpec(
        "invoice:read", "payments", "Read invoices, credit notes and receipts", OWN_OR_ALL, privileged=False
    ),
    PermissionSpec(
        "invoice:manage",
        "payments",
        "Issue and void invoices, issue credit notes, manage issuers",
        OWN_OR_ALL,
    ),
    PermissionSpec("role:manage", "governance", "Manage roles and role assignments"),
    PermissionSpec("policy:manage", "governance", "Manage access policies"),
    PermissionSpec("organization:manage", "governance", "Create organizations and manage any of them"),
    PermissionSpec(
        "webhook:manage",
        "governance",
        "Register and manage organisations' webhook endpoints",
        frozenset({Scope.ORGANIZATION, Scope.ALL}),
    ),
    PermissionSpec(
        "service_request:create", "governance", "Open service requests", OWN_OR_ALL, privileged=False
    ),
    PermissionSpec(
        "service_request:read", "governance", "Read service requests", ANY_SCOPE, privileged=False
    ),
    PermissionSpec(
        "service_request:manage", "governance", "Assign, start and complete service requests", ANY_SCOPE
    ),
    PermissionSpec(
        "service_request:approve",
        "governance",
        "Approve or reject service requests at a chain level",
        ANY_SCOPE,
    ),
    PermissionSpec(
        "workflow:manage", "governance", "Configure service-request categories and approval chains"
    ),
    PermissionSpec("audit:view", "compliance", "Read the audit log", ANY_SCOPE),
    PermissionSpec("audit:export", "compliance", "Export and verify the audit log"),
    PermissionSpec("report:generate", "compliance", "Generate regulatory reports"),
    PermissionSpec("incident:read", "compliance", "Read incidents, their timelines and breach notifications"),
    PermissionSpec(
        "incident:manage", "compliance", "Open, work and close incidents; record breach notifications"
    ),
    PermissionSpec("sla:read", "compliance", "Read SLA policies, case states and the SLA report"),
    PermissionSpec("sla:manage", "compliance", "Manage SLA policies"),
    PermissionSpec("risk:read", "compliance", "Read the risk register"),
    PermissionSpec("risk:manage", "compliance", "Manage risks, their treatment and reviews"),
    PermissionSpec(
        "privacy:read",
        "compliance",
        "Read the data inventory, processing register, consents and privacy requests",
    ),
    PermissionSpec(
        "privacy:manage",
        "compliance",
        "Manage the processing register, notices, privacy requests, retention policies and legal holds",
    ),
)
PERMISSION_NAMES = frozenset(p.name for p in CATALOGUE)
SPECS: dict[str, PermissionSpec] = {p.name: p for p in CATALOGUE}


def unsupported_scope(permission: str, scope: Scope) -> bool:
    """True when `permission` cannot be granted at `scope` (the role API refuses it)."""
    spec = SPECS.get(permission)
    return spec is not None and scope not in spec.scopes


def is_privileged(permission: str, scope: Scope) -> bool:
    """A privileged grant needs an MFA session: a privileged permission at any scope, or any
    permission reaching beyond the holder's own objects."""
    spec = SPECS.get(permission)
    return spec is None or spec.privileged or scope is not Scope.OWN


ADMIN, STAFF, USER, GUEST = "admin", "staff", "user", "guest"
SYSTEM_ROLES: dict[str, str] = {
    ADMIN: "System administrator",
    STAFF: "Compliance officer or support staff",
    USER: "Regular user",
    GUEST: "Unauthenticated visitor",
}

# The client's mapping. `user:read` for the user role is scoped to their own record, so a
# customer can never list or read other customers.
DEFAULT_GRANTS: dict[str, dict[str, Scope]] = {
    ADMIN: dict.fromkeys(PERMISSION_NAMES, Scope.ALL),
    STAFF: {
        "user:read": Scope.ALL,
        "service_request:create": Scope.ALL,
        "service_request:read": Scope.ALL,
        "service_request:manage": Scope.ALL,
        "service_request:approve": Scope.ALL,
        "payment:create": Scope.ALL,
        "payment:approve": Scope.ALL,
        "payment:deposit": Scope.ALL,
        "vehicle:register": Scope.ALL,
        "vehicle:read": Scope.ALL,
        "vehicle:transfer": Scope.ALL,
        "invoice:create": Scope.ALL,
        "invoice:read": Scope.ALL,
        "invoice:manage": Scope.ALL,
        "audit:view": Scope.ALL,
        "privacy:read": Scope.ALL,
        "privacy:manage": Scope.ALL,
        "incident:read": Scope.ALL,
        "incident:manage": Scope.ALL,
        "sla:read": Scope.ALL,
        "risk:read": Scope.ALL,
        "webhook:manage": Scope.ORGANIZATION,
    },
    USER: {
        "user:read": Scope.OWN,
        "payment:create": Scope.OWN,
        "vehicle:register": Scope.OWN,
        "vehicle:read": Scope.OWN,
        "vehicle:transfer": Scope.OWN,
        "invoice:read": Scope.OWN,
        "service_request:create": Scope.OWN,
        "service_request:read": Scope.OWN,
    },
    GUEST: {},
}


@dataclass(frozen=True, slots=True)
class Grants:
    """The effective permissions of one user: permission name -> widest scope held.

    `withheld` names the permissions a session without MFA does not get to use (empty for
    the user's stored grants), so a refusal can say "enrol MFA" rather than "not allowed".
    """

    roles: frozenset[str]
    permissions: dict[str, Scope]
    withheld: frozenset[str] = frozenset()

    def allows(self, permission: str) -> bool:
        return permission in self.permissions

    def scope_of(self, permission: str) -> Scope | None:
        return self.permissions.get(permission)

    def covers(self, permission: str, scope: Scope) -> bool:
        """Does this holder have `permission` at least as widely as `scope`?"""
        held = self.permissions.get(permission)
        return held is not None and held.rank >= scope.rank

    @property
    def privileged(self) -> bool:
        return any(is_privileged(name, scope) for name, scope in self.permissions.items())

    def without_mfa(self, mfa_roles: frozenset[str]) -> Grants:
        """What a session that has not passed MFA may use: if any of these grants needs MFA
        (a privileged grant, or a role the settings name), only the customer set remains:
        non-privileged permissions at scope `own`, and no role beyond `user`."""
        if not (self.roles & mfa_roles) and not self.privileged:
            return self
        kept = {
            name: Scope.OWN for name, scope in self.permissions.items() if not is_privileged(name, Scope.OWN)
        }
        withheld = frozenset(name for name, scope in self.permissions.items() if kept.get(name) is not scope)
        return Grants(self.roles & {USER}, kept, withheld)

    @staticmethod
    def merge(roles: frozenset[str], grants: list[tuple[str, Scope]]) -> Grants:
        """One user's grants from all their roles: the widest scope per permission, after
        narrowing each grant to the scopes its permission supports (unknown permissions and
        unsupported narrower scopes grant nothing: deny by default)."""
        merged: dict[str, Scope] = {}
        for name, granted in grants:
            spec = SPECS.get(name)
            scope = None if spec is None else spec.narrowed(granted)
            if scope is None:
                continue
            held = merged.get(name)
            if held is None or scope.rank > held.rank:
                merged[name] = scope
        return Grants(roles, merged)


# A role name: a lower-case slug (letters, digits, single `-` or `_` between them).
ROLE_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
ROLE_NAME_MAX = 64


@dataclass(frozen=True, slots=True)
class Role:
    """A role and what it grants. System roles (the seeded four) are fixed: their name and
    permissions cannot change and they cannot be deleted."""

    id: uuid.UUID
    name: str
    description: str | None
    is_system_role: bool
    permissions: dict[str, Scope] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PermissionInfo:
    """One entry of the stored permission catalogue."""

    name: str
    category: str
    description: str | None
