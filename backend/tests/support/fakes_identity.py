"""In-memory fakes of identity's ports, for unit tests of the identity use cases.

Each fake keeps the contract of its adapter in identity.infrastructure (and governance's
grants store): the unit of work is transactional (a copy of the committed state is worked
on; leaving without `commit()` drops it), a repository hands out copies (a change is stored
only by `save`), uniqueness is checked on the normalised email and the phone's E.164 form
(deleted accounts included), lookups by login skip deleted accounts, one-time links and MFA
challenges are single-use and expire, a new link voids the older ones of its purpose, TOTP
steps are accepted once, backup codes once each, and enabling MFA sets the account's flag.
Time comes from one `FakeClock`, so expiry is tested by moving it.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self, TypeVar, cast

from elcorp.governance.application.api import AccessControl, Grants, OrganizationDirectory, Scope
from elcorp.governance.application.ports import GovernanceUnitOfWork
from elcorp.governance.domain.rbac import DEFAULT_GRANTS
from elcorp.identity.application.accounts import Accounts
from elcorp.identity.application.admin import UserAdministration
from elcorp.identity.application.authentication import Authentication
from elcorp.identity.application.deps import Ciphers, IdentityDeps
from elcorp.identity.application.mfa import TwoFactor
from elcorp.identity.application.ports import DeviceView
from elcorp.identity.domain.errors import TokenExpired, TokenInvalid
from elcorp.identity.domain.passwords import PasswordPolicy
from elcorp.identity.domain.user import User, UserStatus
from elcorp.shared.domain.events import DomainEvent
from support.fakes import FakeAuditLog, FakeClock, FakeGrantsCache, RecordedEntry

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
HOUR = 3600
K = TypeVar("K")


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class DuplicateKey(Exception):
    """What the database's unique constraint would raise."""


# -- state -------------------------------------------------------------------------------------
@dataclass
class FakeDevice:
    user_id: uuid.UUID
    device_id: uuid.UUID
    device_name: str | None
    refresh_token_hash: str
    family_id: uuid.UUID
    user_agent: str | None
    ip_address: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None


@dataclass
class FakeLink:
    user_id: uuid.UUID
    purpose: str
    expires_at: datetime
    used_at: datetime | None = None


@dataclass
class FakeMfa:
    secret: str | None = None
    pending: str | None = None
    last_step: int | None = None


@dataclass
class IdentityState:
    """The rows a commit makes durable."""

    users: dict[uuid.UUID, User] = field(default_factory=dict)
    history: dict[uuid.UUID, list[str]] = field(default_factory=dict)  # oldest first
    devices: dict[tuple[uuid.UUID, uuid.UUID], FakeDevice] = field(default_factory=dict)
    links: dict[str, FakeLink] = field(default_factory=dict)  # by digest of the raw token
    mfa: dict[uuid.UUID, FakeMfa] = field(default_factory=dict)
    backup_codes: dict[uuid.UUID, dict[str, datetime | None]] = field(default_factory=dict)
    roles: dict[uuid.UUID, frozenset[str]] = field(default_factory=dict)


class FakeIdentityDatabase:
    """The committed state, with what commits published and audited, in order."""

    def __init__(self, role_grants: dict[str, dict[str, Scope]] | None = None) -> None:
        self.state = IdentityState()
        self.role_grants = copy.deepcopy(role_grants if role_grants is not None else DEFAULT_GRANTS)
        self.events: list[DomainEvent] = []
        self.audit: list[RecordedEntry] = []
        self.commits = 0
        self.locked_roles: list[str] = []
        self._serial = itertools.count(1)

    def serial(self) -> int:
        return next(self._serial)

    def grants_of(self, user_id: uuid.UUID) -> Grants:
        """What governance's grants store loads: the roles and the widest scope per permission."""
        roles = self.state.roles.get(user_id, frozenset())
        pairs = [(name, scope) for role in roles for name, scope in self.role_grants.get(role, {}).items()]
        return Grants.merge(roles, pairs)

    def user(self, user_id: uuid.UUID) -> User:
        """A copy of the stored account (tests read state through this)."""
        return copy.deepcopy(self.state.users[user_id])

    def actions(self) -> list[str]:
        return [entry.action for entry in self.audit]

    def events_of(self, kind: type[DomainEvent]) -> list[DomainEvent]:
        return [e for e in self.events if isinstance(e, kind)]


