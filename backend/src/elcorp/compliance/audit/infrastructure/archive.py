"""Archival of old audit partitions (replaces the client's sketch, which deleted immutable
rows): export the run of the chain before a month, verify the file, record it, then DETACH
the partitions it fully covers. Nothing is ever deleted: a detached partition is an
ordinary table an operator can dump to cold storage and drop under the retention policy.

The chain table keeps every link, so the log after the archive still verifies from the
archive's last hash (the "boundary hash" in its manifest).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, insert, select, text
from sqlalchemy.orm import Session

from elcorp.compliance.audit.domain.audit_chain import (
    ChainedEntry,
    canonical_json,
    checkpoint_message,
    verify_chain,
)
from elcorp.compliance.audit.infrastructure.export import AuditExport
from elcorp.compliance.audit.infrastructure.sequencer import seal_checkpoint
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.compliance.audit.infrastructure.tables import audit_archive, audit_chain
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.errors import Conflict
from elcorp.shared.infrastructure.tables import audit_log


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    first_seq: int
    last_seq: int
    file: Path | None
    detached: list[str]
    kept: list[str]  # old partitions still holding entries chained after the boundary


def month_start(value: date) -> datetime:
    return datetime(value.year, value.month, 1, tzinfo=UTC)


class AuditArchiver:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        uow: Callable[[], UnitOfWork],
        signer: CheckpointSigner,
        *,
        lookback: timedelta,
    ) -> None:
        self._sessions = session_factory
        self._uow = uow
        self._signer = signer
        self._lookback = lookback

    def archive(self, before: date, directory: Path, *, requested_by: str = "system") -> ArchiveResult:
        boundary = month_start(before)
        if boundary > datetime.now(UTC) - self._lookback:
            raise Conflict("That month is not closed long enough to archive (entries may still commit)")
        start, last = self._range_before(boundary)
        written: tuple[Path, dict[str, Any]] | None = None
        if last >= start:
            self._ensure_checkpoint(last)
            written = self._export_and_verify(start, last, directory, before)
        detached, kept = self._detach_covered(boundary, last)
        result = ArchiveResult(start, last, None if written is None else written[0], detached, kept)
        if written is not None:
            self._record(result, before, *written)
        with self._uow() as uow:
            uow.audit.record(
                "audit.archived",
                Actor(id=requested_by),
                Resource("audit_archive", str(start)),
                Changes(
                    after={
                        "first_seq": start,
                        "last_seq": last,
                        "before": before.isoformat(),
                        "detached": detached,
                        "kept": kept,
                    }
                ),
            )
            uow.commit()
        return result

    def _range_before(self, boundary: datetime) -> tuple[int, int]:
        """The sequence numbers to archive: after the last archive, up to the last entry
        before the boundary (refused while an entry before it is still unchained)."""
        with self._sessions() as session:
            waiting = session.execute(
                select(
                    exists().where(
                        audit_log.c.occurred_at < boundary,
                        ~exists().where(audit_chain.c.entry_id == audit_log.c.id),
                    )
                )
            ).scalar()
            if waiting:
                raise Conflict("The sequencer has not chained every entry before that month yet")
            start = (session.execute(select(func.max(audit_archive.c.last_seq))).scalar() or 0) + 1
            newer = session.execute(
                select(func.min(audit_chain.c.seq)).where(audit_chain.c.entry_occurred_at >= boundary)
            ).scalar()
            head = session.execute(select(func.max(audit_chain.c.seq))).scalar() or 0
        return start, (newer - 1) if newer else head

    def _record(self, result: ArchiveResult, before: date, file: Path, manifest: dict[str, Any]) -> None:
        """The archive's row: its range, file, manifest and the partitions it detached."""
        with self._sessions() as session, session.begin():
            session.execute(
                insert(audit_archive).values(
                    first_seq=result.first_seq,
                    last_seq=result.last_seq,
                    before_month=before.replace(day=1),
                    file_name=file.name,
                    data_sha256=manifest["data_sha256"],
                    manifest=manifest,
                    detached_partitions=result.detached,
                )
            )

    def _ensure_checkpoint(self, size: int) -> None:
        """The archive ends on a signed checkpoint, so it verifies on its own."""
        with self._sessions() as session, session.begin():
            seal_checkpoint(session, self._signer, size)

    def _export_and_verify(
        self, first: int, last: int, directory: Path, before: date
    ) -> tuple[Path, dict[str, Any]]:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"audit-{before:%Y-%m}-seq{first}-{last}.jsonl"
        with self._sessions() as session:
            export = AuditExport(session, self._signer.public_keys(), "jsonl", first, last)
            with path.open("w", encoding="utf-8", newline="") as handle:
                for chunk in export.chunks():
                    handle.write(chunk)
            manifest = export.manifest()
        path.with_suffix(".manifest.json").write_text(json.dumps(manifest, indent=2))
        self._verify_file(path, manifest)
        return path, manifest

    def _verify_file(self, path: Path, manifest: dict[str, Any]) -> None:
        """Read the written file back and check it before anything is detached."""
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if digest != manifest["data_sha256"]:
            raise Conflict("The archive file does not match its manifest; nothing was detached")

        def entries() -> Any:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    item = json.loads(line)
                    yield ChainedEntry(item["seq"], item["hash"], canonical_json(item["entry"]))

        count, head, problem = verify_chain(
            entries(), previous_hash=manifest["previous_hash"], first_seq=manifest["first_seq"]
        )
        if problem or count != manifest["count"] or head != manifest["last_hash"]:
            raise Conflict("The archive file does not verify; nothing was detached")
        for cp in manifest["checkpoints"]:
            message = checkpoint_message(cp["size"], cp["head_hash"], cp["timestamp"])
            if not self._signer.verify(cp["key_id"], message, cp["signature"]):
                raise Conflict("An archive checkpoint does not verify; nothing was detached")

    def _detach_covered(self, boundary: datetime, last_archived: int) -> tuple[list[str], list[str]]:
        """DETACH each partition that ends by the boundary and whose entries are all archived."""
        detached, kept = [], []
        with self._sessions() as session:
            partitions: list[str] = list(
                session.execute(
                    text(
                        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        "JOIN pg_class p ON p.oid = i.inhparent "
                        "WHERE p.relname = 'audit_log' ORDER BY c.relname"
                    )
                )
                .scalars()
                .all()
            )
        for name in partitions:
            try:
                month = datetime.strptime(name, "audit_log_%Y_%m").replace(tzinfo=UTC)
            except ValueError:
                continue
            next_month = (month + timedelta(days=32)).replace(day=1)
            if next_month > boundary:
                continue
            with self._sessions() as session, session.begin():
                outstanding: int = session.execute(
                    text(
                        # The name matched audit_log_YYYY_MM above: no input reaches this SQL.
                        f'SELECT count(*) FROM "{name}" a WHERE NOT EXISTS ('  # noqa: S608  # nosec B608
                        "SELECT 1 FROM audit_chain c WHERE c.entry_id = a.id AND c.seq <= :last)"
                    ),
                    {"last": last_archived},
                ).scalar_one()
                if outstanding:
                    kept.append(name)
                    continue
                session.execute(text(f'ALTER TABLE audit_log DETACH PARTITION "{name}"'))
            detached.append(name)
        return detached, kept
