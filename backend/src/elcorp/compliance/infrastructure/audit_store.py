"""PostgreSQL adapter of the AuditTrail port: search, streamed verification, checkpoints."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from elcorp.compliance.application.audit_trail import (
    AuditFilter,
    AuditRecord,
    Checkpoint,
    VerificationReport,
)
from elcorp.compliance.domain.audit_chain import ChainedEntry, checkpoint_message, verify_chain
from elcorp.compliance.infrastructure.entries import chained_entries, entry_from_row, timestamp
from elcorp.compliance.infrastructure.sequencer import XID8
from elcorp.compliance.infrastructure.signing import CheckpointSigner
from elcorp.compliance.infrastructure.tables import (
    audit_archive,
    audit_chain,
    audit_checkpoint,
    audit_sequencer_state,
)
from elcorp.shared.infrastructure.tables import audit_log

logger = logging.getLogger(__name__)
STREAM_BATCH = 5000


class SqlAuditTrail:
    def __init__(self, session_factory: Callable[[], Session], signer: CheckpointSigner) -> None:
        self._sessions = session_factory
        self._signer = signer

    def search(
        self, criteria: AuditFilter, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[AuditRecord]:
        conditions: list[Any] = []
        for column, value in (
            (audit_log.c.actor_id, criteria.actor_id),
            (audit_log.c.action, criteria.action),
            (audit_log.c.resource_type, criteria.resource_type),
            (audit_log.c.resource_id, criteria.resource_id),
            (audit_log.c.request_id, criteria.request_id),
        ):
            if value is not None:
                conditions.append(column == value)
        if criteria.occurred_from:
            conditions.append(audit_log.c.occurred_at >= criteria.occurred_from)
        if criteria.occurred_to:
            conditions.append(audit_log.c.occurred_at < criteria.occurred_to)
        if after is not None:  # newest first: continue below the last row seen
            at, entry_id = after
            conditions.append(
                or_(
                    audit_log.c.occurred_at < at,
                    and_(audit_log.c.occurred_at == at, audit_log.c.id < entry_id),
                )
            )
        query = (
            select(audit_log, audit_chain.c.seq, audit_chain.c.hash)
            .outerjoin(audit_chain, audit_chain.c.entry_id == audit_log.c.id)
            .where(*conditions)
            .order_by(audit_log.c.occurred_at.desc(), audit_log.c.id.desc())
            .limit(limit)
        )
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [AuditRecord(entry_from_row(r), r.seq, r.hash) for r in rows]

    def _stream(self, session: Session, first_seq: int, last_seq: int | None) -> Iterator[ChainedEntry]:
        result = session.execute(
            chained_entries(first_seq, last_seq).execution_options(yield_per=STREAM_BATCH)
        )
        for row in result:
            yield ChainedEntry(row.seq, row.hash, entry_from_row(row))

    def verify(self, first_seq: int = 1, last_seq: int | None = None) -> VerificationReport:
        """Recompute every hash in the range and check the checkpoints inside it."""
        problems: list[dict[str, Any]] = []
        with self._sessions() as session:
            head = session.execute(
                select(audit_chain.c.seq).order_by(audit_chain.c.seq.desc()).limit(1)
            ).scalar()
            # Archived entries' partitions are detached: they verify offline from their files;
            # the online check starts at the boundary hash.
            archived = session.execute(select(func.max(audit_archive.c.last_seq))).scalar() or 0
            first_seq = max(first_seq, archived + 1)
            # Defensive: below the sequencer's watermark nothing committed may be unchained.
            stale = session.execute(
                select(func.count())
                .select_from(audit_log)
                .where(
                    audit_log.c.txid < cast(select(audit_sequencer_state.c.low_xid).scalar_subquery(), XID8),
                    ~exists().where(audit_chain.c.entry_id == audit_log.c.id),
                )
            ).scalar_one()
            last = min(last_seq, head or 0) if last_seq is not None else (head or 0)
            previous = None
            if first_seq > 1:
                previous = session.execute(
                    select(audit_chain.c.hash).where(audit_chain.c.seq == first_seq - 1)
                ).scalar()
            checkpoints = {
                cp.size: cp
                for cp in session.execute(
                    select(audit_checkpoint).where(audit_checkpoint.c.size.between(first_seq, last))
                ).all()
            }
            seen: dict[int, str] = {}

            def tracked() -> Iterator[ChainedEntry]:
                for item in self._stream(session, first_seq, last):
                    if item.seq in checkpoints:
                        seen[item.seq] = item.hash
                    yield item

            count, head_hash, problem = verify_chain(tracked(), previous_hash=previous, first_seq=first_seq)
        if problem is None and count != max(last - first_seq + 1, 0):
            problem_seq = first_seq + count
            problems.append({"seq": problem_seq, "reason": "chained entry missing from audit_log"})
        elif problem is not None:
            problems.append({"seq": problem.seq, "reason": problem.reason})
        if stale:
            problems.append(
                {
                    "seq": 0,
                    "reason": f"{stale} committed entries below the sequencer's watermark were never chained",
                }
            )
        for size, cp in sorted(checkpoints.items()):
            if size in seen and seen[size] != cp.head_hash:
                problems.append({"seq": size, "reason": "checkpoint head hash differs from the chain"})
            message = checkpoint_message(size, cp.head_hash, timestamp(cp.signed_at))
            if not self._signer.verify(cp.key_id, message, cp.signature):
                problems.append({"seq": size, "reason": f"checkpoint signature invalid (key {cp.key_id})"})
        if problems:
            logger.error("audit.verification_failed first_problem=%s", problems[0])
        return VerificationReport(
            ok=not problems,
            checked=count,
            first_seq=first_seq,
            last_seq=last,
            head_hash=head_hash,
            checkpoints_checked=len(checkpoints),
            problems=problems,
            archived_through=archived,
        )

    def checkpoints(self, *, after_size: int | None, limit: int) -> list[Checkpoint]:
        query = select(audit_checkpoint).order_by(audit_checkpoint.c.size.desc()).limit(limit)
        if after_size is not None:
            query = query.where(audit_checkpoint.c.size < after_size)
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [Checkpoint(r.size, r.head_hash, timestamp(r.signed_at), r.key_id, r.signature) for r in rows]

    def public_keys(self) -> dict[str, str]:
        return self._signer.public_keys()