# -- repositories --------------------------------------------------------------------------------
class FakeUserRepository:
    def __init__(self, uow: FakeIdentityUnitOfWork) -> None:
        self._uow = uow

    @property
    def _users(self) -> dict[uuid.UUID, User]:
        return self._uow.state.users

    def add(self, user: User) -> None:
        clash = (
            user.id in self._users
            or self.email_taken(user.email.normalized)
            or self.username_taken(user.username)
            or (user.phone is not None and self.phone_taken(user.phone.e164))
        )
        if clash:
            raise DuplicateKey(str(user.id))
        self._users[user.id] = copy.deepcopy(user)

    def save(self, user: User) -> None:
        if user.id in self._users:  # an UPDATE of a missing row changes nothing
            self._users[user.id] = copy.deepcopy(user)

    def get(
        self, user_id: uuid.UUID, *, for_update: bool = False, include_deleted: bool = False
    ) -> User | None:
        user = self._users.get(user_id)
        if user is None or (user.deleted_at is not None and not include_deleted):
            return None
        return copy.deepcopy(user)

    def by_login(self, login: str) -> User | None:
        value = login.strip().lower()
        for user in self._users.values():
            key = user.email.normalized if "@" in value else user.username
            if key == value and user.deleted_at is None:
                return copy.deepcopy(user)
        return None

    def email_taken(self, normalized_email: str, except_id: uuid.UUID | None = None) -> bool:
        return any(u.email.normalized == normalized_email and u.id != except_id for u in self._users.values())

    def username_taken(self, username: str) -> bool:
        return any(u.username == username for u in self._users.values())

    def phone_taken(self, e164: str, except_id: uuid.UUID | None = None) -> bool:
        return any(
            u.phone is not None and u.phone.e164 == e164 and u.id != except_id for u in self._users.values()
        )

    def search(
        self,
        *,
        text: str | None,
        status: str | None,
        only_ids: Sequence[uuid.UUID] | None,
        include_deleted: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[User], int]:
        found = [u for u in self._users.values() if self._matches(u, text, status, only_ids, include_deleted)]
        found.sort(key=lambda u: u.id)
        found.sort(key=lambda u: u.created_at, reverse=True)
        return [copy.deepcopy(u) for u in found[offset : offset + limit]], len(found)

    @staticmethod
    def _matches(
        user: User,
        text: str | None,
        status: str | None,
        only_ids: Sequence[uuid.UUID] | None,
        include_deleted: bool,
    ) -> bool:
        if user.status is UserStatus.ERASED or (user.deleted_at is not None and not include_deleted):
            return False
        if (status and user.status.value != status) or (only_ids is not None and user.id not in only_ids):
            return False
        needle = (text or "").lower()
        return needle in user.full_name.lower() or needle in user.email.normalized or needle in user.username

    def password_history(self, user_id: uuid.UUID, limit: int) -> Sequence[str]:
        return list(reversed(self._uow.state.history.get(user_id, [])))[:limit]

    def add_password_history(self, user_id: uuid.UUID, password_hash: str) -> None:
        self._uow.state.history.setdefault(user_id, []).append(password_hash)


