"""In-memory fakes of the consent ledger's stores, for unit tests of its use cases;
tests/integration/compliance/test_consent_store_contract.py runs the same behaviour tests
against them and the PostgreSQL adapters, so they cannot drift."""

from __future__ import annotations

import dataclasses
import uuid

from elcorp.compliance.consent.application.consent_ports import NewConsentRecord
from elcorp.compliance.consent.domain.consent import ConsentRecord, current_states
from elcorp.compliance.consent.domain.notices import PrivacyNotice
from support.fakes import FakeUnitOfWork


class FakeNotices:
    def __init__(self, clock) -> None:
        self.items: list[PrivacyNotice] = []
        self._clock = clock

    def current(self):
        return self.items[-1] if self.items else None

    def version(self, version):
        return next((n for n in self.items if n.version == version), None)

    def all(self):
        return list(reversed(self.items))

    def in_force_at(self, moment):
        found = [n for n in self.items if n.published_at <= moment]
        return found[-1] if found else None

    def publish(self, notice_content, sha256, published_by):
        notice = PrivacyNotice(len(self.items) + 1, notice_content, self._clock(), published_by, sha256)
        self.items.append(notice)
        return notice


class FakeConsentRecords:
    def __init__(self, clock) -> None:
        self.rows: list[tuple[ConsentRecord, uuid.UUID | None]] = []
        self._clock = clock

    def append(self, new: NewConsentRecord):
        if new.source_event_id and any(
            source == new.source_event_id and r.purpose is new.purpose for r, source in self.rows
        ):
            return None
        record = ConsentRecord(
            new.id,
            new.subject_id,
            new.purpose,
            new.notice_version,
            new.action,
            new.channel,
            new.recorded_at or self._clock(),
            new.actor_id,
            new.ip,
            new.user_agent,
        )
        self.rows.append((record, new.source_event_id))
        return record

    def of_subject(self, subject_id, *, lock=False):
        return sorted((r for r, _ in self.rows if r.subject_id == subject_id), key=lambda r: r.recorded_at)

    def record(self, record_id):
        return next((r for r, _ in self.rows if r.id == record_id), None)

    def clear_evidence(self, subject_id):
        changed = 0
        for i, (r, source) in enumerate(self.rows):
            if r.subject_id == subject_id and (r.ip or r.user_agent):
                self.rows[i] = (dataclasses.replace(r, ip=None, user_agent=None), source)
                changed += 1
        return changed

    def granted_now(self, purpose, *, after, limit):
        subjects = sorted({r.subject_id for r, _ in self.rows})
        return [
            s
            for s in subjects
            if (after is None or s > after)
            and next((x for x in current_states(self.of_subject(s)) if x.purpose is purpose), None).granted
        ][:limit]


class FakeConsentUnitOfWork(FakeUnitOfWork):
    def __init__(self, clock) -> None:
        super().__init__()
        self.notices = FakeNotices(clock)
        self.consents = FakeConsentRecords(clock)
