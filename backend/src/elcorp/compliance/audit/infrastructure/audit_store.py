"""PostgreSQL adapter of the AuditTrail port: search, streamed verification, checkpoints."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, cast, exists, func, or_, select, text
from sqlalchemy.orm import Session

from elcorp.compliance.audit.application.audit_trail import (
    AuditFilter,
    AuditRecord,
    Checkpoint,
    VerificationReport,
)
from elcorp.compliance.audit.domain.audit_chain import GENESIS, checkpoint_message
from elcorp.compliance.audit.infrastructure.entries import entry_from_row, timestamp
from elcorp.compliance.audit.infrastructure.sequencer import XID8
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.compliance.audit.infrastructure.tables import (
    audit_archive,
    audit_chain,
    audit_checkpoint,
    audit_sequencer_state,
)
from elcorp.shared.infrastructure.tables import audit_log

logger = logging.getLogger(__name__)
# `to_char(..., 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` below is PostgreSQL's spelling of
# elcorp.shared.domain.audit_entry.entry_timestamp().
LINK_CHECK = text(
    """
    SELECT
        count(*) AS links,
        min(k.seq) FILTER (WHERE k.seq > :first AND p.seq IS NULL) AS first_gap,
        min(k.seq) FILTER (WHERE l.entry IS NULL) AS first_missing,
        min(k.seq) FILTER (
            WHERE sha256(decode(coalesce(p.hash, :before), 'hex') || convert_to(l.entry, 'UTF8'))
                  <> decode(k.hash, 'hex')
        ) AS first_mismatch,
        min(k.seq) FILTER (
            WHERE NOT l.entry::jsonb @> jsonb_build_object(
                'id', l.id::text,
                'occurred_at', to_char(l.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                'action', l.action,
                'actor_id', l.actor_id,
                'resource_type', l.resource_type,
                'resource_id', l.resource_id,
                'request_id', l.request_id
            )
        ) AS first_altered_copy
    FROM audit_chain k
    LEFT JOIN audit_chain p ON p.seq = k.seq - 1 AND p.seq >= :first
    LEFT JOIN audit_log l ON l.id = k.entry_id AND l.occurred_at = k.entry_occurred_at
    WHERE k.seq BETWEEN :first AND :last
    """
)


@dataclass(frozen=True, slots=True)
class LinkCheck:
    links: int
    first_gap: int | None  # a sequence number that does not follow its predecessor
    first_missing: int | None  # a link whose audit_log row is gone
    first_mismatch: int | None  # a link whose hash the stored entry does not give
    first_altered_copy: int | None  # an entry whose search columns differ from it

    def first_problem(self) -> tuple[int, str] | None:
        found = [
            (self.first_missing, 0, "chained entry missing from audit_log"),
            (self.first_gap, 1, "missing entries: the chain skips to this sequence number"),
            (self.first_mismatch, 2, "hash mismatch: the entry or its predecessor was altered"),
        ]
        present = sorted((seq, rank, reason) for seq, rank, reason in found if seq is not None)
        return (present[0][0], present[0][2]) if present else None


@dataclass(frozen=True, slots=True)
class _RangeFacts:
    """The range as the verification found it: bounds, link check, checkpoints, stored hashes."""

    first_seq: int
    last_seq: int
    archived: int  # the last sequence number archived (verified offline from its file)
    unchained: int  # committed entries below the sequencer's watermark that were never chained
    links: LinkCheck
    checkpoints: dict[int, Any]  # size -> checkpoint row
    stored: dict[int, str]  # seq -> stored hash, at each checkpoint and at the range's end

    def chain_problems(self, problem: tuple[int, str] | None) -> list[dict[str, Any]]:
        """The links' first problem, an altered search copy, entries never chained."""
        problems: list[dict[str, Any]] = []
        if problem is not None:
            problems.append({"seq": problem[0], "reason": problem[1]})
        elif self.links.links != max(self.last_seq - self.first_seq + 1, 0):
            reason = "the chain holds fewer links than its head says"
            problems.append({"seq": self.first_seq, "reason": reason})
        if self.links.first_altered_copy is not None:
            problems.append(
                {
                    "seq": self.links.first_altered_copy,
                    "reason": "audit_log columns differ from the hashed entry (a search column was altered)",
                }
            )
        if self.unchained:
            reason = f"{self.unchained} committed entries below the sequencer's watermark were never chained"
            problems.append({"seq": 0, "reason": reason})
        return problems


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
        if criteria.about_people is not None:
            people = sorted(criteria.about_people)
            reach = [
                audit_log.c.actor_id.in_(people),
                and_(audit_log.c.resource_type == "user", audit_log.c.resource_id.in_(people)),
            ]
            if criteria.about_organization is not None:
                reach.append(
                    and_(
                        audit_log.c.resource_type == "organization",
                        audit_log.c.resource_id == criteria.about_organization,
                    )
                )
            conditions.append(or_(*reach))
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

    @staticmethod
    def _check_links(session: Session, first_seq: int, last_seq: int, hash_before: str) -> LinkCheck:
        """Check every link of first_seq..last_seq inside PostgreSQL, in one pass.

        Each link is checked on its own against the *stored* hash of its predecessor: if
        every link holds, each recomputed hash equals the stored one (by induction from the
        hash before the range), so the whole range verifies, and the lowest failing link is
        the first bad entry. Links need no order, so PostgreSQL hashes (its built-in SHA-256
        over the stored canonical bytes) on all its parallel workers, and nothing crosses
        the network but the answer.
        """
        # Room to hash-join a long range in memory rather than in batches on disk.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        row = session.execute(LINK_CHECK, {"first": first_seq, "last": last_seq, "before": hash_before}).one()
        return LinkCheck(
            row.links, row.first_gap, row.first_missing, row.first_mismatch, row.first_altered_copy
        )

    def verify(self, first_seq: int = 1, last_seq: int | None = None) -> VerificationReport:
        """Recompute every hash in the range and check the checkpoints inside it."""
        with self._sessions() as session:
            facts = self._read_range(session, first_seq, last_seq)
        problem = facts.links.first_problem()
        problems = [*facts.chain_problems(problem), *self._checkpoint_problems(facts)]
        if problems:
            logger.error("audit.verification_failed first_problem=%s", problems[0])
        return VerificationReport(
            ok=not problems,
            checked=facts.links.links,
            first_seq=facts.first_seq,
            last_seq=facts.last_seq,
            head_hash=facts.stored.get(facts.last_seq) if problem is None else None,
            checkpoints_checked=len(facts.checkpoints),
            problems=problems,
            archived_through=facts.archived,
        )

    def _read_range(self, session: Session, first_seq: int, last_seq: int | None) -> _RangeFacts:
        """What the verification needs of the range, read in one session."""
        head = session.execute(select(audit_chain.c.seq).order_by(audit_chain.c.seq.desc()).limit(1)).scalar()
        # Archived entries' partitions are detached: they verify offline from their files;
        # the online check starts at the boundary hash.
        archived = session.execute(select(func.max(audit_archive.c.last_seq))).scalar() or 0
        first = max(first_seq, archived + 1)
        unchained = self._count_unchained(session)
        last = min(last_seq, head or 0) if last_seq is not None else (head or 0)
        previous = None
        if first > 1:
            before = select(audit_chain.c.hash).where(audit_chain.c.seq == first - 1)
            previous = session.execute(before).scalar()
        checkpoints = {
            cp.size: cp
            for cp in session.execute(
                select(audit_checkpoint).where(audit_checkpoint.c.size.between(first, last))
            ).all()
        }
        links = self._check_links(session, first, last, previous or GENESIS.hex())
        stored: dict[int, str] = {
            row.seq: row.hash
            for row in session.execute(
                select(audit_chain.c.seq, audit_chain.c.hash).where(
                    audit_chain.c.seq.in_([*checkpoints, last])
                )
            )
        }
        return _RangeFacts(first, last, archived, unchained, links, checkpoints, stored)

    @staticmethod
    def _count_unchained(session: Session) -> int:
        """Defensive: below the sequencer's watermark nothing committed may be unchained."""
        stale: int = session.execute(
            select(func.count())
            .select_from(audit_log)
            .where(
                audit_log.c.txid < cast(select(audit_sequencer_state.c.low_xid).scalar_subquery(), XID8),
                ~exists().where(audit_chain.c.entry_id == audit_log.c.id),
            )
        ).scalar_one()
        return stale

    def _checkpoint_problems(self, facts: _RangeFacts) -> list[dict[str, Any]]:
        """Each checkpoint must match the chain and carry a valid signature."""
        problems: list[dict[str, Any]] = []
        for size, cp in sorted(facts.checkpoints.items()):
            if size in facts.stored and facts.stored[size] != cp.head_hash:
                problems.append({"seq": size, "reason": "checkpoint head hash differs from the chain"})
            message = checkpoint_message(size, cp.head_hash, timestamp(cp.signed_at))
            if not self._signer.verify(cp.key_id, message, cp.signature):
                problems.append({"seq": size, "reason": f"checkpoint signature invalid (key {cp.key_id})"})
        return problems

    def checkpoints(self, *, after_size: int | None, limit: int) -> list[Checkpoint]:
        query = select(audit_checkpoint).order_by(audit_checkpoint.c.size.desc()).limit(limit)
        if after_size is not None:
            query = query.where(audit_checkpoint.c.size < after_size)
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [Checkpoint(r.size, r.head_hash, timestamp(r.signed_at), r.key_id, r.signature) for r in rows]

    def public_keys(self) -> dict[str, str]:
        return self._signer.public_keys()
