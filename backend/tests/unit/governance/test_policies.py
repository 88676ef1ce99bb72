"""PBAC: each built-in policy, its stored parameters, and the engine's verdict and trace."""

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from elcorp.governance.domain.policies import (
    AmountThresholdParams,
    AmountThresholdPolicy,
    BusinessHoursParams,
    BusinessHoursPolicy,
    Classification,
    DataClassificationParams,
    DataClassificationPolicy,
    Decision,
    Effect,
    FixedHolidayCalendar,
    OrganizationScopeParams,
    OrganizationScopePolicy,
    OwnershipParams,
    OwnershipPolicy,
    PermissionScope,
    PolicyContext,
    PolicyDenied,
    PolicyEngine,
    PolicyKind,
    Resource,
    SegregationOfDutiesParams,
    SegregationOfDutiesPolicy,
    Subject,
    build_policy,
)
from elcorp.governance.domain.rbac import DEFAULT_GRANTS, Grants, Scope
from elcorp.shared.domain.clock import WINDHOEK
from elcorp.shared.domain.errors import ValidationFailed

ALICE, BOB = uuid.uuid4(), uuid.uuid4()
ORG_A, ORG_B = uuid.uuid4(), uuid.uuid4()
MONDAY_NOON_UTC = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # Monday 12:00 in Windhoek


def subject(
    user: uuid.UUID = ALICE,
    roles: tuple[str, ...] = ("user",),
    org: uuid.UUID | None = None,
    **permissions: PermissionScope,
) -> Subject:
    return Subject(user, frozenset(roles), {k.replace("__", ":"): v for k, v in permissions.items()}, org)


def context(
    who: Subject,
    action: str = "payment:create",
    at: datetime = MONDAY_NOON_UTC,
    emergency: str | None = None,
    **resource: object,
) -> PolicyContext:
    return PolicyContext(who, action, Resource("payment", uuid.uuid4(), **resource), at, emergency)  # type: ignore[arg-type]


def effect(decision: Decision) -> Effect:
    return decision.effect


# --------------------------------------------------------------------------- context


def test_context_requires_an_aware_time_and_keeps_it_in_utc():
    with pytest.raises(ValidationFailed):
        context(subject(), at=datetime(2025, 3, 3, 10, 0))  # noqa: DTZ001 - the point of the test
    local = datetime(2025, 3, 3, 12, 0, tzinfo=WINDHOEK)
    assert context(subject(), at=local).at == MONDAY_NOON_UTC
    assert context(subject(), at=local).at.tzinfo is UTC


def test_context_rejects_an_action_that_is_not_a_permission_name():
    with pytest.raises(ValidationFailed):
        context(subject(), action="approve everything")


def test_blank_emergency_reason_counts_as_none():
    assert context(subject(), emergency="   ").emergency_reason is None


