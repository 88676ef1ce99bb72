"""Steps the identity unit tests share: a registered user, a signed-in session, MFA enrolled,
staff with roles; all through the use cases themselves, over the in-memory fakes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from elcorp.identity.application.results import MfaChallenge, Principal, TokenPair, UserView
from support.factories.identity import STRONG_PASSWORD, RegistrationCommandFactory
from support.fakes_identity import IdentityFakes

PASSWORD = STRONG_PASSWORD
NEW_PASSWORD = "Etosha#Pan-Flamingo-77"
IP = "198.51.100.7"


@dataclass
class Session:
    user: UserView
    device_id: uuid.UUID
    pair: TokenPair
    password: str = PASSWORD

    @property
    def id(self) -> uuid.UUID:
        return self.user.id


def register(fakes: IdentityFakes, **overrides: object) -> UserView:
    return fakes.accounts.register(**RegistrationCommandFactory(**overrides))


def login(
    fakes: IdentityFakes,
    login: str,
    password: str = PASSWORD,
    *,
    device_id: uuid.UUID | None = None,
    ip: str | None = IP,
) -> TokenPair | MfaChallenge:
    return fakes.auth.login(
        login=login,
        password=password,
        device_id=device_id or uuid.uuid4(),
        device_name="Pixel 8",
        ip=ip,
        user_agent="elcorp-app/1.0",
    )


def signed_in(fakes: IdentityFakes, **overrides: object) -> Session:
    """A registered user with one session; the clock moves on a second, so a revocation
    that follows is later than the tokens it must kill."""
    user = register(fakes, **overrides)
    password = str(overrides.get("password", PASSWORD))
    device = uuid.uuid4()
    pair = login(fakes, user.email, password, device_id=device)
    assert isinstance(pair, TokenPair)
    fakes.clock.advance(1)
    return Session(user, device, pair, password)


def principal(fakes: IdentityFakes, session: Session) -> Principal:
    return fakes.auth.authenticate(session.pair.access_token)


def enrol_mfa(fakes: IdentityFakes, session: Session) -> tuple[str, list[str]]:
    """TOTP on for the session's user: (the secret, the backup codes). The clock moves past
    the enrolment's time step, so the next code is a fresh one."""
    caller = principal(fakes, session)
    setup = fakes.mfa.setup(caller)
    codes = fakes.mfa.enable(
        caller, fakes.totp.code_at(setup.secret, fakes.clock.now()), password=session.password
    )
    fakes.clock.advance(30)
    return setup.secret, codes


def mfa_login(fakes: IdentityFakes, session: Session, code: str) -> TokenPair:
    first = login(fakes, session.user.email, session.password, device_id=session.device_id)
    assert isinstance(first, MfaChallenge)
    return fakes.auth.verify_mfa(mfa_token=first.mfa_token, code=code, ip=IP, user_agent="elcorp-app/1.0")


def staff(fakes: IdentityFakes, *roles: str, mfa: bool = True, **overrides: object) -> Principal:
    """A caller holding `roles` whose session did (or did not) pass MFA."""
    session = signed_in(fakes, **overrides)
    fakes.set_roles(session.id, *roles)
    base = principal(fakes, session)
    return Principal(base.user_id, base.device_id, base.jti, base.expires_at, mfa=mfa)
