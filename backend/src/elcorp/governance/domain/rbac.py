"""Role-based access control: the permission catalogue, the system roles and what they grant.

A permission is `resource:action`. A grant has a scope: `all` (any object), `organization`
(objects of the holder's own organization) or `own` (only objects the caller owns), checked
by the use case: object-level authorisation, OWASP API1.
Deny by default: a permission that is not granted is refused.
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


@dataclass(frozen=True, slots=True)
class PermissionSpec:
    name: str
    category: str
    description: str


# The client's catalogue (architecture-production.md section 3.1), grouped by category.
CATALOGUE: tuple[PermissionSpec, ...] = (
    PermissionSpec("user:create", "identity", "Create user accounts"),
    PermissionSpec("user:read", "identity", "Read user accounts"),
    PermissionSpec("user:update", "identity", "Change user accounts (profile, status, unlock)"),
    PermissionSpec("user:delete", "identity", "Delete (soft) and restore user accounts"),
    PermissionSpec("payment:create", "payments", "Initiate payments"),
    PermissionSpec("payment:approve", "payments", "Approve payments above thresholds"),
    PermissionSpec("payment:reconcile", "payments", "Run reconciliation"),
    PermissionSpec("payment:deposit", "payments", "Book deposits and withdrawals on wallets"),
    PermissionSpec("vehicle:register", "payments", "Register vehicles by VIN or chassis number"),
    PermissionSpec("vehicle:read", "payments", "Read vehicles and their ownership history"),
    PermissionSpec(
        "vehicle:transfer", "payments", "Offer, accept, decline and cancel vehicle ownership transfers"
    ),
    PermissionSpec("invoice:create", "payments", "Draft invoices"),
    PermissionSpec("invoice:read", "payments", "Read invoices, credit notes and receipts"),
    PermissionSpec(
        "invoice:manage", "payments", "Issue and void invoices, issue credit notes, manage issuers"
    ),
    PermissionSpec("role:manage", "governance", "Manage roles and role assignments"),
    PermissionSpec("policy:manage", "governance", "Manage access policies"),
    PermissionSpec("organization:manage", "governance", "Create organizations and manage any of them"),
    PermissionSpec("service_request:create", "governance", "Open service requests"),
    PermissionSpec("service_request:read", "governance", "Read service requests"),
    PermissionSpec("service_request:manage", "governance", "Assign, start and complete service requests"),
    PermissionSpec(
        "service_request:approve", "governance", "Approve or reject service requests at a chain level"
    ),
    PermissionSpec(
        "workflow:manage", "governance", "Configure service-request categories and approval chains"
    ),
    PermissionSpec("audit:view", "compliance", "Read the audit log"),
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
    """The effective permissions of one user: permission name -> widest scope held."""

    roles: frozenset[str]
    permissions: dict[str, Scope]

    def allows(self, permission: str) -> bool:
        return permission in self.permissions

    def scope_of(self, permission: str) -> Scope | None:
        return self.permissions.get(permission)

    def covers(self, permission: str, scope: Scope) -> bool:
        """Does this holder have `permission` at least as widely as `scope`?"""
        held = self.permissions.get(permission)
        return held is not None and held.rank >= scope.rank

    @staticmethod
    def merge(roles: frozenset[str], grants: list[tuple[str, Scope]]) -> Grants:
        merged: dict[str, Scope] = {}
        for name, scope in grants:
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