class FakeDeviceStore:
    def __init__(self, uow: FakeIdentityUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[tuple[uuid.UUID, uuid.UUID], FakeDevice]:
        return self._uow.state.devices

    def start_family(
        self,
        *,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        device_name: str | None,
        refresh_jti: str,
        family_id: uuid.UUID,
        expires_at: datetime,
        user_agent: str | None,
        ip: str | None,
        now: datetime,
    ) -> None:
        """Upsert: a new family replaces whatever the device had; `created_at` stays."""
        before = self._rows.get((user_id, device_id))
        self._rows[(user_id, device_id)] = FakeDevice(
            user_id=user_id,
            device_id=device_id,
            device_name=device_name,
            refresh_token_hash=digest(refresh_jti),
            family_id=family_id,
            user_agent=user_agent,
            ip_address=ip,
            created_at=before.created_at if before else now,
            last_used_at=now,
            expires_at=expires_at,
        )

    def get_for_update(self, user_id: uuid.UUID, device_id: uuid.UUID) -> FakeDevice | None:
        row = self._rows.get((user_id, device_id))
        return replace(row) if row else None

    def rotate(
        self,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        refresh_jti: str,
        *,
        user_agent: str | None,
        ip: str | None,
        now: datetime,
    ) -> None:
        row = self._rows.get((user_id, device_id))
        if row is not None:
            row.refresh_token_hash = digest(refresh_jti)
            row.last_used_at, row.user_agent, row.ip_address = now, user_agent, ip

    def is_current(self, device: DeviceView, refresh_jti: str) -> bool:
        return device.refresh_token_hash == digest(refresh_jti)

    def revoke(self, user_id: uuid.UUID, device_id: uuid.UUID, now: datetime) -> bool:
        row = self._rows.get((user_id, device_id))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = now
        return True

    def revoke_all(
        self, user_id: uuid.UUID, now: datetime, *, except_device: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        ended = []
        for row in self._rows.values():
            if row.user_id == user_id and row.revoked_at is None and row.device_id != except_device:
                row.revoked_at = now
                ended.append(row.device_id)
        return ended

    def active(
        self, user_id: uuid.UUID, now: datetime, *, offset: int = 0, limit: int | None = None
    ) -> list[FakeDevice]:
        rows = [
            replace(r)
            for r in self._rows.values()
            if r.user_id == user_id and r.revoked_at is None and r.expires_at > now
        ]
        rows.sort(key=lambda r: str(r.device_id))
        rows.sort(key=lambda r: r.last_used_at, reverse=True)
        return rows[offset : None if limit is None else offset + limit]

    def count_active(self, user_id: uuid.UUID, now: datetime) -> int:
        return len(self.active(user_id, now))


class FakeOneTimeTokens:
    def __init__(self, uow: FakeIdentityUnitOfWork, db: FakeIdentityDatabase) -> None:
        self._uow = uow
        self._db = db

    def issue(self, user_id: uuid.UUID, purpose: str, ttl_seconds: int, now: datetime) -> str:
        for link in self._uow.state.links.values():
            if link.user_id == user_id and link.purpose == purpose and link.used_at is None:
                link.used_at = now  # a new link voids the older ones of the same purpose
        raw = f"{purpose}-{self._db.serial()}-{uuid.uuid4().hex}"
        self._uow.state.links[digest(raw)] = FakeLink(user_id, purpose, now + timedelta(seconds=ttl_seconds))
        return raw

    def consume(self, raw: str, purpose: str, now: datetime) -> uuid.UUID | None:
        link = self._uow.state.links.get(digest(raw))
        if link is None or link.purpose != purpose or link.used_at is not None or link.expires_at <= now:
            return None
        link.used_at = now
        return link.user_id


BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ALPHABET_SIZE = len(BACKUP_CODE_ALPHABET)


def _backup_key(code: str) -> str:
    return code.replace("-", "").strip().lower()


class FakeMfaStore:
    """MFA columns of the account row plus the backup codes (stored by normalised value)."""

    def __init__(self, uow: FakeIdentityUnitOfWork, db: FakeIdentityDatabase) -> None:
        self._uow = uow
        self._db = db

    def _row(self, user_id: uuid.UUID) -> FakeMfa:
        if user_id not in self._uow.state.users:
            raise LookupError(f"no account {user_id}")  # the SQL adapter's `.one()` raises too
        return self._uow.state.mfa.setdefault(user_id, FakeMfa())

    def secrets_of(self, user_id: uuid.UUID) -> tuple[str | None, str | None]:
        row = self._row(user_id)
        return row.secret, row.pending

    def set_pending(self, user_id: uuid.UUID, encrypted_secret: str) -> None:
        self._row(user_id).pending = encrypted_secret

    def activate(self, user_id: uuid.UUID, encrypted_secret: str, step: int) -> None:
        self._uow.state.mfa[user_id] = FakeMfa(secret=encrypted_secret, last_step=step)
        self._uow.state.users[user_id].mfa_enabled = True

    def deactivate(self, user_id: uuid.UUID) -> None:
        self._uow.state.mfa[user_id] = FakeMfa()
        self._uow.state.users[user_id].mfa_enabled = False
        self._uow.state.backup_codes.pop(user_id, None)

    def claim_step(self, user_id: uuid.UUID, step: int) -> bool:
        row = self._row(user_id)
        if row.last_step is not None and row.last_step >= step:
            return False
        row.last_step = step
        return True

    def replace_backup_codes(self, user_id: uuid.UUID, count: int = 10) -> list[str]:
        codes = []
        for _ in range(count):
            n = self._db.serial()
            raw = "".join(
                BACKUP_CODE_ALPHABET[(n * 7 + i * 13) % len(BACKUP_CODE_ALPHABET)] for i in range(10)
            )
            codes.append(f"{raw[:5]}-{raw[5:]}")
        self._uow.state.backup_codes[user_id] = {_backup_key(c): None for c in codes}
        return codes

    def consume_backup_code(self, user_id: uuid.UUID, code: str, now: datetime) -> bool:
        codes = self._uow.state.backup_codes.get(user_id, {})
        key = _backup_key(code)
        if key not in codes or codes[key] is not None:
            return False
        codes[key] = now
        return True

    def backup_codes_left(self, user_id: uuid.UUID) -> int:
        return sum(1 for used in self._uow.state.backup_codes.get(user_id, {}).values() if used is None)


class FakeGrantsStore:
    """Governance's grants store over the fake database's role assignments."""

    def __init__(self, uow: FakeIdentityUnitOfWork, db: FakeIdentityDatabase) -> None:
        self._uow = uow
        self._db = db

    def load(self, user_id: uuid.UUID) -> Grants:
        return self._db.grants_of(user_id)

    def set_roles(self, user_id: uuid.UUID, roles: frozenset[str], assigned_by: uuid.UUID | None) -> None:
        self._uow.state.roles[user_id] = frozenset(roles & self.known_roles())

    def known_roles(self) -> frozenset[str]:
        return frozenset(self._db.role_grants)

    def users_with_role(self, role: str) -> list[uuid.UUID]:
        return [uid for uid, roles in self._uow.state.roles.items() if role in roles]

    def lock_role(self, name: str) -> None:
        self._db.locked_roles.append(name)

    def users_with_permission(self, permission: str, scope: Scope) -> frozenset[uuid.UUID]:
        return frozenset(
            uid
            for uid, roles in self._uow.state.roles.items()
            if any(
                (held := self._db.role_grants.get(r, {}).get(permission)) and held.rank >= scope.rank
                for r in roles
            )
        )

    def roles_of_many(self, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
        return {uid: self._uow.state.roles.get(uid, frozenset()) for uid in user_ids}


class FakeIdentityUnitOfWork:
    """Works on a copy of the committed state; `commit()` makes it durable with the events
    and audit entries queued since the last commit, leaving without it drops them."""

    def __init__(self, db: FakeIdentityDatabase) -> None:
        self._db = db
        self.audit = FakeAuditLog()
        self._pending: list[DomainEvent] = []
        self.state = IdentityState()
        self.users = FakeUserRepository(self)
        self.devices = FakeDeviceStore(self)
        self.links = FakeOneTimeTokens(self, db)
        self.mfa = FakeMfaStore(self, db)
        self.grants = FakeGrantsStore(self, db)

    def __enter__(self) -> Self:
        self.rollback()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def publish(self, event: DomainEvent) -> None:
        self._pending.append(event)

    def commit(self) -> None:
        self._db.state = copy.deepcopy(self.state)
        self._db.events.extend(self._pending)
        self._db.audit.extend(self.audit.pending)
        self._db.commits += 1
        self._pending, self.audit.pending = [], []

    def rollback(self) -> None:
        self.state = copy.deepcopy(self._db.state)
        self._pending, self.audit.pending = [], []


# -- credentials -------------------------------------------------------------------------------
class FakePasswordHasher:
    """Fast and deterministic; `version` plays the Argon2 parameters (an older one needs a rehash)."""

    def __init__(self, version: int = 1) -> None:
        self.version = version
        self.burned = 0

    def hash(self, password: str) -> str:
        return f"fake$v{self.version}${digest(password)}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash.rsplit("$", 1)[-1] == digest(password)

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"fake$v{self.version}$")

    def burn(self, password: str) -> None:
        self.burned += 1


class FakeStrengthEstimator:
    """Scores 4 except the passwords named weak (score 1, with zxcvbn-like feedback)."""

    def __init__(self, weak: Sequence[str] = ()) -> None:
        self.weak = set(weak)
        self.seen_inputs: list[list[str]] = []

    def score(self, password: str, user_inputs: Sequence[str]) -> tuple[int, str | None]:
        self.seen_inputs.append(list(user_inputs))
        return (1, "This is similar to a commonly used password.") if password in self.weak else (4, None)


@dataclass(frozen=True, slots=True)
class FakeIssuedToken:
    token: str
    jti: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class FakeClaims:
    subject: uuid.UUID
    type: str
    jti: str
    device_id: uuid.UUID
    issued_at: float
    expires_at: float
    family_id: uuid.UUID | None = None
    mfa: bool = False


class FakeTokenService:
    """Opaque tokens mapped to their claims; a token of the wrong type, an unknown or an
    expired one is refused as the JWT service refuses it."""

    def __init__(self, clock: FakeClock, *, access_ttl: int = 900, refresh_ttl: int = 7 * 86_400) -> None:
        self._clock = clock
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.issued: dict[str, FakeClaims] = {}
        self._serial = itertools.count(1)

    def _issue(self, claims: FakeClaims) -> FakeIssuedToken:
        token = f"{claims.type}-token-{claims.jti}"
        self.issued[token] = claims
        return FakeIssuedToken(token, claims.jti, claims.expires_at)

    def _jti(self) -> str:
        return f"jti-{next(self._serial)}"

    def issue_access(
        self, user_id: uuid.UUID, device_id: uuid.UUID, now: datetime, *, mfa: bool
    ) -> FakeIssuedToken:
        issued = now.timestamp()
        return self._issue(
            FakeClaims(user_id, "access", self._jti(), device_id, issued, issued + self.access_ttl, mfa=mfa)
        )

    def issue_refresh(
        self,
        user_id: uuid.UUID,
        device_id: uuid.UUID,
        family_id: uuid.UUID,
        family_expires_at: datetime,
        now: datetime,
        *,
        mfa: bool,
    ) -> FakeIssuedToken:
        issued = now.timestamp()
        ttl = min(self.refresh_ttl, (family_expires_at - now).total_seconds())
        claims = FakeClaims(user_id, "refresh", self._jti(), device_id, issued, issued + ttl, family_id, mfa)
        return self._issue(claims)

    def decode(self, token: str, expected_type: str) -> FakeClaims:
        claims = self.issued.get(token)
        if claims is None or claims.type != expected_type:
            raise TokenInvalid()
        if self._clock.now().timestamp() >= claims.expires_at:
            raise TokenExpired()
        return claims


class FakeRevocationList:
    """A jti denylist and "revoked before" marks per user and per device, as in Redis."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.denied: dict[str, float] = {}
        self.user_marks: dict[uuid.UUID, float] = {}
        self.device_marks: dict[tuple[uuid.UUID, uuid.UUID], float] = {}

    def ensure_valid(self, *, jti: str, user_id: uuid.UUID, device_id: uuid.UUID, issued_at: float) -> None:
        if jti in self.denied:
            raise TokenInvalid()
        for mark in (self.user_marks.get(user_id), self.device_marks.get((user_id, device_id))):
            if mark is not None and issued_at <= mark:
                raise TokenInvalid()

    def deny(self, jti: str, expires_at: float) -> None:
        if expires_at > self._clock.now().timestamp():
            self.denied[jti] = expires_at

    def revoke_user(self, user_id: uuid.UUID) -> None:
        self.user_marks[user_id] = self._clock.now().timestamp()

    def revoke_device(self, user_id: uuid.UUID, device_id: uuid.UUID) -> None:
        self.device_marks[(user_id, device_id)] = self._clock.now().timestamp()


@dataclass(frozen=True, slots=True)
class FakePreflight:
    ip_retry_after: int | None
    locked: bool
    has_failures: bool


@dataclass
class _Window:
    count: int
    ends: datetime


class FakeLoginThrottle:
    """The Redis throttle's rules: a lock after `max_consecutive` failures in a row growing
    base * 2^(n-1) up to the cap, or after `per_hour` failures in a rolling hour; per IP,
    `ip_max` failures in a window answer 429. A success or `clear` forgets the account's."""

    def __init__(
        self,
        clock: FakeClock,
        *,
        max_consecutive: int = 5,
        lock_base: int = 60,
        lock_max: int = 3600,
        per_hour: int = 10,
        ip_max: int = 100,
    ) -> None:
        self._clock = clock
        self.max_consecutive, self.lock_base, self.lock_max = max_consecutive, lock_base, lock_max
        self.per_hour, self.ip_max = per_hour, ip_max
        self.ip_failures: dict[str, _Window] = {}
        self.consecutive: dict[uuid.UUID, int] = {}
        self.hourly: dict[uuid.UUID, _Window] = {}
        self.locked_until: dict[uuid.UUID, datetime] = {}
        self.locks: dict[uuid.UUID, int] = {}

    def _live(self, windows: dict[K, _Window], key: K) -> _Window | None:
        """The key's window, unless it has run out (Redis expired the key)."""
        window = windows.get(key)
        if window is not None and window.ends <= self._clock.now():
            del windows[key]
            return None
        return window

    def preflight(self, ip: str | None, user_id: uuid.UUID | None) -> FakePreflight:
        window = self._live(self.ip_failures, ip) if ip else None
        retry = None
        if window is not None and window.count >= self.ip_max:
            retry = max(int((window.ends - self._clock.now()).total_seconds()), 1)
        if user_id is None:
            return FakePreflight(retry, locked=False, has_failures=False)
        failures = bool(self.consecutive.get(user_id)) or self._live(self.hourly, user_id) is not None
        return FakePreflight(retry, locked=self.is_locked(user_id), has_failures=failures)

    def is_locked(self, user_id: uuid.UUID) -> bool:
        until = self.locked_until.get(user_id)
        return until is not None and until > self._clock.now()

    def _count(self, windows: dict[K, _Window], key: K) -> _Window:
        window = self._live(windows, key) or _Window(0, self._clock.now() + timedelta(seconds=HOUR))
        window.count += 1
        windows[key] = window
        return window

    def record_failure(self, user_id: uuid.UUID | None, ip: str | None) -> int | None:
        if ip:
            self._count(self.ip_failures, ip)
        if user_id is None:
            return None
        self.consecutive[user_id] = self.consecutive.get(user_id, 0) + 1
        hourly = self._count(self.hourly, user_id)
        if self.consecutive[user_id] >= self.max_consecutive:
            self.locks[user_id] = self.locks.get(user_id, 0) + 1
            seconds = min(self.lock_base * 2 ** min(self.locks[user_id] - 1, 20), self.lock_max)
        elif hourly.count >= self.per_hour:
            seconds = max(int((hourly.ends - self._clock.now()).total_seconds()), 1)
        else:
            return None
        self.locked_until[user_id] = self._clock.now() + timedelta(seconds=seconds)
        self.consecutive.pop(user_id, None)
        return seconds

    def record_success(self, user_id: uuid.UUID) -> None:
        self.clear(user_id)

    def clear(self, user_id: uuid.UUID) -> None:
        self.consecutive.pop(user_id, None)
        self.hourly.pop(user_id, None)
        self.locked_until.pop(user_id, None)
        self.locks.pop(user_id, None)


@dataclass(frozen=True, slots=True)
class FakePending:
    user_id: uuid.UUID
    device_id: uuid.UUID
    device_name: str | None


@dataclass
class _Challenge:
    pending: FakePending
    expires_at: datetime
    attempts: int = 0


class FakeMfaChallenges:
    def __init__(self, clock: FakeClock, *, ttl: int = 300, max_attempts: int = 5) -> None:
        self._clock = clock
        self.ttl, self.max_attempts = ttl, max_attempts
        self.live: dict[str, _Challenge] = {}
        self._serial = itertools.count(1)

    def create(self, user_id: uuid.UUID, device_id: uuid.UUID, device_name: str | None) -> str:
        token = f"mfa-{next(self._serial)}-{uuid.uuid4().hex}"
        expires = self._clock.now() + timedelta(seconds=self.ttl)
        self.live[token] = _Challenge(FakePending(user_id, device_id, device_name or None), expires)
        return token

    def begin_attempt(self, token: str) -> FakePending | None:
        challenge = self.live.get(token)
        if challenge is None or challenge.expires_at <= self._clock.now():
            self.live.pop(token, None)
            return None
        challenge.attempts += 1
        if challenge.attempts > self.max_attempts:
            del self.live[token]
            return None
        return challenge.pending

    def take(self, token: str) -> bool:
        return self.live.pop(token, None) is not None


STEP_SECONDS = 30


class FakeTotp:
    """RFC 6238's shape (30-second steps, six digits, one step of drift) with a cheap
    deterministic code function instead of HMAC-SHA1."""

    def __init__(self) -> None:
        self._serial = itertools.count(1)

    def new_secret(self) -> str:
        return f"SECRET{next(self._serial):04d}"

    def provisioning_uri(self, secret: str, account: str) -> str:
        return f"otpauth://totp/Elcorp%20Namibia:{account}?secret={secret}&issuer=Elcorp%20Namibia"

    def qr_svg(self, uri: str) -> str:
        return f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{uri}</desc></svg>'

    @staticmethod
    def code_for_step(secret: str, step: int) -> str:
        return f"{int(digest(f'{secret}:{step}'), 16) % 1_000_000:06d}"

    def code_at(self, secret: str, at: datetime, offset_steps: int = 0) -> str:
        return self.code_for_step(secret, int(at.timestamp()) // STEP_SECONDS + offset_steps)

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            return None
        current = int(at.timestamp()) // STEP_SECONDS
        for step in range(current - 1, current + 2):
            if self.code_for_step(secret, step) == code:
                return step
        return None


def fake_ciphers() -> Ciphers:
    """Reversible and visibly not the plain text (a stored secret must never be the secret)."""
    return Ciphers(
        encrypt=lambda text: "enc:" + text[::-1], decrypt=lambda text: text.removeprefix("enc:")[::-1]
    )


class FakeOrganizationDirectory(OrganizationDirectory):
    """Organization memberships held in a dict (user -> organization)."""

    def __init__(self) -> None:
        super().__init__(cast("Callable[[], GovernanceUnitOfWork]", self._no_database))
        self.membership: dict[uuid.UUID, uuid.UUID] = {}

    @staticmethod
    def _no_database() -> object:
        raise AssertionError("the fake directory answers from memory")

    def organization_of(self, user_id: uuid.UUID) -> uuid.UUID | None:
        return self.membership.get(user_id)

    def members_of(self, organization_id: uuid.UUID) -> frozenset[uuid.UUID]:
        return frozenset(uid for uid, org in self.membership.items() if org == organization_id)


# -- assembly ----------------------------------------------------------------------------------
@dataclass
class IdentityFakes:
    """Every fake behind one `IdentityDeps`, and the services built on it as the wiring does."""

    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    db: FakeIdentityDatabase = field(default_factory=FakeIdentityDatabase)
    hasher: FakePasswordHasher = field(default_factory=FakePasswordHasher)
    estimator: FakeStrengthEstimator = field(default_factory=FakeStrengthEstimator)
    totp: FakeTotp = field(default_factory=FakeTotp)
    cache: FakeGrantsCache = field(default_factory=FakeGrantsCache)
    organizations: FakeOrganizationDirectory = field(default_factory=FakeOrganizationDirectory)
    policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    password_history: int = 5
    mfa_enforced: bool = True

    def __post_init__(self) -> None:
        self.tokens = FakeTokenService(self.clock)
        self.revocations = FakeRevocationList(self.clock)
        self.throttle = FakeLoginThrottle(self.clock)
        self.challenges = FakeMfaChallenges(self.clock)
        self.access = AccessControl(self.db.grants_of, self.cache, mfa_enforced=self.mfa_enforced)
        self.deps = IdentityDeps(
            uow=self.uow,
            hasher=self.hasher,
            policy=self.policy,
            estimator=self.estimator,
            tokens=self.tokens,
            revocations=self.revocations,
            throttle=self.throttle,
            challenges=self.challenges,
            totp=self.totp,
            access=self.access,
            organizations=self.organizations,
            clock=self.clock,
            ciphers=fake_ciphers(),
            password_history=self.password_history,
        )
        self.auth = Authentication(self.deps)
        self.accounts = Accounts(self.deps, self.auth)
        self.mfa = TwoFactor(self.deps, self.auth)
        self.admin = UserAdministration(self.deps, self.auth, self.accounts)

    def uow(self) -> FakeIdentityUnitOfWork:
        return FakeIdentityUnitOfWork(self.db)

    def set_roles(self, user_id: uuid.UUID, *roles: str) -> None:
        """Assign roles straight in the store (what an earlier committed change left)."""
        self.db.state.roles[user_id] = frozenset(roles)
        self.access.forget(user_id)


def identity_deps() -> IdentityDeps:
    """An `IdentityDeps` of fresh fakes (reach the fakes themselves through `IdentityFakes`)."""
    return IdentityFakes().deps
