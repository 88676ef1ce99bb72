"""Audit-log export: a run of the chain streamed as JSON Lines or CSV, plus its manifest.

PostgreSQL writes each line from the stored canonical entry (no per-entry work in Python)
and the lines come chunk by chunk from one server-side cursor, so memory stays constant
however long the range is. The manifest (available once the chunks are exhausted) records
the range, the hash before the first entry and of the last one, the SHA-256 of every byte
emitted, and the signed checkpoints inside the range, so that scripts/verify_audit_export.py
can check the export offline. Exports through the API or the CLI (`SqlAuditExports`) first
seal a checkpoint at their last entry when none is there, so the verifier finds the whole
export covered by a signature. docs/AUDIT_FORMAT.md describes both files.

Chunks are text; write them as UTF-8 without newline translation
(`open(path, "w", encoding="utf-8", newline="")`), since `data_sha256` covers those bytes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Generator, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, func, insert, literal, select
from sqlalchemy.orm import Session

from elcorp.compliance.audit.application.audit_trail import StartedExport
from elcorp.compliance.audit.domain.audit_chain import FORMAT_VERSION, GENESIS
from elcorp.compliance.audit.infrastructure.entries import joins_log, timestamp
from elcorp.compliance.audit.infrastructure.sequencer import seal_checkpoint
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.compliance.audit.infrastructure.tables import (
    audit_archive,
    audit_chain,
    audit_checkpoint,
    audit_export,
)
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.infrastructure.tables import audit_log

ExportFormat = Literal["jsonl", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv")
MANIFEST_FORMAT = "elcorp-audit-export"
CSV_HEADER = ("seq", "hash", "entry_json")
LINES_PER_CHUNK = 2000  # lines per yielded chunk, and per fetch from the server-side cursor


def _line_sql(fmt: ExportFormat) -> ColumnElement[str]:
    """One export line, written by PostgreSQL from the stored entry.

    jsonl: `{"entry":<canonical entry>,"hash":"<hex>","seq":<n>}` (keys sorted, compact);
    csv: `<seq>,<hash>,"<entry with each " doubled>"` (RFC 4180; the entry always holds
    quotes, so it is always quoted). Both end with a line feed.
    """
    seq, hash_, entry = audit_chain.c.seq, audit_chain.c.hash, audit_log.c.entry
    if fmt == "jsonl":
        parts: list[Any] = ['{"entry":', entry, ',"hash":"', hash_, '","seq":', seq, "}\n"]
    else:
        parts = [seq, ",", hash_, ',"', func.replace(entry, '"', '""'), '"\n']
    return func.concat(*(literal(p) if isinstance(p, str) else p for p in parts))


class AuditExport:
    """One export of sequence numbers first_seq..last_seq (last_seq None: the chain head now).

    `chunks()` yields the data; `manifest()` describes them once `chunks()` is exhausted.
    The session is only read from; the caller owns it (and its transaction).
    """

    def __init__(
        self,
        session: Session,
        public_keys: Mapping[str, str],
        fmt: ExportFormat = "jsonl",
        first_seq: int = 1,
        last_seq: int | None = None,
        *,
        lines_per_chunk: int = LINES_PER_CHUNK,
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
        if first_seq < 1:
            raise ValueError("first_seq must be 1 or more")
        if last_seq is not None and last_seq < first_seq - 1:
            raise ValueError("last_seq must not be below first_seq - 1")
        if lines_per_chunk < 1:
            raise ValueError("lines_per_chunk must be positive")
        self._session = session
        self._public_keys = dict(public_keys)
        self._fmt: ExportFormat = fmt
        self._requested = (first_seq, last_seq)
        self._lines_per_chunk = lines_per_chunk
        self._manifest: dict[str, Any] | None = None
        self._started = False

    def __iter__(self) -> Iterator[str]:
        return self.chunks()

    def chunks(self) -> Iterator[str]:
        """The export's text, a bounded number of lines per chunk (single use)."""
        if self._started:
            raise RuntimeError("an AuditExport can be streamed only once")
        self._started = True
        first_seq, requested_last = self._requested
        head: int = self._session.execute(select(func.coalesce(func.max(audit_chain.c.seq), 0))).scalar_one()
        if first_seq > head + 1:
            raise ValueError(f"first_seq {first_seq} is beyond the chain head ({head})")
        last_seq = head if requested_last is None else min(requested_last, head)
        previous_hash = self._hash_before(first_seq)
        checkpoints = self._checkpoints(first_seq, last_seq)  # read before the cursor opens
        digest = hashlib.sha256()
        count, last_emitted, last_hash = yield from self._lines(
            first_seq, last_seq, previous_hash, digest.update
        )
        self._manifest = {
            "format": MANIFEST_FORMAT,
            "version": FORMAT_VERSION,
            "data_format": self._fmt,
            "count": count,
            "first_seq": first_seq,
            "last_seq": last_emitted,
            "previous_hash": previous_hash,
            "last_hash": last_hash,
            "data_sha256": digest.hexdigest(),
            "filters": {"first_seq": first_seq, "last_seq": requested_last},
            "generated_at": timestamp(datetime.now(UTC)),
            "checkpoints": checkpoints,
            "public_keys": self._public_keys,
        }

    def _lines(
        self, first_seq: int, last_seq: int, previous_hash: str, feed: Callable[[bytes], None]
    ) -> Generator[str, None, tuple[int, int, str]]:
        """The lines of the range in chunks from one server-side cursor, each chunk `feed`-ed
        (to the digest) as it goes out; returns (lines, the last sequence number, its hash)."""
        count, last_emitted, last_hash = 0, first_seq - 1, previous_hash
        header = ",".join(CSV_HEADER) + "\n" if self._fmt == "csv" else ""
        query = (
            select(audit_chain.c.seq, audit_chain.c.hash, _line_sql(self._fmt))
            .join(audit_log, joins_log())
            .where(audit_chain.c.seq.between(first_seq, last_seq))
            .order_by(audit_chain.c.seq)
        )
        result = self._session.execute(query.execution_options(yield_per=self._lines_per_chunk))
        try:
            for rows in result.partitions():
                text = header + "".join([row[2] for row in rows])
                header = ""
                feed(text.encode("utf-8"))
                count += len(rows)
                last_emitted, last_hash = rows[-1][0], rows[-1][1]
                yield text
        finally:  # also when the consumer stops early: release the server-side cursor
            result.close()
        if header:  # an empty CSV export is its header
            feed(header.encode("utf-8"))
            yield header
        return count, last_emitted, last_hash

    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            raise RuntimeError("the manifest is known only once chunks() has been exhausted")
        return self._manifest

    def _hash_before(self, first_seq: int) -> str:
        if first_seq == 1:
            return GENESIS.hex()
        found: str | None = self._session.execute(
            select(audit_chain.c.hash).where(audit_chain.c.seq == first_seq - 1)
        ).scalar()
        if found is None:
            raise ValueError(f"no chained entry {first_seq - 1} to start the export from")
        return found

    def _checkpoints(self, first_seq: int, last_seq: int) -> list[dict[str, Any]]:
        rows = self._session.execute(
            select(audit_checkpoint)
            .where(audit_checkpoint.c.size.between(first_seq, last_seq))
            .order_by(audit_checkpoint.c.size)
        ).all()
        return [
            {
                "size": r.size,
                "head_hash": r.head_hash,
                "timestamp": timestamp(r.signed_at),
                "key_id": r.key_id,
                "signature": r.signature,
            }
            for r in rows
        ]


