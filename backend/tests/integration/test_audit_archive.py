"""Archival: export and verify the months before a boundary, then DETACH their partitions
(never DELETE); the online chain still verifies from the archive's boundary hash."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from elcorp.config import REPO_ROOT
from elcorp.shared.domain.errors import Conflict
from integration.test_audit_chain import record
from support.audit import insert_entry


def months_ago(n: int) -> datetime:
    today = datetime.now(UTC).replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    index = today.year * 12 + today.month - 1 - n
    return today.replace(year=index // 12, month=index % 12 + 1)


def old_entries(container, when: datetime, n: int) -> str:
    with container.session_factory() as session:
        name = session.execute(text("SELECT audit_log_create_partition(:m)"), {"m": when.date()}).scalar_one()
        for i in range(n):
            insert_entry(
                session, when + timedelta(minutes=i), "old.action", actor_id="user-old", resource_id=str(i)
            )
        session.commit()
    return name


def partitions(container) -> set[str]:
    with container.session_factory() as session:
        return set(
            session.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'audit_log'"
                )
            ).scalars()
        )


def test_archive_exports_verifies_and_detaches_old_partitions(container, tmp_path):
    old = old_entries(container, months_ago(6), 5)
    record(container, 3)  # this month's entries stay online
    container.audit_sequencer.run()

    result = container.audit_archiver.archive(months_ago(5).date(), tmp_path)

    assert (result.first_seq, result.last_seq) == (1, 5)
    assert result.detached == [old]
    assert old not in partitions(container)
    with container.session_factory() as session:
        still_there = session.execute(text(f'SELECT count(*) FROM "{old}"')).scalar_one()  # noqa: S608
        archived = session.execute(
            text("SELECT first_seq, last_seq, detached_partitions FROM audit_archive")
        ).one()
        audited = session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'audit.archived'")
        ).scalar()
    assert still_there == 5  # detached, never deleted
    assert tuple(archived) == (1, 5, [old])
    assert audited == 1

    report = container.audit_trail.verify()
    assert report.ok, report.problems
    assert report.archived_through == 5
    assert report.first_seq == 6

    keys = container.audit_trail.public_keys()
    manifest = result.file.with_suffix(".manifest.json")
    verified = subprocess.run(
        [
            sys.executable,
            "scripts/verify_audit_export.py",
            str(result.file),
            str(manifest),
            *[f"--public-key={kid}={key}" for kid, key in keys.items()],
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_archiving_again_adds_nothing_and_keeps_the_chain(container, tmp_path):
    old_entries(container, months_ago(6), 2)
    container.audit_sequencer.run()
    container.audit_archiver.archive(months_ago(5).date(), tmp_path)
    again = container.audit_archiver.archive(months_ago(5).date(), tmp_path)
    assert again.file is None
    assert again.detached == []
    assert container.audit_trail.verify().ok


def test_a_month_that_is_not_closed_cannot_be_archived(container, tmp_path):
    next_month = (datetime.now(UTC).replace(day=1) + timedelta(days=32)).date()
    with pytest.raises(Conflict):
        container.audit_archiver.archive(next_month, tmp_path)


def test_nothing_is_archived_while_old_entries_wait_for_the_sequencer(container, tmp_path):
    old_entries(container, months_ago(6), 2)
    with pytest.raises(Conflict, match="sequencer"):
        container.audit_archiver.archive(months_ago(5).date(), tmp_path)


def test_an_export_cannot_start_inside_the_archived_range(container, tmp_path):
    from elcorp.shared.domain.errors import ValidationFailed

    old_entries(container, months_ago(6), 3)
    container.audit_sequencer.run()
    container.audit_archiver.archive(months_ago(5).date(), tmp_path)
    with pytest.raises(ValidationFailed):
        container.audit_exports.start("tester", "jsonl", 1, None)
    started = container.audit_exports.start("tester", "jsonl", 4, None)
    assert "".join(started.chunks) == ""


def verify_offline(container, archive, *options: str) -> subprocess.CompletedProcess[str]:
    keys = container.audit_trail.public_keys()
    return subprocess.run(
        [
            sys.executable,
            "scripts/verify_audit_export.py",
            str(archive),
            str(archive.with_suffix(".manifest.json")),
            *[f"--public-key={kid}={key}" for kid, key in keys.items()],
            *options,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_later_archive_verifies_offline_from_the_previous_archives_checkpoint(container, tmp_path):
    """Each archive ends on a signed checkpoint, so the previous archive's manifest is what
    vouches for where the next one starts."""
    old_entries(container, months_ago(6), 3)
    old_entries(container, months_ago(5), 2)
    container.audit_sequencer.run()
    first = container.audit_archiver.archive(months_ago(5).date(), tmp_path)
    second = container.audit_archiver.archive(months_ago(4).date(), tmp_path)
    assert (first.first_seq, first.last_seq, second.first_seq, second.last_seq) == (1, 3, 4, 5)

    assert verify_offline(container, first.file).returncode == 0
    alone = verify_offline(container, second.file)
    assert alone.returncode == 1
    assert "nothing trusted vouches for its previous_hash" in alone.stdout
    chained = verify_offline(
        container, second.file, f"--checkpoints-json={first.file.with_suffix('.manifest.json')}"
    )
    assert chained.returncode == 0, chained.stdout + chained.stderr
    assert chained.stdout.strip() == "OK: 2 entries, 1 checkpoints"
