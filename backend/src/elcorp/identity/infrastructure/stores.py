"""SQL stores for device sessions, one-time link tokens, MFA backup codes and TOTP steps."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from elcorp.identity.application.ports import DeviceView
from elcorp.identity.infrastructure.lookup import LookupHasher, token_digest
from elcorp.identity.infrastructure.tables import device_token, mfa_backup_code, one_time_token, user_account


@dataclass(frozen=True, slots=True)
class DeviceRow:
    device_id: uuid.UUID
    device_name: str | None
    refresh_token_hash: str
    family_id: uuid.UUID
    user_agent: str | None
    ip_address: str | None
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class SqlDeviceStore:
    def __init__(self, session: Session) -> None:
        self._session = session

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
        """A login on a device: a new token family replaces whatever that device had."""
        values: dict[str, Any] = {
            "device_name": device_name,
            "refresh_token_hash": token_digest(refresh_jti),
            "family_id": family_id,
            "user_agent": user_agent,
            "ip_address": ip,
            "last_used_at": now,
            "expires_at": expires_at,
            "revoked_at": None,
        }
        statement = pg_insert(device_token).values(
            user_id=user_id, device_id=device_id, created_at=now, **values
        )
        self._session.execute(
            statement.on_conflict_do_update(constraint="uq_device_token_user_id_device_id", set_=values)
        )

    def get_for_update(self, user_id: uuid.UUID, device_id: uuid.UUID) -> DeviceRow | None:
        row = self._session.execute(
            select(device_token)
            .where(device_token.c.user_id == user_id, device_token.c.device_id == device_id)
            .with_for_update()
        ).first()
        return _device(row) if row else None

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
        self._session.execute(
            update(device_token)
            .where(device_token.c.user_id == user_id, device_token.c.device_id == device_id)
            .values(
                refresh_token_hash=token_digest(refresh_jti),
                last_used_at=now,
                user_agent=user_agent,
                ip_address=ip,
            )
        )

    def is_current(self, device: DeviceView, refresh_jti: str) -> bool:
        return hmac.compare_digest(device.refresh_token_hash, token_digest(refresh_jti))

    def revoke(self, user_id: uuid.UUID, device_id: uuid.UUID, now: datetime) -> bool:
        result = self._session.execute(
            update(device_token)
            .where(
                device_token.c.user_id == user_id,
                device_token.c.device_id == device_id,
                device_token.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .returning(device_token.c.device_id)
        )
        return result.first() is not None

    def revoke_all(
        self, user_id: uuid.UUID, now: datetime, *, except_device: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        conditions = [device_token.c.user_id == user_id, device_token.c.revoked_at.is_(None)]
        if except_device is not None:
            conditions.append(device_token.c.device_id != except_device)
        result = self._session.execute(
            update(device_token).where(*conditions).values(revoked_at=now).returning(device_token.c.device_id)
        )
        return list(result.scalars())

    def active(
        self, user_id: uuid.UUID, now: datetime, *, offset: int = 0, limit: int | None = None
    ) -> list[DeviceRow]:
        rows = self._session.execute(
            select(device_token)
            .where(*_active(user_id, now))
            .order_by(device_token.c.last_used_at.desc(), device_token.c.device_id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [_device(r) for r in rows]

    def count_active(self, user_id: uuid.UUID, now: datetime) -> int:
        query = select(func.count()).select_from(device_token).where(*_active(user_id, now))
        return int(self._session.execute(query).scalar_one())


def _active(user_id: uuid.UUID, now: datetime) -> tuple[Any, ...]:
    return (
        device_token.c.user_id == user_id,
        device_token.c.revoked_at.is_(None),
        device_token.c.expires_at > now,
    )


def _device(row: Any) -> DeviceRow:
    return DeviceRow(
        device_id=row.device_id,
        device_name=row.device_name,
        refresh_token_hash=row.refresh_token_hash,
        family_id=row.family_id,
        user_agent=row.user_agent,
        ip_address=row.ip_address,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


class SqlOneTimeTokens:
    """Single-use link tokens (email verification, password reset), stored as digests."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def issue(self, user_id: uuid.UUID, purpose: str, ttl_seconds: int, now: datetime) -> str:
        # A new link makes the user's older links of the same purpose useless.
        self._session.execute(
            update(one_time_token)
            .where(
                one_time_token.c.user_id == user_id,
                one_time_token.c.purpose == purpose,
                one_time_token.c.used_at.is_(None),
            )
            .values(used_at=now)
        )
        raw = secrets.token_urlsafe(32)
        self._session.execute(
            insert(one_time_token).values(
                user_id=user_id,
                purpose=purpose,
                token_hash=token_digest(raw),
                expires_at=now + timedelta(seconds=ttl_seconds),
                created_at=now,
            )
        )
        return raw

    def consume(self, raw: str, purpose: str, now: datetime) -> uuid.UUID | None:
        """Atomically spend a token; None if unknown, expired, already used or of another purpose."""
        row = self._session.execute(
            update(one_time_token)
            .where(
                one_time_token.c.token_hash == token_digest(raw),
                one_time_token.c.purpose == purpose,
                one_time_token.c.used_at.is_(None),
                one_time_token.c.expires_at > now,
            )
            .values(used_at=now)
            .returning(one_time_token.c.user_id)
        ).first()
        return row.user_id if row else None


BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


class SqlMfaStore:
    """TOTP secrets (encrypted by the caller), the last accepted step and backup codes."""

    def __init__(self, session: Session, lookup: LookupHasher) -> None:
        self._session = session
        self._lookup = lookup

    def _code_hash(self, user_id: uuid.UUID, code: str) -> str:
        # Salted by the user id, peppered by the server's lookup key.
        return self._lookup(f"backup:{user_id}:{code.replace('-', '').strip().lower()}")

    def secrets_of(self, user_id: uuid.UUID) -> tuple[str | None, str | None]:
        row = self._session.execute(
            select(user_account.c.mfa_secret_encrypted, user_account.c.mfa_pending_secret_encrypted).where(
                user_account.c.id == user_id
            )
        ).one()
        return row.mfa_secret_encrypted, row.mfa_pending_secret_encrypted

    def set_pending(self, user_id: uuid.UUID, encrypted_secret: str) -> None:
        self._session.execute(
            update(user_account)
            .where(user_account.c.id == user_id)
            .values(mfa_pending_secret_encrypted=encrypted_secret)
        )

    def activate(self, user_id: uuid.UUID, encrypted_secret: str, step: int) -> None:
        self._session.execute(
            update(user_account)
            .where(user_account.c.id == user_id)
            .values(
                mfa_enabled=True,
                mfa_secret_encrypted=encrypted_secret,
                mfa_pending_secret_encrypted=None,
                mfa_last_step=step,
            )
        )

    def deactivate(self, user_id: uuid.UUID) -> None:
        self._session.execute(
            update(user_account)
            .where(user_account.c.id == user_id)
            .values(
                mfa_enabled=False,
                mfa_secret_encrypted=None,
                mfa_pending_secret_encrypted=None,
                mfa_last_step=None,
            )
        )
        self._session.execute(delete(mfa_backup_code).where(mfa_backup_code.c.user_id == user_id))

    def claim_step(self, user_id: uuid.UUID, step: int) -> bool:
        """Accept a TOTP time step once: compare-and-set, so a replay (or a race) loses."""
        row = self._session.execute(
            update(user_account)
            .where(
                user_account.c.id == user_id,
                or_(user_account.c.mfa_last_step.is_(None), user_account.c.mfa_last_step < step),
            )
            .values(mfa_last_step=step)
            .returning(user_account.c.id)
        ).first()
        return row is not None

    def replace_backup_codes(self, user_id: uuid.UUID, count: int = 10) -> list[str]:
        self._session.execute(delete(mfa_backup_code).where(mfa_backup_code.c.user_id == user_id))
        codes = []
        for _ in range(count):
            raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(10))
            codes.append(f"{raw[:5]}-{raw[5:]}")
        self._session.execute(
            insert(mfa_backup_code),
            [{"user_id": user_id, "code_hash": self._code_hash(user_id, c)} for c in codes],
        )
        return codes

    def consume_backup_code(self, user_id: uuid.UUID, code: str, now: datetime) -> bool:
        row = self._session.execute(
            update(mfa_backup_code)
            .where(
                and_(
                    mfa_backup_code.c.user_id == user_id,
                    mfa_backup_code.c.code_hash == self._code_hash(user_id, code),
                    mfa_backup_code.c.used_at.is_(None),
                )
            )
            .values(used_at=now)
            .returning(mfa_backup_code.c.id)
        ).first()
        return row is not None

    def backup_codes_left(self, user_id: uuid.UUID) -> int:
        return len(
            self._session.execute(
                select(mfa_backup_code.c.id).where(
                    mfa_backup_code.c.user_id == user_id, mfa_backup_code.c.used_at.is_(None)
                )
            ).all()
        )
