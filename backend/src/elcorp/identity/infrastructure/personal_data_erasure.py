"""SQL side of identity's erasure: the account row closed and pseudonymised, credentials and
security records deleted, the encrypted phone and MFA secrets crypto-shredded (their
ciphertext destroyed), and the spooled mail that names the subject removed after commit."""

from __future__ import annotations

import email
import email.policy
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, cast, delete, false, func, not_, or_, select, update
from sqlalchemy import Text as SqlText
from sqlalchemy.orm import Session

from elcorp.identity.infrastructure.tables import (
    device_token,
    mfa_backup_code,
    one_time_token,
    password_history,
    user_account,
)
from elcorp.shared.application.personal_data_erasure import ErasureStep, ErasureSubject, PurgeCount
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.infrastructure.personal_data_erasure import (
    Treatment,
    row_treatments,
    session_of,
    treatment,
)
from elcorp.shared.security.encryption import FieldCipher

logger = logging.getLogger(__name__)

ERASED_STATUS = "erased"
UNUSABLE_PASSWORD = "!erased"  # noqa: S105  # nosec B105 - never an Argon2 hash: nothing verifies
ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: can never be delivered to


def _account_columns() -> dict[str, Treatment]:
    """user_account's personal columns and how erasure treats them (defaults when a column
    carries no declaration): identification is a FIA customer record."""
    t = user_account
    return {
        "username": treatment(t, "username", "user.identity.username", "fia_customer", "pseudonymise"),
        "full_name": treatment(t, "full_name", "user.identity.name", "fia_customer", "pseudonymise"),
        "email": treatment(t, "email", "user.contact.email", "fia_customer", "pseudonymise"),
        "phone": treatment(t, "phone_encrypted", "user.contact.phone", "fia_customer", "crypto_shred"),
        "organization": treatment(t, "organization", "user.profile.organization", "account", "delete"),
    }


def _column_step(columns: dict[str, Treatment], name: str, kept: frozenset[str]) -> ErasureStep:
    """How one identification column of the account was treated."""
    c = columns[name]
    if c.basis in kept:
        return ErasureStep(c.category, "pseudonymise", 1, c.basis)
    # A NOT NULL column cannot be deleted: its value is replaced by one naming no one.
    disposal = "anonymise" if name != "phone" and c.disposal in ("delete", "pseudonymise") else c.disposal
    return ErasureStep(c.category, disposal, 1, c.basis)


def _account_steps(row: Row[Any], kept: frozenset[str]) -> list[ErasureStep]:
    """What closing the account did, column by column; `row` holds the values it had."""
    columns = _account_columns()
    steps = [_column_step(columns, name, kept) for name in ("username", "full_name", "email")]
    if row.phone_encrypted:
        steps.append(_column_step(columns, "phone", kept))
        lookup = treatment(user_account, "phone_lookup", "user.contact.phone_lookup", "account", "delete")
        steps.append(ErasureStep(lookup.category, "delete", 1, lookup.basis))
    wallet = treatment(
        user_account, "wallet_address", "user.identity.wallet_address", "fia_transaction", "pseudonymise"
    )
    if wallet.basis in kept:
        # A random identifier, kept as it is: the pseudonym the ledger's records carry.
        steps.append(ErasureStep(wallet.category, "pseudonymise", 1, wallet.basis))
    if row.organization:
        c = columns["organization"]
        steps.append(ErasureStep(c.category, "delete", 1, c.basis))
    password = treatment(user_account, "password_hash", "user.credential.password_hash", "account", "delete")
    steps.append(ErasureStep(password.category, "delete", 1, password.basis))
    secrets = int(bool(row.mfa_secret_encrypted)) + int(bool(row.mfa_pending_secret_encrypted))
    if secrets:
        mfa = treatment(
            user_account, "mfa_secret_encrypted", "user.credential.mfa_secret", "account", "crypto_shred"
        )
        steps.append(ErasureStep(mfa.category, "crypto_shred", secrets, mfa.basis))
    return steps


