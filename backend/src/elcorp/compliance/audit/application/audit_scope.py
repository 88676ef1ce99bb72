"""Which audit entries a reader may see: all of them with a global `audit:view` grant;
with an organization-scoped grant, the entries about their organization; with an `own`
grant, their own.

"About an organization" means: made by one of its members (`actor_id`), or about one of
its members (`resource_type` `user`) or about the organization itself (`resource_type`
`organization`). Membership comes from governance's public API, read at each request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from elcorp.governance.application.api import AccessControl, OrganizationDirectory, Scope

VIEW = "audit:view"


@dataclass(frozen=True, slots=True)
class AuditReach:
    """What a reader may see; `everything` or the people and organization named."""

    everything: bool
    people: frozenset[str] = frozenset()
    organization: str | None = None


class AuditScope:
    def __init__(self, access: AccessControl, organizations: OrganizationDirectory) -> None:
        self._access = access
        self._organizations = organizations

    def reach_of(self, reader: uuid.UUID) -> AuditReach:
        scope = self._access.grants_for(reader).scope_of(VIEW)
        if scope is Scope.ALL:
            return AuditReach(everything=True)
        if scope is Scope.ORGANIZATION:
            organization = self._organizations.organization_of(reader)
            if organization is not None:
                members = self._organizations.members_of(organization) | {reader}
                return AuditReach(False, frozenset(str(m) for m in members), str(organization))
        return AuditReach(False, frozenset({str(reader)}))  # own (or no organization): oneself