def test_resource_amount_must_be_a_decimal():
    with pytest.raises(ValidationFailed):
        Resource("payment", amount=10.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        Resource("payment", amount=Decimal("Infinity"))


def test_unknown_classification_or_scope_is_a_validation_error():
    with pytest.raises(ValidationFailed):
        Resource("payment", classification="secret")  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        Subject(ALICE, permissions={"payment:create": "everywhere"})  # type: ignore[dict-item]


def test_emergency_reason_is_bounded():
    with pytest.raises(ValidationFailed):
        context(subject(), emergency="x" * 501)


def test_subject_from_rbac_grants_maps_scopes():
    grants = Grants(frozenset({"user"}), dict(DEFAULT_GRANTS["user"]))
    who = Subject.from_grants(ALICE, grants)
    assert who.scope_of("user:read") is PermissionScope.OWN
    assert who.roles == frozenset({"user"})
    staff = Subject.from_grants(BOB, Grants(frozenset({"staff"}), {"payment:approve": Scope.ALL}), ORG_A)
    assert staff.scope_of("payment:approve") is PermissionScope.ALL
    assert staff.organization_id == ORG_A


# --------------------------------------------------------------------------- ownership


def test_ownership_allows_the_owner():
    decision = OwnershipPolicy().evaluate(
        context(subject(payment__create=PermissionScope.OWN), owner_id=ALICE)
    )
    assert decision.effect is Effect.ALLOW
    assert decision.policy == "ownership"


def test_ownership_denies_someone_else_with_an_own_scoped_grant():
    decision = OwnershipPolicy().evaluate(context(subject(payment__create=PermissionScope.OWN), owner_id=BOB))
    assert decision.effect is Effect.DENY
    assert "someone else" in decision.reason


def test_ownership_allows_a_global_grant_on_anyones_resource():
    who = subject(roles=("staff",), payment__create=PermissionScope.ALL)
    assert OwnershipPolicy().evaluate(context(who, owner_id=BOB)).effect is Effect.ALLOW


def test_ownership_leaves_organization_scoped_grants_to_the_organization_rule():
    who = subject(roles=("staff",), payment__create=PermissionScope.ORGANIZATION)
    assert OwnershipPolicy().evaluate(context(who, owner_id=BOB)).effect is Effect.NOT_APPLICABLE


def test_ownership_is_not_applicable_without_an_owner_or_outside_its_actions():
    who = subject(payment__create=PermissionScope.OWN)
    assert OwnershipPolicy().evaluate(context(who)).effect is Effect.NOT_APPLICABLE
    scoped = OwnershipPolicy(OwnershipParams(frozenset({"user:read"})))
    assert scoped.evaluate(context(who, owner_id=BOB)).effect is Effect.NOT_APPLICABLE


# --------------------------------------------------------------------------- organization scope


def test_organization_scope_allows_staff_inside_their_organization():
    who = subject(roles=("staff",), org=ORG_A, payment__approve=PermissionScope.ORGANIZATION)
    decision = OrganizationScopePolicy().evaluate(context(who, "payment:approve", organization_id=ORG_A))
    assert decision.effect is Effect.ALLOW


def test_organization_scope_denies_staff_in_another_organization():
    who = subject(roles=("staff",), org=ORG_A, payment__approve=PermissionScope.ORGANIZATION)
    decision = OrganizationScopePolicy().evaluate(context(who, "payment:approve", organization_id=ORG_B))
    assert decision.effect is Effect.DENY
    assert "another organization" in decision.reason


def test_organization_scope_allows_a_global_grant_across_organizations():
    who = subject(roles=("staff",), org=ORG_A, payment__approve=PermissionScope.ALL)
    assert (
        OrganizationScopePolicy().evaluate(context(who, "payment:approve", organization_id=ORG_B)).effect
        is Effect.ALLOW
    )


def test_organization_scope_denies_staff_without_an_organization():
    who = subject(roles=("staff",), payment__approve=PermissionScope.ORGANIZATION)
    assert (
        OrganizationScopePolicy().evaluate(context(who, "payment:approve", organization_id=ORG_B)).effect
        is Effect.DENY
    )


def test_organization_scope_ignores_other_roles_unowned_resources_and_other_actions():
    customer = subject(roles=("user",), org=ORG_A, payment__create=PermissionScope.OWN)
    staff = subject(roles=("staff",), org=ORG_A, payment__create=PermissionScope.ORGANIZATION)
    policy = OrganizationScopePolicy()
    assert policy.evaluate(context(customer, organization_id=ORG_B)).effect is Effect.NOT_APPLICABLE
    assert policy.evaluate(context(staff)).effect is Effect.NOT_APPLICABLE
    narrow = OrganizationScopePolicy(OrganizationScopeParams(frozenset({"user:read"})))
    assert narrow.evaluate(context(staff, organization_id=ORG_B)).effect is Effect.NOT_APPLICABLE
    everyone = OrganizationScopePolicy(OrganizationScopeParams(roles=frozenset()))
    assert everyone.evaluate(context(customer, organization_id=ORG_B)).effect is Effect.DENY


# --------------------------------------------------------------------------- amount threshold

THRESHOLDS = AmountThresholdParams(
    frozenset({"payment:create"}), {"NAD": Decimal("50000"), "usd": Decimal("2500")}, "payment:approve"
)


@pytest.mark.parametrize(
    ("amount", "currency", "approval"),
    [
        ("50000", "NAD", False),  # at the threshold: no approval
        ("50000.01", "NAD", True),  # above it
        ("2500", "USD", False),
        ("2500.00000001", "usd", True),  # currency codes are case-insensitive
        ("1", "EUR", True),  # no threshold for EUR: fail closed
        ("1", None, True),  # unknown currency: fail closed
    ],
)
def test_amount_threshold_requires_approval_above_the_threshold(
    amount: str, currency: str | None, approval: bool
) -> None:
    decision = AmountThresholdPolicy(THRESHOLDS).evaluate(
        context(subject(), amount=Decimal(amount), currency=currency)
    )
    assert decision.effect is Effect.ALLOW
    assert decision.approval_required is approval
    assert decision.required_permission == ("payment:approve" if approval else None)


def test_amount_threshold_is_not_applicable_without_amount_or_for_other_actions():
    policy = AmountThresholdPolicy(THRESHOLDS)
    assert policy.evaluate(context(subject())).effect is Effect.NOT_APPLICABLE
    other = context(subject(), "user:read", amount=Decimal(10**9), currency="NAD")
    assert policy.evaluate(other).effect is Effect.NOT_APPLICABLE


# --------------------------------------------------------------------------- segregation of duties

SOD = SegregationOfDutiesPolicy(SegregationOfDutiesParams(frozenset({"payment:approve"})))


def test_segregation_of_duties_denies_the_maker_as_checker():
    decision = SOD.evaluate(context(subject(ALICE), "payment:approve", maker_id=ALICE))
    assert decision.effect is Effect.DENY
    assert "maker" in decision.reason


def test_segregation_of_duties_allows_another_checker():
    assert SOD.evaluate(context(subject(BOB), "payment:approve", maker_id=ALICE)).effect is Effect.ALLOW


def test_segregation_of_duties_denies_when_the_maker_is_unknown():
    assert SOD.evaluate(context(subject(BOB), "payment:approve")).effect is Effect.DENY


def test_segregation_of_duties_ignores_maker_actions():
    assert (
        SOD.evaluate(context(subject(ALICE), "payment:create", maker_id=ALICE)).effect
        is Effect.NOT_APPLICABLE
    )


# --------------------------------------------------------------------------- business hours

INDEPENDENCE_DAY = date(2025, 3, 21)  # a Friday
HOURS = BusinessHoursPolicy(
    BusinessHoursParams(frozenset({"payment:approve"})), FixedHolidayCalendar(frozenset({INDEPENDENCE_DAY}))
)


def hours(at: datetime, emergency: str | None = None) -> Decision:
    return HOURS.evaluate(context(subject(), "payment:approve", at=at, emergency=emergency))


def windhoek(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=WINDHOEK)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (windhoek(2025, 3, 3, 12, 0), Effect.ALLOW),  # Monday noon
        (windhoek(2025, 3, 7, 12, 0), Effect.ALLOW),  # Friday noon
        (windhoek(2025, 3, 8, 12, 0), Effect.DENY),  # Saturday
        (windhoek(2025, 3, 9, 12, 0), Effect.DENY),  # Sunday
        (windhoek(2025, 3, 21, 12, 0), Effect.DENY),  # Independence Day, a Friday
        (windhoek(2025, 3, 3, 8, 0), Effect.ALLOW),  # opening time is inside
        (windhoek(2025, 3, 3, 7, 59, 59), Effect.DENY),  # a second before opening
        (windhoek(2025, 3, 3, 16, 59, 59), Effect.ALLOW),  # a second before closing
        (windhoek(2025, 3, 3, 17, 0), Effect.DENY),  # closing time is outside
        (windhoek(2025, 7, 7, 12, 0), Effect.ALLOW),  # July: no daylight saving in Windhoek
    ],
)
def test_business_hours_in_windhoek_local_time(moment: datetime, expected: Effect) -> None:
    assert hours(moment).effect is expected