def export_lines(
    session: Session,
    *,
    fmt: ExportFormat = "jsonl",
    first_seq: int = 1,
    last_seq: int | None = None,
    public_keys: Mapping[str, str] | None = None,
    lines_per_chunk: int = LINES_PER_CHUNK,
) -> AuditExport:
    """An export to iterate (text chunks), then ask for its `manifest()`."""
    return AuditExport(
        session,
        public_keys or {},
        fmt,
        first_seq,
        last_seq,
        lines_per_chunk=lines_per_chunk,
    )


class SqlAuditExports:
    """Exports through the API and the CLI: audited when they start, ending on a signed
    checkpoint, manifest stored when they end."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        uow: Callable[[], UnitOfWork],
        signer: CheckpointSigner,
    ) -> None:
        self._sessions = session_factory
        self._uow = uow
        self._signer = signer

    def start(self, requested_by: str, fmt: str, first_seq: int, last_seq: int | None) -> StartedExport:
        if fmt not in FORMATS:
            raise ValidationFailed(details=[{"field": "format", "message": "use jsonl or csv"}])
        self._refuse_archived(first_seq)
        export_id = uuid.uuid4()
        # Audited before any data is read (and even if the range turns out to be invalid).
        with self._uow() as uow:
            uow.audit.record(
                "audit.exported",
                Actor(id=requested_by),
                Resource("audit_export", str(export_id)),
                Changes(after={"format": fmt, "first_seq": first_seq, "last_seq": last_seq}),
            )
            uow.commit()
        session = self._sessions()
        try:
            end = self._sealed_end(first_seq, last_seq)
            export = AuditExport(session, self._signer.public_keys(), fmt, first_seq, end)
            chunks = export.chunks()
            first_chunk = next(chunks, "")  # fails here (a 4xx) if the range is wrong
        except ValueError as exc:
            session.close()
            raise ValidationFailed(details=[{"field": "from_seq", "message": str(exc)}]) from exc

        def stream() -> Iterator[str]:
            try:
                if first_chunk:
                    yield first_chunk
                yield from chunks
                session.close()  # done reading before the manifest is written
                filters = {"first_seq": first_seq, "last_seq": last_seq}
                self._store_manifest(export_id, requested_by, fmt, {**export.manifest(), "filters": filters})
            finally:
                session.close()

        return StartedExport(export_id, fmt, stream())

    def _refuse_archived(self, first_seq: int) -> None:
        """Archived entries are exported from their archive files, not from the database."""
        with self._sessions() as session:
            archived = session.execute(select(func.max(audit_archive.c.last_seq))).scalar() or 0
        if first_seq <= archived:
            raise ValidationFailed(
                details=[
                    {
                        "field": "from_seq",
                        "message": f"entries up to {archived} are archived; start at {archived + 1}",
                    }
                ]
            )

    def _store_manifest(
        self, export_id: uuid.UUID, requested_by: str, fmt: str, manifest: dict[str, Any]
    ) -> None:
        with self._sessions() as writer:
            writer.execute(
                insert(audit_export).values(
                    id=export_id, requested_by=requested_by, format=fmt, manifest=manifest
                )
            )
            writer.commit()

    def _sealed_end(self, first_seq: int, last_seq: int | None) -> int:
        """The export's last sequence number (the requested one, or the chain head now),
        with a signed checkpoint there: without one, nothing would tell this export's
        newest entries, offline, from entries forged or cut off by whoever rewrote the file
        and its manifest."""
        with self._sessions() as session, session.begin():
            head: int = session.execute(select(func.coalesce(func.max(audit_chain.c.seq), 0))).scalar_one()
            if first_seq > head + 1:
                raise ValueError(f"first_seq {first_seq} is beyond the chain head ({head})")
            end = head if last_seq is None else min(last_seq, head)
            if end >= max(first_seq, 1):
                seal_checkpoint(session, self._signer, end)
        return end

    def manifest(self, export_id: uuid.UUID) -> dict[str, Any] | None:
        with self._sessions() as session:
            found: dict[str, Any] | None = session.execute(
                select(audit_export.c.manifest).where(audit_export.c.id == export_id)
            ).scalar()
        return found
