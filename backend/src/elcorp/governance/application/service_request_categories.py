"""Service-request categories and their versioned approval chains.

Reading them needs `service_request:create` or `:read` (or `workflow:manage`, which alone
sees inactive categories and a chain's past versions); changing them needs
`workflow:manage`. A revised chain is a new version: requests already submitted keep the
version they were submitted under.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.service_request_access import CONFIGURE, CREATE, READ, audit_actor, invalid
from elcorp.governance.application.workflow_ports import Category, WorkflowUnitOfWork
from elcorp.governance.domain.approval_chains import ApprovalChain, ApprovalLevel, validate_category
from elcorp.governance.domain.rbac import PERMISSION_NAMES
from elcorp.shared.application import audit
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, NotFound

MAX_CATEGORY_DESCRIPTION = 500


class RequestCategories:
    def __init__(self, uow: Callable[[], WorkflowUnitOfWork], access: AccessControl) -> None:
        self._uow = uow
        self._access = access

    # -- reads -----------------------------------------------------------------------------
    def categories(self, caller: uuid.UUID, *, include_inactive: bool = False) -> list[Category]:
        grants = self._access.grants_for(caller)
        if not (grants.allows(CREATE) or grants.allows(READ) or grants.allows(CONFIGURE)):
            raise AccessDenied("service_request:create or service_request:read is required")
        with self._uow() as uow:
            return uow.requests.categories(include_inactive=include_inactive and grants.allows(CONFIGURE))

    def category(self, caller: uuid.UUID, name: str) -> Category:
        """One category, as `categories` would show it (an inactive one: `workflow:manage`)."""
        grants = self._access.grants_for(caller)
        self.categories(caller)  # the same right to look
        with self._uow() as uow:
            found = uow.requests.category(name)
        if found is None or not (found.active or grants.allows(CONFIGURE)):
            raise NotFound("Category not found")
        return found

    def chain(self, caller: uuid.UUID, category: str, version: int | None = None) -> ApprovalChain:
        self.categories(caller)  # the same right to look
        with self._uow() as uow:
            found = uow.requests.chain(category, version)
        if found is None:
            raise NotFound("Approval chain not found")
        return found

    def chain_versions(self, caller: uuid.UUID, category: str) -> list[ApprovalChain]:
        self._access.require(caller, CONFIGURE)
        with self._uow() as uow:
            if uow.requests.category(category) is None:
                raise NotFound("Category not found")
            return uow.requests.chain_versions(category)

    # -- changes ---------------------------------------------------------------------------
    def add_category(
        self, caller: uuid.UUID, *, name: str, description: str, levels: Sequence[Mapping[str, object]]
    ) -> tuple[Category, ApprovalChain]:
        grants = self._access.require(caller, CONFIGURE)
        name = validate_category(name)
        text = _description(description)
        with self._uow() as uow:
            chain = ApprovalChain(name, 1, _levels(uow, levels))
            if uow.requests.category(name) is not None:
                raise AlreadyExists(f"Category {name!r} already exists")
            uow.requests.add_category(name, text)
            uow.requests.add_chain(chain, caller)
            uow.audit.record(
                "service_request_category.created",
                audit_actor(grants, caller),
                audit.Resource("service_request_category", name),
                audit.Changes(after={"description": text, "chain": chain.to_dict()}),
            )
            uow.commit()
        return Category(name, text, True, 1), chain

    def update_category(
        self, caller: uuid.UUID, name: str, *, description: str | None, active: bool | None
    ) -> Category:
        grants = self._access.require(caller, CONFIGURE)
        with self._uow() as uow:
            before = uow.requests.category(name, for_update=True)
            if before is None:
                raise NotFound("Category not found")
            after = Category(
                name,
                before.description if description is None else _description(description),
                before.active if active is None else active,
                before.chain_version,
            )
            uow.requests.update_category(name, description=after.description, active=after.active)
            uow.audit.record(
                "service_request_category.updated",
                audit_actor(grants, caller),
                audit.Resource("service_request_category", name),
                audit.Changes(
                    {"description": before.description, "active": before.active},
                    {"description": after.description, "active": after.active},
                ),
            )
            uow.commit()
        return after

    def revise_chain(
        self, caller: uuid.UUID, category: str, levels: Sequence[Mapping[str, object]]
    ) -> ApprovalChain:
        """A new version of the category's chain; requests already submitted keep theirs."""
        grants = self._access.require(caller, CONFIGURE)
        with self._uow() as uow:
            if uow.requests.category(category, for_update=True) is None:  # serialises revisions
                raise NotFound("Category not found")
            current = uow.requests.chain(category)
            new_levels = _levels(uow, levels)
            chain = (
                current.revised(new_levels) if current is not None else ApprovalChain(category, 1, new_levels)
            )
            uow.requests.add_chain(chain, caller)
            uow.audit.record(
                "approval_chain.revised",
                audit_actor(grants, caller),
                audit.Resource("approval_chain", f"{category}@{chain.version}"),
                audit.Changes({} if current is None else current.to_dict(), chain.to_dict()),
            )
            uow.commit()
        return chain


def _levels(uow: WorkflowUnitOfWork, levels: Sequence[Mapping[str, object]]) -> tuple[ApprovalLevel, ...]:
    """The chain's levels, each naming a role that exists or a permission of the catalogue."""
    parsed = tuple(ApprovalLevel.from_dict(level) for level in levels)
    known = uow.requests.known_roles()
    for n, level in enumerate(parsed, start=1):
        if level.required_role is not None and level.required_role not in known:
            raise invalid(f"levels[{n}].required_role", f"no role {level.required_role!r}")
        if level.required_permission is not None and level.required_permission not in PERMISSION_NAMES:
            raise invalid(f"levels[{n}].required_permission", f"no permission {level.required_permission!r}")
    return parsed


def _description(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_CATEGORY_DESCRIPTION:
        raise invalid("description", f"at most {MAX_CATEGORY_DESCRIPTION} characters")
    return text