def test_business_hours_read_windhoek_time_not_utc():
    # 06:30 UTC is 08:30 in Windhoek (UTC+2): open, though the UTC hour is before 08:00.
    assert hours(datetime(2025, 3, 3, 6, 30, tzinfo=UTC)).effect is Effect.ALLOW
    # 15:30 UTC is 17:30 in Windhoek: closed, though the UTC hour is before 17:00.
    assert hours(datetime(2025, 3, 3, 15, 30, tzinfo=UTC)).effect is Effect.DENY
    # Friday 22:30 UTC is already Saturday in Windhoek.
    assert hours(datetime(2025, 3, 7, 22, 30, tzinfo=UTC)).effect is Effect.DENY
    # Thursday 22:30 UTC is Friday 00:30 on Independence Day in Windhoek.
    assert "holiday" in hours(datetime(2025, 3, 20, 22, 30, tzinfo=UTC)).reason
    # Windhoek is UTC+2 in summer and winter alike.
    for month in (1, 7):
        assert datetime(2025, month, 6, 12, tzinfo=WINDHOEK).utcoffset() == timedelta(hours=2)


def test_business_hours_compare_the_instant_whatever_offset_it_is_given_in():
    new_york_morning = datetime(2025, 3, 3, 2, 0, tzinfo=timezone(timedelta(hours=-5)))  # 09:00 Windhoek
    assert hours(new_york_morning).effect is Effect.ALLOW


