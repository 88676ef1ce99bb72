"""The risk register (POPIA s19: identify the foreseeable risks to the personal information
we hold, establish and maintain safeguards, verify that they work, update them as risks
change). A risk is rated twice on the same 5 x 5 matrix, CISO Assistant style:

    inherent = likelihood x impact before any control   (1..25)
    residual = likelihood x impact with the controls    (1..25, never above inherent)

Rating bands of a score (the matrix, likelihood down, impact across):

              impact 1   2        3        4         5
    L5            5 M    10 H     15 H     20 C      25 C
    L4            4 L     8 M     12 H     16 H      20 C
    L3            3 L     6 M      9 M     12 H      15 H
    L2            2 L     4 L      6 M      8 M      10 H
    L1            1 L     2 L      3 L      4 L       5 M

    low 1-4, medium 5-9, high 10-16, critical 20-25

Lifecycle: open -> treated (a treatment other than accept, its plan and a residual rating)
or accepted (treatment `accept` and a residual rating), either back to open, and closed
(final: a closed risk is kept for the record and no longer changes). Every review is
appended to the risk's history and moves the next review date forward by the review
interval, which defaults by the current rating (critical 30 days, high 90, medium 180,
low 365). Pure: standard library and the shared kernel only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from elcorp.shared.domain.errors import DomainError, ValidationFailed
from elcorp.shared.domain.events import DomainEvent

SCALE = range(1, 6)  # likelihood and impact: 1 (rare / negligible) .. 5 (almost certain / severe)
MAX_REVIEW_INTERVAL_DAYS = 730


class Rating(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


# Upper bound of each band (inclusive), lowest first.
BANDS: tuple[tuple[int, Rating], ...] = (
    (4, Rating.LOW),
    (9, Rating.MEDIUM),
    (16, Rating.HIGH),
    (25, Rating.CRITICAL),
)
# How often a risk is reviewed by default, by its current rating.
REVIEW_INTERVAL_DAYS = {Rating.CRITICAL: 30, Rating.HIGH: 90, Rating.MEDIUM: 180, Rating.LOW: 365}


class Treatment(StrEnum):
    MITIGATE = "mitigate"  # controls reduce likelihood or impact
    ACCEPT = "accept"  # the residual risk is within appetite, knowingly
    TRANSFER = "transfer"  # insurance, an operator's contract
    AVOID = "avoid"  # stop the activity that carries the risk


class RiskStatus(StrEnum):
    OPEN = "open"
    TREATED = "treated"
    ACCEPTED = "accepted"
    CLOSED = "closed"


class Category(StrEnum):
    SECURITY = "security"
    PRIVACY = "privacy"
    AVAILABILITY = "availability"
    FRAUD = "fraud"
    OPERATIONAL = "operational"
    COMPLIANCE = "compliance"
    FINANCIAL = "financial"


class ControlType(StrEnum):
    PREVENTIVE = "preventive"
    DETECTIVE = "detective"
    CORRECTIVE = "corrective"
    DETERRENT = "deterrent"
    COMPENSATING = "compensating"


class ControlStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    ACTIVE = "active"
    DEPRECATED = "deprecated"


# -- errors (RSK_ codes; HTTP statuses in shared.interfaces.errors) ---------------------------
class InvalidRating(DomainError):
    code = "RSK_001"
    default_message = "Likelihood and impact are a pair of whole numbers from 1 to 5"


class ResidualAboveInherent(DomainError):
    code = "RSK_002"
    default_message = "The residual score may not exceed the inherent score"


class OwnerNotEligible(DomainError):
    code = "RSK_003"
    default_message = "The owner must be an active staff member who may read the risk register"


class UnknownControls(DomainError):
    code = "RSK_004"
    default_message = "One or more linked controls do not exist"


class UnknownIncidents(DomainError):
    code = "RSK_005"
    default_message = "One or more linked incidents do not exist"


class InvalidRiskTransition(DomainError):
    code = "RSK_006"
    status = 409
    default_message = "The risk's status does not allow this change"


class TreatmentIncomplete(DomainError):
    code = "RSK_007"
    default_message = "This status needs a matching treatment, its plan and a residual rating"


class ControlNameTaken(DomainError):
    code = "RSK_008"
    status = 409
    default_message = "A control with this name already exists"


# -- the matrix ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Assessment:
    """One rating on the matrix: likelihood x impact."""

    likelihood: int
    impact: int

    def __post_init__(self) -> None:
        for name in ("likelihood", "impact"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
                raise InvalidRating(
                    details=[{"field": name, "message": "must be a whole number from 1 to 5"}]
                )

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> Rating:
        return rating_of(self.score)


def rating_of(score: int) -> Rating:
    for upper, band in BANDS:
        if score <= upper:
            return band
    raise InvalidRating(details=[{"field": "score", "message": "must be 1-25"}])


def assessment(likelihood: int | None, impact: int | None, *, prefix: str = "") -> Assessment | None:
    """A pair or nothing: one half alone is an incomplete rating."""
    if likelihood is None and impact is None:
        return None
    if likelihood is None or impact is None:
        raise InvalidRating(
            details=[{"field": f"{prefix}likelihood/{prefix}impact", "message": "give both or neither"}]
        )
    return Assessment(likelihood, impact)


# -- events -------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RiskReviewDue(DomainEvent):
    """A risk's review date has passed: its owner (or, unowned, the risk managers) is reminded."""

    event_type = "compliance.RiskReviewDue"
    risk_id: uuid.UUID
    title: str
    owner_id: uuid.UUID | None
    review_date: str  # ISO date (Windhoek)
    rating: str


