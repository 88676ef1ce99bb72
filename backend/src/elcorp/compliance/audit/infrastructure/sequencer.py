"""The audit sequencer: chains committed audit entries, outside the business transactions.

Business transactions only INSERT into audit_log (no shared row, no lock, no counter), so
they never serialise on the chain. One sequencer at a time (a transaction-scoped advisory
lock) takes committed, unchained entries in batches, gives each the next sequence number
and its chain hash, and appends them to audit_chain - never an UPDATE of audit_log.
Rolled-back entries never become visible, so they are never chained.

Entries commit out of order. Each entry records its inserting transaction id (xid8); the
sequencer keeps a low-water mark below which every entry is chained. Every transaction
older than the current snapshot's xmin has finished, so once everything visible from the
mark onwards is chained, the mark moves up to that xmin: each committed entry is chained
exactly once, and a run only looks at recent transactions' entries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, Text, cast, exists, func, insert, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session
from sqlalchemy.types import UserDefinedType

from elcorp.compliance.audit.domain.audit_chain import checkpoint_message, link_hash
from elcorp.compliance.audit.infrastructure.entries import timestamp
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.compliance.audit.infrastructure.tables import audit_chain, audit_checkpoint, audit_sequencer_state
from elcorp.shared.infrastructure.tables import audit_log

logger = logging.getLogger(__name__)


class Xid8(UserDefinedType[str]):
    """PostgreSQL's 64-bit transaction id type, for casts (values travel as text)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "xid8"


XID8 = Xid8()
SEQUENCER_LOCK = 0x656C_636F_7270_0A01  # pg advisory lock key: one sequencer at a time


def seal_checkpoint(session: Session, signer: CheckpointSigner, size: int) -> bool:
    """Sign a checkpoint at `size` unless one is there; True when one was signed now.

    An export or an archive ends on a signed checkpoint, so that an auditor can tell it
    offline from a forged or cut-short copy (the sequencer signs only every so often).
    Runs in the caller's transaction and takes the sequencer's lock first, so it never
    races the sequencer's own checkpoint at the same size.
    """
    session.execute(select(func.pg_advisory_xact_lock(SEQUENCER_LOCK)))
    if session.execute(select(audit_checkpoint.c.size).where(audit_checkpoint.c.size == size)).first():
        return False
    head_hash: str = session.execute(select(audit_chain.c.hash).where(audit_chain.c.seq == size)).scalar_one()
    now = datetime.now(UTC)
    kid, signature = signer.sign(checkpoint_message(size, head_hash, timestamp(now)))
    session.execute(
        pg_insert(audit_checkpoint)
        .values(size=size, head_hash=head_hash, signed_at=now, key_id=kid, signature=signature)
        .on_conflict_do_nothing(index_elements=[audit_checkpoint.c.size])
    )
    return True


@dataclass(frozen=True, slots=True)
class SequencerRun:
    sequenced: int
    head_seq: int
    checkpointed: bool
    skipped: bool = False  # another sequencer held the lock
    last_key: tuple[Any, ...] | None = None