def test_business_hours_emergency_access_is_allowed_with_an_alert():
    decision = hours(windhoek(2025, 3, 8, 23, 0), emergency="fraud in progress, INC-42")
    assert decision.effect is Effect.ALLOW
    assert decision.alert is True
    assert "INC-42" in decision.reason
    assert hours(windhoek(2025, 3, 3, 12, 0), emergency="not needed").alert is False


def test_business_hours_denial_says_why_and_that_an_emergency_reason_would_pass_it():
    decision = hours(windhoek(2025, 3, 8, 12, 0))
    assert decision.reason == (
        "allowed only in business hours (Mon-Fri 08:00-17:00 Africa/Windhoek, not on public holidays); "
        "sat 2025-03-08 12:00 Africa/Windhoek is not a business day"
    )
    assert decision.emergency_override is True
    assert decision.to_dict()["emergency_override"] is True
    assert hours(windhoek(2025, 3, 3, 12, 0)).emergency_override is False


@pytest.mark.parametrize(
    ("weekdays", "start", "end", "expected"),
    [
        (frozenset({5, 6}), 9, 13, "Sat, Sun 09:00-13:00"),
        (frozenset({0, 2, 3, 4}), 0, 24, "Mon, Wed-Fri 00:00-24:00"),
        (frozenset(range(7)), 8, 17, "Mon-Sun 08:00-17:00"),
    ],
)
def test_business_hours_window_in_words(
    weekdays: frozenset[int], start: int, end: int, expected: str
) -> None:
    params = BusinessHoursParams(frozenset({"payment:approve"}), weekdays, start_hour=start, end_hour=end)
    assert params.window == f"{expected} Africa/Windhoek, not on public holidays"


def test_business_hours_are_configurable():
    params = BusinessHoursParams(frozenset({"payment:approve"}), frozenset({5}), start_hour=9, end_hour=24)
    policy = BusinessHoursPolicy(params)
    at = windhoek(2025, 3, 8, 23, 30)  # Saturday late evening
    assert policy.evaluate(context(subject(), "payment:approve", at=at)).effect is Effect.ALLOW
    assert policy.evaluate(context(subject(), "payment:create", at=at)).effect is Effect.NOT_APPLICABLE


