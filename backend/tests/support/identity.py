"""Helpers for identity tests: users, sign-in, TOTP codes, roles."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

import pyotp

from elcorp.governance.infrastructure.grants import SqlGrantsStore
from support.factories.identity import STRONG_PASSWORD as STRONG_PASSWORD
from support.factories.identity import RegistrationBodyFactory

OTHER_PASSWORD = "Etosha#Pan-Flamingo-77"


@dataclass
class Account:
    id: str
    username: str
    email: str
    password: str
    device_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    access: str | None = None
    refresh: str | None = None
    totp_secret: str | None = None

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


def registration_body(**overrides) -> dict:
    return RegistrationBodyFactory(**overrides)


def register(client, **overrides) -> Account:
    body = registration_body(**overrides)
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    return Account(id=data["id"], username=body["username"], email=body["email"], password=body["password"])


def login(client, user: Account, *, password: str | None = None, device_id: str | None = None):
    return client.post(
        "/api/v1/auth/login",
        json={
            "email": user.email,
            "password": password or user.password,
            "device_id": device_id or user.device_id,
        },
    )


def signed_in(client, **overrides) -> Account:
    user = register(client, **overrides)
    response = login(client, user)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    user.access, user.refresh = data["access_token"], data["refresh_token"]
    return user


def grant_roles(container, user: Account, *roles: str) -> None:
    with container.session_factory() as session:
        SqlGrantsStore(session).set_roles(uuid.UUID(user.id), frozenset(roles), None)
        session.commit()
    container.access.forget(uuid.UUID(user.id))


def totp_now(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enable_mfa(client, user: Account) -> list[str]:
    setup = client.post("/api/v1/auth/mfa/setup", headers=user.auth)
    assert setup.status_code == 200, setup.get_json()
    user.totp_secret = setup.get_json()["data"]["secret"]
    enabled = client.post(
        "/api/v1/auth/mfa/enable",
        headers=user.auth,
        json={"code": totp_now(user.totp_secret), "password": user.password},
    )
    assert enabled.status_code == 200, enabled.get_json()
    return enabled.get_json()["data"]["backup_codes"]


def sign_in_with_mfa(client, user: Account, code: str) -> None:
    first = login(client, user)
    assert first.get_json()["data"]["mfa_required"] is True
    second = client.post(
        "/api/v1/auth/mfa/verify", json={"mfa_token": first.get_json()["data"]["mfa_token"], "code": code}
    )
    assert second.status_code == 200, second.get_json()
    data = second.get_json()["data"]
    user.access, user.refresh = data["access_token"], data["refresh_token"]


def staff_with_mfa(client, container, *roles: str) -> Account:
    """A staff/admin user whose session passed MFA (what privileged calls require)."""
    user = signed_in(client)
    grant_roles(container, user, *roles)
    enable_mfa(client, user)
    # A code from the next time step: the enrolment code's step is already spent.
    sign_in_with_mfa(client, user, totp_now(user.totp_secret, offset_steps=1))
    return user