class AuditSequencer:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        signer: CheckpointSigner,
        *,
        batch_size: int = 1000,
        checkpoint_every_entries: int = 1000,
        checkpoint_every_seconds: int = 300,
    ) -> None:
        self._sessions = session_factory
        self._signer = signer
        self._batch = batch_size
        self._cp_entries = checkpoint_every_entries
        self._cp_seconds = checkpoint_every_seconds

    @staticmethod
    def _unchained(low_xid: str) -> Select[Any]:
        return (
            select(audit_log.c.id, audit_log.c.occurred_at, audit_log.c.txid, audit_log.c.entry)
            .where(
                audit_log.c.txid >= cast(literal(low_xid), XID8),
                ~exists().where(audit_chain.c.entry_id == audit_log.c.id),
            )
            .order_by(audit_log.c.txid, audit_log.c.occurred_at, audit_log.c.id)
        )

    def run_once(self, after: tuple[Any, ...] | None = None) -> SequencerRun:
        """Chain one batch (and sign a checkpoint when one is due).

        `after`: continue behind this (txid, occurred_at, id) key instead of rescanning from
        the watermark (a long backlog is then read once). Only a full scan from the mark
        may raise it: a keyed batch cannot see entries committed behind its key.
        """
        with self._sessions() as session, session.begin():
            if not session.execute(select(func.pg_try_advisory_xact_lock(SEQUENCER_LOCK))).scalar():
                return SequencerRun(0, 0, False, skipped=True)
            low_xid: str = session.execute(select(audit_sequencer_state.c.low_xid)).scalar_one()
            # Taken before the read: every transaction below it has finished, so its
            # committed entries are visible to the read that follows.
            horizon = session.execute(
                select(func.pg_snapshot_xmin(func.pg_current_snapshot()).cast(Text))
            ).scalar_one()
            head = session.execute(
                select(audit_chain.c.seq, audit_chain.c.hash).order_by(audit_chain.c.seq.desc()).limit(1)
            ).first()
            query = self._unchained(low_xid)
            if after is not None:
                query = query.where(tuple_(audit_log.c.txid, audit_log.c.occurred_at, audit_log.c.id) > after)
            rows = session.execute(query.limit(self._batch)).all()
            seq, prev = (head.seq, head.hash) if head else (0, None)
            links = []
            for row in rows:
                seq += 1
                prev = link_hash(prev, row.entry.encode())
                links.append(
                    {"seq": seq, "entry_id": row.id, "entry_occurred_at": row.occurred_at, "hash": prev}
                )
            if links:
                session.execute(insert(audit_chain), links)
            if after is None and len(rows) < self._batch:  # everything visible is chained: raise the mark
                session.execute(
                    update(audit_sequencer_state)
                    .where(audit_sequencer_state.c.id == 1)
                    .values(
                        low_xid=func.greatest(
                            cast(audit_sequencer_state.c.low_xid, XID8), cast(literal(horizon), XID8)
                        )
                    )
                )
            checkpointed = self._checkpoint_if_due(session, seq, prev)
            last_key = (rows[-1].txid, rows[-1].occurred_at, rows[-1].id) if rows else after
        return SequencerRun(len(links), seq, checkpointed, last_key=last_key)

    def run(self, max_batches: int = 100) -> SequencerRun:
        """Drain what is waiting: keyed batches through the backlog, then one full pass from
        the watermark (which chains late commits and raises the mark)."""
        total, last = 0, SequencerRun(0, 0, False)
        after: tuple[Any, ...] | None = None
        for _ in range(max_batches):
            last = self.run_once(after)
            total += last.sequenced
            if last.skipped:
                break
            if last.sequenced < self._batch:
                if after is None:
                    break
                after = None  # the closing full pass
                continue
            after = last.last_key
        return SequencerRun(total, last.head_seq, last.checkpointed, last.skipped)

    def _checkpoint_if_due(self, session: Session, size: int, head_hash: str | None) -> bool:
        if size == 0 or head_hash is None:
            return False
        last = session.execute(
            select(audit_checkpoint.c.size, audit_checkpoint.c.signed_at)
            .order_by(audit_checkpoint.c.size.desc())
            .limit(1)
        ).first()
        now = datetime.now(UTC)
        if last is not None:
            if last.size >= size:
                return False
            due = size - last.size >= self._cp_entries or now - last.signed_at >= timedelta(
                seconds=self._cp_seconds
            )
            if not due:
                return False
        stamp = timestamp(now)
        kid, signature = self._signer.sign(checkpoint_message(size, head_hash, stamp))
        session.execute(
            insert(audit_checkpoint).values(
                size=size, head_hash=head_hash, signed_at=now, key_id=kid, signature=signature
            )
        )
        return True

    def lag(self) -> tuple[int, float]:
        """(entries waiting, age in seconds of the oldest one) - for /ready and /metrics."""
        with self._sessions() as session:
            low_xid: str = session.execute(select(audit_sequencer_state.c.low_xid)).scalar_one()
            waiting = self._unchained(low_xid).order_by(None).subquery()
            row = session.execute(
                select(func.count().label("n"), func.min(waiting.c.occurred_at).label("oldest")).select_from(
                    waiting
                )
            ).one()
        count: int = row.n
        oldest: datetime | None = row.oldest
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        return count, max(age, 0.0)
