"""The governance unit of work: the kernel's SQL unit of work plus the role, policy and
organization stores."""

from __future__ import annotations

from typing import Self

from elcorp.governance.infrastructure.organizations import SqlOrganizationStore
from elcorp.governance.infrastructure.policies import SqlPolicyStore
from elcorp.governance.infrastructure.roles import SqlRoleStore
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork


class SqlGovernanceUnitOfWork(SqlAlchemyUnitOfWork):
    roles: SqlRoleStore
    policies: SqlPolicyStore
    organizations: SqlOrganizationStore

    def __enter__(self) -> Self:
        super().__enter__()
        self.roles = SqlRoleStore(self.session)
        self.policies = SqlPolicyStore(self.session)
        self.organizations = SqlOrganizationStore(self.session)
        return self