def test_holiday_calendar_is_a_plain_set_of_dates():
    calendar = FixedHolidayCalendar(frozenset({INDEPENDENCE_DAY}))
    assert calendar.is_holiday(INDEPENDENCE_DAY)
    assert not calendar.is_holiday(date(2025, 3, 20))


# --------------------------------------------------------------------------- data classification


@pytest.mark.parametrize("level", [Classification.CONFIDENTIAL, Classification.RESTRICTED])
def test_classified_data_needs_the_admin_role(level: Classification) -> None:
    policy = DataClassificationPolicy()
    assert policy.evaluate(context(subject(roles=("staff",)), classification=level)).effect is Effect.DENY
    assert policy.evaluate(context(subject(roles=("admin",)), classification=level)).effect is Effect.ALLOW


def test_classified_data_is_open_to_a_configured_permission():
    policy = DataClassificationPolicy(DataClassificationParams(permission="audit:view"))
    who = subject(roles=("staff",), audit__view=PermissionScope.ALL)
    assert policy.evaluate(context(who, classification="restricted")).effect is Effect.ALLOW


@pytest.mark.parametrize("level", ["public", "internal"])
def test_unclassified_data_is_not_this_policys_business(level: str) -> None:
    assert DataClassificationPolicy().evaluate(context(subject(), classification=level)).effect is (
        Effect.NOT_APPLICABLE
    )


