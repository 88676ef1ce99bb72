"""Privacy notices: staff publish a new version; anyone reads the current one or any
earlier version. Published versions never change (the database refuses an UPDATE)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable

from elcorp.compliance.consent.application.consent_ports import ConsentUnitOfWork
from elcorp.compliance.consent.domain.consent import Purpose
from elcorp.compliance.consent.domain.notices import NoticeContent, PrivacyNotice, check_complete
from elcorp.governance.application.api import AccessControl
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.audit_entry import canonical
from elcorp.shared.domain.errors import AccessDenied, NotFound

MANAGE = "privacy:manage"
PURPOSES = frozenset(p.value for p in Purpose)


def content_sha256(content: NoticeContent) -> str:
    """SHA-256 of the notice's canonical JSON (RFC 8785): what receipts and audits cite."""
    return hashlib.sha256(canonical(content.as_json())).hexdigest()


class PrivacyNotices:
    def __init__(self, uow: Callable[[], ConsentUnitOfWork], access: AccessControl) -> None:
        self._uow = uow
        self._access = access

    def publish(self, caller: uuid.UUID, content: NoticeContent) -> PrivacyNotice:
        """Publish the next version; it is current from now on (consents given from now
        are recorded against it)."""
        grants = self._access.grants_for(caller)
        if not grants.allows(MANAGE):
            raise AccessDenied(f"{MANAGE} required")
        check_complete(content, PURPOSES)
        digest = content_sha256(content)
        with self._uow() as uow:
            previous = uow.notices.current()
            notice = uow.notices.publish(content, digest, caller)
            uow.audit.record(
                "privacy.notice_published",
                Actor(str(caller), tuple(sorted(grants.roles))),
                Resource("privacy_notice", str(notice.version)),
                Changes(
                    before={"version": None if previous is None else previous.version},
                    after={"version": notice.version, "language": content.language, "sha256": digest},
                ),
                content.summary_of_changes,
            )
            uow.commit()
        return notice

    def current(self) -> PrivacyNotice:
        with self._uow() as uow:
            found = uow.notices.current()
        if found is None:
            raise NotFound("No privacy notice is published yet")
        return found

    def history(self) -> list[PrivacyNotice]:
        """Every published version, newest first (what was said when)."""
        with self._uow() as uow:
            return uow.notices.all()

    def version(self, version: int) -> PrivacyNotice:
        with self._uow() as uow:
            found = uow.notices.version(version)
        if found is None:
            raise NotFound("No privacy notice with this version")
        return found