class SqlIdentityErasureStore:
    def __init__(self, session: Session, cipher: FieldCipher, spool: Path | None) -> None:
        self._session = session
        self._cipher = cipher
        self._spool = spool

    @classmethod
    def factory(
        cls, cipher: FieldCipher, spool: Path | None
    ) -> Callable[[UnitOfWork], SqlIdentityErasureStore]:
        return lambda tx: cls(session_of(tx), cipher, spool)

    def identification(self, subject_id: uuid.UUID) -> dict[str, Any] | None:
        row = self._session.execute(
            select(
                user_account.c.username,
                user_account.c.full_name,
                user_account.c.email,
                user_account.c.phone_encrypted,
                user_account.c.organization,
                user_account.c.created_at,
                user_account.c.status,
            )
            .where(user_account.c.id == subject_id)
            .with_for_update()
        ).one_or_none()
        if row is None:
            return None
        return {
            "username": row.username,
            "full_name": row.full_name,
            "email": row.email,
            "phone": self._cipher.decrypt(row.phone_encrypted) if row.phone_encrypted else None,
            "organization": row.organization,
            "customer_since": row.created_at.isoformat(),
            "status": row.status,
        }

    def close_and_pseudonymise(self, subject: ErasureSubject) -> list[ErasureStep]:
        row = self._session.execute(
            select(
                user_account.c.phone_encrypted,
                user_account.c.organization,
                user_account.c.mfa_secret_encrypted,
                user_account.c.mfa_pending_secret_encrypted,
            ).where(user_account.c.id == subject.subject_id)
        ).one()
        self._close_account(subject)
        return _account_steps(row, subject.kept_bases)

    def _close_account(self, subject: ErasureSubject) -> None:
        """The account row closed, naming no one: unusable password, no MFA, no contact."""
        pseudonym = subject.pseudonym
        self._session.execute(
            update(user_account)
            .where(user_account.c.id == subject.subject_id)
            .values(
                # Unique NOT NULL columns stay valid: the pseudonym is unique per subject.
                username=pseudonym,
                full_name=pseudonym,
                email=f"{pseudonym}@{ERASED_EMAIL_DOMAIN}",
                email_normalized=f"{pseudonym}@{ERASED_EMAIL_DOMAIN}",
                phone_encrypted=None,
                phone_lookup=None,
                organization=None,
                password_hash=UNUSABLE_PASSWORD,
                password_changed_at=None,
                email_verified_at=None,
                mfa_enabled=False,
                mfa_secret_encrypted=None,
                mfa_pending_secret_encrypted=None,
                mfa_last_step=None,
                status=ERASED_STATUS,
                deleted_at=func.coalesce(user_account.c.deleted_at, subject.at),
                updated_at=subject.at,
            )
        )

    def delete_security_records(self, subject_id: uuid.UUID) -> list[ErasureStep]:
        steps: list[ErasureStep] = []
        for table, category in (
            (password_history, "user.credential.password_history"),
            (device_token, "security.sessions"),
            (mfa_backup_code, "user.credential.mfa_backup_code"),
            (one_time_token, "user.credential.one_time_token"),
        ):
            result = self._session.execute(delete(table).where(table.c.user_id == subject_id))
            rows = int(result.rowcount)  # type: ignore[attr-defined]
            if rows:
                steps += [
                    ErasureStep(t.category, "delete", rows, t.basis)
                    for t in row_treatments(table, category, "security", "delete")
                ]
        return steps

    def restricted_values(self, subject: ErasureSubject, found: dict[str, Any]) -> dict[str, Any]:
        columns = _account_columns()
        kept: dict[str, Any] = {}
        for name in ("username", "full_name", "email", "phone"):
            basis = columns[name].basis
            if found.get(name) and basis in subject.kept_bases:
                kept.setdefault(basis, {"customer_since": found["customer_since"]})[name] = found[name]
        return kept

    def spool_cleaner(self, needles: list[str]) -> Callable[[], int] | None:
        spool = self._spool
        if spool is None or not needles:
            return None
        wanted = [n.lower() for n in needles if n]

        def clean() -> int:
            return remove_spooled_mail(spool, wanted)

        return clean

    def purge_expired(
        self,
        table: str,
        *,
        before: datetime,
        held_subjects: frozenset[uuid.UUID],
        held_records: frozenset[tuple[str, str]],
        dry_run: bool,
    ) -> PurgeCount:
        t = device_token if table == "device_token" else one_time_token
        ended = (
            func.coalesce(device_token.c.revoked_at, device_token.c.expires_at)
            if t is device_token
            else func.coalesce(
                func.least(one_time_token.c.used_at, one_time_token.c.expires_at), one_time_token.c.expires_at
            )
        )
        due = ended < before
        held_ids = [rid for (tbl, rid) in held_records if tbl == table]
        held: ColumnElement[bool] = false()
        if held_subjects:
            held = or_(held, t.c.user_id.in_(list(held_subjects)))
        if held_ids:
            held = or_(held, cast(t.c.id, SqlText).in_(held_ids))
        kept = self._session.execute(select(func.count()).select_from(t).where(and_(due, held))).scalar_one()
        if dry_run:
            count = self._session.execute(
                select(func.count()).select_from(t).where(due, not_(held))
            ).scalar_one()
        else:
            count = self._session.execute(delete(t).where(due, not_(held))).rowcount  # type: ignore[attr-defined]
        return PurgeCount(int(count), int(kept))


def remove_spooled_mail(spool: Path, needles: list[str]) -> int:
    """Delete every spooled message whose headers or text mention one of `needles`."""
    removed = 0
    for path in spool.glob("*.eml") if spool.exists() else []:
        try:
            raw = path.read_bytes()
            message = email.message_from_bytes(raw, policy=email.policy.default)
            parts = [str(v) for v in message.values()]
            body = message.get_body(preferencelist=("plain", "html"))
            if body is not None:
                parts.append(str(body.get_content()))
            parts.append(raw.decode("utf-8", "replace"))
            haystack = "\n".join(parts).lower()
        except (OSError, ValueError, LookupError):
            continue
        if any(needle in haystack for needle in needles):
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        logger.info("erasure.mail_spool_removed count=%s", removed)
    return removed