# --------------------------------------------------------------------------- stored parameters


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (PolicyKind.OWNERSHIP, {"actions": ["payment:create"]}),
        (PolicyKind.ORGANIZATION_SCOPE, {"actions": [], "roles": ["staff"]}),
        (
            PolicyKind.AMOUNT_THRESHOLD,
            {
                "actions": ["payment:create"],
                "thresholds": {"NAD": "50000", "USD": "2500.50"},
                "approval_permission": "payment:approve",
            },
        ),
        (PolicyKind.SEGREGATION_OF_DUTIES, {"actions": ["payment:approve"]}),
        (
            PolicyKind.BUSINESS_HOURS,
            {
                "actions": ["payment:approve"],
                "weekdays": ["mon", "tue", "wed", "thu", "fri"],
                "start_hour": 8,
                "end_hour": 17,
                "timezone": "Africa/Windhoek",
            },
        ),
        (
            PolicyKind.DATA_CLASSIFICATION,
            {"levels": ["confidential", "restricted"], "roles": ["admin"], "permission": None},
        ),
    ],
)
def test_params_round_trip_through_json(kind: PolicyKind, params: dict[str, object]) -> None:
    policy = build_policy(kind.value, params)
    assert policy.name == kind.value
    assert policy.params.to_dict() == params  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("ownership", {"actions": "payment:create"}, "actions"),
        ("ownership", {"action": ["payment:create"]}, "action"),
        ("ownership", ["payment:create"], "params"),
        ("ownership", {"actions": ["payments"]}, "actions"),
        ("amount_threshold", {"actions": ["payment:create"], "thresholds": {"NAD": 10.5}}, "thresholds.NAD"),
        (
            "amount_threshold",
            {
                "actions": ["payment:create"],
                "thresholds": {"NAD": "ten"},
                "approval_permission": "payment:approve",
            },
            "thresholds.NAD",
        ),
        (
            "amount_threshold",
            {
                "actions": ["payment:create"],
                "thresholds": {"NAD": "-1"},
                "approval_permission": "payment:approve",
            },
            "thresholds.NAD",
        ),
        (
            "amount_threshold",
            {
                "actions": ["payment:create"],
                "thresholds": {"NA": "1"},
                "approval_permission": "payment:approve",
            },
            "thresholds.NA",
        ),
        ("amount_threshold", {"actions": ["payment:create"], "thresholds": {}}, "approval_permission"),
        ("segregation_of_duties", {"actions": []}, "actions"),
        ("business_hours", {"actions": ["payment:approve"], "weekdays": ["funday"]}, "weekdays"),
        ("business_hours", {"actions": ["payment:approve"], "weekdays": []}, "weekdays"),
        ("business_hours", {"actions": ["payment:approve"], "start_hour": 17, "end_hour": 8}, "end_hour"),
        ("business_hours", {"actions": ["payment:approve"], "end_hour": 25}, "end_hour"),
        ("business_hours", {"actions": ["payment:approve"], "start_hour": "8"}, "start_hour"),
        ("business_hours", {"actions": ["payment:approve"], "start_hour": True}, "start_hour"),
        ("business_hours", {"actions": ["payment:approve"], "timezone": "Mars/Olympus"}, "timezone"),
        ("data_classification", {"levels": ["secret"]}, "levels"),
        ("data_classification", {"roles": [], "permission": None}, "roles"),
        ("no_such_policy", {}, "kind"),
    ],
)
def test_invalid_params_raise_a_validation_error_naming_the_field(
    kind: str, params: object, field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        build_policy(kind, params)
    assert field in {item["field"] for item in caught.value.details}


def test_params_report_every_problem_at_once():
    with pytest.raises(ValidationFailed) as caught:
        BusinessHoursParams.from_dict({"actions": "x", "start_hour": "8", "colour": "red"})
    assert {item["field"] for item in caught.value.details} == {"actions", "start_hour", "colour"}


def test_params_are_immutable():
    with pytest.raises(TypeError):
        THRESHOLDS.thresholds["NAD"] = Decimal(0)  # type: ignore[index]


def test_build_policy_passes_the_holiday_calendar_and_a_custom_name():
    calendar = FixedHolidayCalendar(frozenset({date(2025, 3, 3)}))
    policy = build_policy(
        "business_hours", {"actions": ["payment:approve"]}, name="treasury_hours", holidays=calendar
    )
    decision = policy.evaluate(context(subject(), "payment:approve"))
    assert decision.effect is Effect.DENY
    assert decision.policy == "treasury_hours"


# --------------------------------------------------------------------------- the engine


def engine() -> PolicyEngine:
    return PolicyEngine(
        [
            OwnershipPolicy(),
            OrganizationScopePolicy(),
            AmountThresholdPolicy(THRESHOLDS),
            SOD,
            HOURS,
            DataClassificationPolicy(),
        ]
    )


def test_engine_denies_by_default_without_an_rbac_grant():
    evaluation = engine().evaluate(context(subject(), "report:generate", classification="public"))
    assert evaluation.allowed is False
    assert evaluation.trace[0] == Decision.deny("rbac", "no role grants report:generate")
    assert all(d.effect is Effect.NOT_APPLICABLE for d in evaluation.trace[1:])


def test_engine_denies_without_rbac_even_when_a_policy_allows():
    evaluation = engine().evaluate(context(subject(), "payment:create", owner_id=ALICE))
    assert [d.effect for d in evaluation.trace[:2]] == [Effect.DENY, Effect.ALLOW]
    assert evaluation.allowed is False


def test_engine_allows_an_rbac_grant_no_policy_denies():
    evaluation = PolicyEngine().evaluate(context(subject(payment__create=PermissionScope.OWN)))
    assert evaluation.allowed is True
    assert evaluation.reason == "allowed"
    assert [d.policy for d in evaluation.trace] == ["rbac"]


def test_engine_returns_the_full_trace_in_order_and_any_deny_wins():
    who = subject(BOB, roles=("staff",), org=ORG_A, payment__approve=PermissionScope.ORGANIZATION)
    evaluation = engine().evaluate(
        context(
            who,
            "payment:approve",
            at=windhoek(2025, 3, 8, 12, 0),  # Saturday
            owner_id=ALICE,
            organization_id=ORG_A,
            maker_id=ALICE,
        )
    )
    assert [d.policy for d in evaluation.trace] == [
        "rbac",
        "ownership",
        "organization_scope",
        "amount_threshold",
        "segregation_of_duties",
        "business_hours",
        "data_classification",
    ]
    assert [d.effect for d in evaluation.trace] == [
        Effect.ALLOW,
        Effect.NOT_APPLICABLE,
        Effect.ALLOW,
        Effect.NOT_APPLICABLE,
        Effect.ALLOW,
        Effect.DENY,
        Effect.NOT_APPLICABLE,
    ]
    assert evaluation.allowed is False
    assert [d.policy for d in evaluation.denials] == ["business_hours"]
    assert evaluation.reason.startswith("business_hours: ")


def test_engine_keeps_evaluating_after_a_deny():
    who = subject(ALICE, roles=("staff",), org=ORG_A, payment__approve=PermissionScope.ORGANIZATION)
    evaluation = engine().evaluate(
        context(who, "payment:approve", at=windhoek(2025, 3, 8, 12, 0), organization_id=ORG_B, maker_id=ALICE)
    )
    assert [d.policy for d in evaluation.denials] == [
        "organization_scope",
        "segregation_of_duties",
        "business_hours",
    ]


def test_a_refusal_carries_the_deciding_policies_reasons_and_whether_an_emergency_would_pass_it():
    checker = subject(BOB, roles=("staff",), org=ORG_A, payment__approve=PermissionScope.ALL)
    weekend = engine().evaluate(
        context(checker, "payment:approve", at=windhoek(2025, 3, 8, 12, 0), maker_id=ALICE)
    )
    assert weekend.emergency_override is True
    assert weekend.to_dict()["emergency_override"] is True
    refusal = weekend.refusal()
    assert isinstance(refusal, PolicyDenied) and refusal.code == "ACC_001" and refusal.status == 403
    assert refusal.emergency_override is True
    assert refusal.reasons == weekend.denials[0].reason
    assert refusal.message.startswith("Allowed only in business hours (Mon-Fri 08:00-17:00 Africa/Windhoek")
    # A deny an emergency reason cannot lift (the maker checking their own payment) is not overridable.
    own = engine().evaluate(context(checker, "payment:approve", at=windhoek(2025, 3, 8, 12, 0), maker_id=BOB))
    assert [d.policy for d in own.denials] == ["segregation_of_duties", "business_hours"]
    assert own.emergency_override is False and own.refusal().emergency_override is False
    assert own.refusal().message.startswith("The maker may not also be the checker; allowed only")
    assert engine().evaluate(context(checker, "payment:approve", maker_id=ALICE)).emergency_override is False


def test_engine_carries_approval_and_alert_obligations_when_allowed():
    maker = subject(ALICE, payment__create=PermissionScope.OWN)
    big = engine().evaluate(context(maker, owner_id=ALICE, amount=Decimal("75000"), currency="NAD"))
    assert big.allowed is True
    assert big.approval_required is True
    assert big.approval_permissions == frozenset({"payment:approve"})
    checker = subject(BOB, roles=("staff",), org=ORG_A, payment__approve=PermissionScope.ALL)
    night = engine().evaluate(
        context(checker, "payment:approve", at=windhoek(2025, 3, 4, 2, 0), emergency="INC-7", maker_id=ALICE)
    )
    assert night.allowed is True
    assert night.alert is True
    assert night.to_dict()["alert"] is True
    assert len(night.to_dict()["trace"]) == 7  # type: ignore[arg-type]


def test_obligations_are_not_reported_on_a_denial():
    evaluation = engine().evaluate(context(subject(), amount=Decimal("75000"), currency="NAD"))
    assert evaluation.allowed is False
    assert evaluation.approval_required is False
    assert evaluation.approval_permissions == frozenset()


def test_engine_refuses_duplicate_policy_names():
    with pytest.raises(ValidationFailed):
        PolicyEngine([OwnershipPolicy(), OwnershipPolicy()])
    with pytest.raises(ValidationFailed):
        PolicyEngine([OwnershipPolicy(name="rbac")])
