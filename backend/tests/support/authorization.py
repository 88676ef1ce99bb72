"""Callers for the authorization matrix: real users with real roles, and access tokens
minted straight from the token service (a fresh one per request, so a logout or a revoked
device in one row cannot leak into the next)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from elcorp.governance.domain.rbac import Grants


@dataclass(frozen=True)
class Caller:
    """One column of the matrix: who calls, and whether their session passed MFA."""

    name: str
    user_id: uuid.UUID | None  # None: anonymous
    mfa: bool = False

    @property
    def anonymous(self) -> bool:
        return self.user_id is None


ANONYMOUS = Caller("anonymous", None)


def access_token(container, caller: Caller) -> str:
    """A new access token for the caller, its `amr` saying whether MFA was passed."""
    assert caller.user_id is not None
    tokens = container.identity.auth.d.tokens
    return str(tokens.issue_access(caller.user_id, uuid.uuid4(), datetime.now(UTC), mfa=caller.mfa).token)


def headers_for(container, caller: Caller, **extra: str) -> dict[str, str]:
    if caller.anonymous:
        return dict(extra)
    return {"Authorization": f"Bearer {access_token(container, caller)}", **extra}


def session_grants(container, caller: Caller) -> Grants:
    """What the caller's session may use, by the platform's own rules (RBAC + MFA)."""
    assert caller.user_id is not None
    return container.access.session_grants(caller.user_id, mfa=caller.mfa)


def stored_role(container, name: str, grants: dict[str, str]) -> None:
    """A custom role written straight into the tables, bypassing the role API: how a grant
    stored before the API learnt to refuse it (an unsupported scope) still looks."""
    with container.session_factory() as session:
        role_id = session.execute(
            text("INSERT INTO role (name, description) VALUES (:n, 'authorization matrix') RETURNING id"),
            {"n": name},
        ).scalar_one()
        for permission, scope in grants.items():
            session.execute(
                text(
                    "INSERT INTO role_permission (role_id, permission_id, scope) "
                    "SELECT :r, id, :s FROM permission WHERE name = :p"
                ),
                {"r": role_id, "s": scope, "p": permission},
            )
        session.commit()


def add_roles(container, user_id: uuid.UUID | str, *roles: str) -> None:
    """Give the user these roles on top of the ones they hold."""
    with container.session_factory() as session:
        session.execute(
            text(
                "INSERT INTO user_role (user_id, role_id) SELECT :u, id FROM role WHERE name = ANY(:names) "
                "ON CONFLICT DO NOTHING"
            ),
            {"u": str(user_id), "names": list(roles)},
        )
        session.commit()
    container.access.forget(uuid.UUID(str(user_id)))
