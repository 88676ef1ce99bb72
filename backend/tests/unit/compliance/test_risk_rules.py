"""The risk register's rules, without I/O (compliance/risks/domain/risks.py): the 5 x 5 matrix and
its bands, residual never above inherent, treatment and status, reviews."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from elcorp.compliance.risks.domain.risks import (
    Assessment,
    Category,
    InvalidRating,
    InvalidRiskTransition,
    Rating,
    ResidualAboveInherent,
    Risk,
    RiskStatus,
    Treatment,
    TreatmentIncomplete,
    assessment,
    rating_of,
)
from elcorp.shared.domain.errors import ValidationFailed

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)
STAFF = uuid.uuid4()


def identified(likelihood: int = 4, impact: int = 4, **overrides: object) -> Risk:
    values: dict[str, object] = {
        "title": "Ledger tampering",
        "description": "Postings altered outside the application",
        "asset": "ledger",
        "threat": "direct database writes",
        "vulnerability": None,
        "category": Category.FRAUD,
        "inherent": Assessment(likelihood, impact),
        "residual": None,
        "treatment": None,
        "treatment_plan": None,
        "owner_id": None,
        "review_interval_days": None,
        "review_date": None,
        "by": STAFF,
        "at": NOW,
        "today": TODAY,
    }
    values.update(overrides)
    return Risk.identify(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, Rating.LOW), (4, Rating.LOW), (5, Rating.MEDIUM), (9, Rating.MEDIUM), (10, Rating.HIGH),
     (16, Rating.HIGH), (20, Rating.CRITICAL), (25, Rating.CRITICAL)],
)  # fmt: skip
def test_every_score_of_the_matrix_falls_in_one_band(score, band):
    assert rating_of(score) is band


def test_every_cell_of_the_matrix_has_a_band():
    cells = {Assessment(lk, im).rating for lk in range(1, 6) for im in range(1, 6)}

    assert cells == set(Rating)


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 1), (3, 0), (2, 9), (True, 2)])
def test_a_rating_off_the_1_to_5_scale_is_refused(likelihood, impact):
    with pytest.raises(InvalidRating):
        Assessment(likelihood, impact)


def test_half_a_rating_is_refused_and_none_is_no_rating():
    assert assessment(None, None) is None
    with pytest.raises(InvalidRating):
        assessment(3, None)


def test_the_residual_score_never_exceeds_the_inherent():
    with pytest.raises(ResidualAboveInherent):
        identified(2, 3, residual=Assessment(3, 3))

    risk = identified(4, 4, residual=Assessment(2, 2))
    assert risk.rating is Rating.LOW  # the residual is the rating that stands
    with pytest.raises(ResidualAboveInherent):
        risk.reassess(Assessment(1, 3), risk.residual)


def test_the_review_interval_defaults_by_rating_and_is_bounded():
    assert identified(5, 5).review_interval_days == 30
    assert identified(1, 1).review_interval_days == 365
    assert identified(1, 1).review_date == TODAY + timedelta(days=365)
    assert identified(review_interval_days=14).review_date == TODAY + timedelta(days=14)
    with pytest.raises(ValidationFailed):
        identified(review_interval_days=731)


def test_a_treated_risk_needs_a_treatment_other_than_accept_its_plan_and_a_residual():
    risk = identified()
    with pytest.raises(TreatmentIncomplete):
        risk.change_status(RiskStatus.TREATED, NOW)
    risk.treatment, risk.treatment_plan = Treatment.ACCEPT, "Live with it"
    with pytest.raises(TreatmentIncomplete):
        risk.change_status(RiskStatus.TREATED, NOW)
    risk.treatment = Treatment.MITIGATE
    with pytest.raises(TreatmentIncomplete):
        risk.change_status(RiskStatus.TREATED, NOW)  # no residual rating yet
    risk.reassess(risk.inherent, Assessment(2, 2))

    risk.change_status(RiskStatus.TREATED, NOW)

    assert risk.status is RiskStatus.TREATED


def test_an_accepted_risk_needs_treatment_accept_and_a_residual():
    risk = identified(residual=Assessment(2, 2), treatment=Treatment.TRANSFER)
    with pytest.raises(TreatmentIncomplete):
        risk.change_status(RiskStatus.ACCEPTED, NOW)
    risk.treatment = Treatment.ACCEPT

    risk.change_status(RiskStatus.ACCEPTED, NOW)

    assert risk.status is RiskStatus.ACCEPTED


def test_a_closed_risk_is_final():
    risk = identified()
    risk.change_status(RiskStatus.CLOSED, NOW)

    assert risk.closed_at == NOW and not risk.overdue(TODAY + timedelta(days=9999))
    for act in (
        lambda: risk.change_status(RiskStatus.OPEN, NOW),
        lambda: risk.edit(NOW),
        lambda: risk.review(by=STAFF, at=NOW, today=TODAY, note="late", inherent=None, residual=None),
    ):
        with pytest.raises(InvalidRiskTransition):
            act()


def test_a_review_records_before_and_after_and_moves_the_date_from_today():
    risk = identified(4, 4, review_interval_days=90, review_date=date(2026, 1, 1))
    assert risk.overdue(TODAY)
    later = TODAY + timedelta(days=3)

    review = risk.review(
        by=STAFF, at=NOW, today=later, note="Chains verified", inherent=None, residual=Assessment(1, 4)
    )

    assert review.review_date_before == date(2026, 1, 1)
    assert review.review_date_after == risk.review_date == later + timedelta(days=90)
    assert review.before["residual_score"] is None and review.after["residual_score"] == 4
    assert risk.last_reviewed_at == NOW and not risk.overdue(later)


def test_a_review_cannot_leave_a_treated_risk_inconsistent():
    risk = identified(
        4, 4, residual=Assessment(2, 2), treatment=Treatment.MITIGATE, treatment_plan="3-D Secure"
    )
    risk.change_status(RiskStatus.TREATED, NOW)
    risk.treatment_plan = None

    with pytest.raises(TreatmentIncomplete):
        risk.review(by=STAFF, at=NOW, today=TODAY, note="Plan dropped", inherent=None, residual=None)
