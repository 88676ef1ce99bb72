"""What compliance receives from the rest of the platform: the shared infrastructure and the
other contexts' public APIs, handed in by the composition root and read by every feature's
wiring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from elcorp.compliance.retention.application.retention import IdempotencyPurge
from elcorp.compliance.sla.domain.business_calendar import HolidayCalendar
from elcorp.governance.application.api import AccessControl, OrganizationDirectory, PermissionHolders
from elcorp.identity.application.api import ProfileCorrections, UserDirectory
from elcorp.infra import Infrastructure
from elcorp.payments.application.api import LedgerReports
from elcorp.shared.application.personal_data_erasure import ExpiredDataPurger, PersonalDataEraser
from elcorp.shared.application.personal_data_export import PersonalDataExporter


@dataclass(frozen=True)
class Upstream:
    """What compliance receives from the rest of the platform."""

    infra: Infrastructure
    access: AccessControl
    users: UserDirectory
    organizations: OrganizationDirectory
    permission_holders: PermissionHolders
    holidays: HolidayCalendar  # the business calendar of the SLA clocks (governance's)
    corrections: ProfileCorrections
    exporters: Sequence[PersonalDataExporter]  # every other context's, for access bundles
    erasers: Sequence[PersonalDataEraser]  # identity first: it knows whether the subject exists
    purgers: Sequence[ExpiredDataPurger]
    ledger: LedgerReports
    idempotency: IdempotencyPurge