# -- the aggregates -----------------------------------------------------------------------------
@dataclass
class Control:
    """A safeguard (POPIA s19(1)): what it is, whether it is in place, where it is specified."""

    id: uuid.UUID
    name: str
    description: str
    type: ControlType
    status: ControlStatus
    reference: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Review:
    """One entry of a risk's review history (append-only: POPIA s19(2)(c)-(d) verify, update)."""

    id: uuid.UUID
    risk_id: uuid.UUID
    reviewed_by: uuid.UUID
    reviewed_at: datetime
    note: str
    before: dict[str, object]
    after: dict[str, object]
    review_date_before: date
    review_date_after: date


@dataclass
class Risk:
    id: uuid.UUID
    title: str
    description: str
    asset: str
    threat: str
    vulnerability: str | None
    category: Category
    inherent: Assessment
    residual: Assessment | None
    treatment: Treatment | None
    treatment_plan: str | None
    owner_id: uuid.UUID | None
    status: RiskStatus
    review_interval_days: int
    review_date: date
    last_reviewed_at: datetime | None
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    control_ids: list[uuid.UUID] = field(default_factory=list)
    incident_ids: list[uuid.UUID] = field(default_factory=list)

    @classmethod
    def identify(
        cls,
        *,
        title: str,
        description: str,
        asset: str,
        threat: str,
        vulnerability: str | None,
        category: Category,
        inherent: Assessment,
        residual: Assessment | None,
        treatment: Treatment | None,
        treatment_plan: str | None,
        owner_id: uuid.UUID | None,
        review_interval_days: int | None,
        review_date: date | None,
        by: uuid.UUID,
        at: datetime,
        today: date,
    ) -> Risk:
        """A newly identified risk (POPIA s19(2)(a)), open, due for review after its interval."""
        risk = cls(
            id=uuid.uuid4(),
            title=title,
            description=description,
            asset=asset,
            threat=threat,
            vulnerability=vulnerability,
            category=category,
            inherent=inherent,
            residual=None,
            treatment=treatment,
            treatment_plan=treatment_plan,
            owner_id=owner_id,
            status=RiskStatus.OPEN,
            review_interval_days=1,
            review_date=today,
            last_reviewed_at=None,
            created_by=by,
            created_at=at,
            updated_at=at,
        )
        risk.reassess(inherent, residual)
        risk.review_interval_days = _interval(review_interval_days, risk.rating)
        risk.review_date = review_date or today + timedelta(days=risk.review_interval_days)
        return risk

    # -- queries ----------------------------------------------------------------------------
    @property
    def current(self) -> Assessment:
        """The rating that stands: the residual once assessed, else the inherent one."""
        return self.residual or self.inherent

    @property
    def rating(self) -> Rating:
        return self.current.rating

    def overdue(self, today: date) -> bool:
        return self.status is not RiskStatus.CLOSED and self.review_date < today

    def _require_open_record(self, action: str) -> None:
        if self.status is RiskStatus.CLOSED:
            raise InvalidRiskTransition(
                f"Cannot {action} a closed risk", details={"status": self.status.value}
            )

    # -- changes ----------------------------------------------------------------------------
    def reassess(self, inherent: Assessment, residual: Assessment | None) -> None:
        """New ratings; the controls cannot make a risk worse than it is without them."""
        if residual is not None and residual.score > inherent.score:
            message = f"residual score {residual.score} exceeds the inherent score {inherent.score}"
            raise ResidualAboveInherent(
                details=[
                    {"field": name, "message": message} for name in ("residual_likelihood", "residual_impact")
                ]
            )
        self.inherent, self.residual = inherent, residual

    def change_status(self, status: RiskStatus, at: datetime) -> None:
        """open <-> treated | accepted; any -> closed (final)."""
        self._require_open_record("change")
        if status is self.status:
            return
        if status is RiskStatus.TREATED:
            if self.treatment in (None, Treatment.ACCEPT) or not (self.treatment_plan or "").strip():
                raise TreatmentIncomplete(
                    "A treated risk has a treatment other than accept, and its plan",
                    details=[{"field": "treatment", "message": "mitigate, transfer or avoid, with a plan"}],
                )
            if self.residual is None:
                raise TreatmentIncomplete(
                    "A treated risk carries its residual rating",
                    details=[{"field": "residual_likelihood", "message": "rate the residual risk"}],
                )
        if status is RiskStatus.ACCEPTED and (
            self.treatment is not Treatment.ACCEPT or self.residual is None
        ):
            raise TreatmentIncomplete(
                "An accepted risk has treatment accept and its residual rating",
                details=[{"field": "treatment", "message": "accept, with a residual rating"}],
            )
        self.status = status
        if status is RiskStatus.CLOSED:
            self.closed_at = at

    def check_still_consistent(self) -> None:
        """After an edit, the status must still hold (e.g. a treated risk keeps its plan)."""
        if self.status in (RiskStatus.TREATED, RiskStatus.ACCEPTED):
            status, self.status = self.status, RiskStatus.OPEN
            try:
                self.change_status(status, self.updated_at)
            finally:
                self.status = status

    def edit(self, at: datetime) -> None:
        self._require_open_record("edit")
        self.updated_at = at

    def set_interval(self, days: int | None) -> None:
        self.review_interval_days = _interval(days, self.rating)

    def review(
        self,
        *,
        by: uuid.UUID,
        at: datetime,
        today: date,
        note: str,
        inherent: Assessment | None,
        residual: Assessment | None,
    ) -> Review:
        """Record that the safeguards were verified (POPIA s19(2)(c)) and the ratings updated
        (s19(2)(d)); the next review falls one interval after today."""
        self._require_open_record("review")
        before = self.snapshot()
        date_before = self.review_date
        self.reassess(inherent or self.inherent, residual if residual is not None else self.residual)
        self.check_still_consistent()
        self.last_reviewed_at = at
        self.updated_at = at
        self.review_date = today + timedelta(days=self.review_interval_days)
        return Review(
            id=uuid.uuid4(),
            risk_id=self.id,
            reviewed_by=by,
            reviewed_at=at,
            note=note,
            before=before,
            after=self.snapshot(),
            review_date_before=date_before,
            review_date_after=self.review_date,
        )

    def snapshot(self) -> dict[str, object]:
        """The ratings and state, as the audit trail and the review history keep them."""
        return {
            "status": self.status.value,
            "likelihood": self.inherent.likelihood,
            "impact": self.inherent.impact,
            "inherent_score": self.inherent.score,
            "residual_likelihood": None if self.residual is None else self.residual.likelihood,
            "residual_impact": None if self.residual is None else self.residual.impact,
            "residual_score": None if self.residual is None else self.residual.score,
            "rating": self.rating.value,
            "treatment": None if self.treatment is None else self.treatment.value,
            "owner_id": None if self.owner_id is None else str(self.owner_id),
            "review_date": self.review_date.isoformat(),
        }


def _interval(days: int | None, rating: Rating) -> int:
    if days is None:
        return REVIEW_INTERVAL_DAYS[rating]
    if not 1 <= days <= MAX_REVIEW_INTERVAL_DAYS:
        raise ValidationFailed(details=[{"field": "review_interval_days", "message": "must be 1-730"}])
    return days
