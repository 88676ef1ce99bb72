"""The organization domain: names and reference numbers, status transitions, who may change
an organization, the last org_admin, team membership. No I/O."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from elcorp.governance.domain.organizations import (
    Membership,
    Organization,
    OrganizationStatus,
    OrgRole,
    Standing,
    Team,
    clean_name,
    clean_reference,
    ensure_an_org_admin_remains,
    ensure_manager,
    ensure_team_member_belongs,
    standing_of,
)
from elcorp.shared.domain.errors import AccessDenied, Conflict, NotFound, ValidationFailed

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def organization(**overrides: object) -> Organization:
    org = Organization.register(name="Namib Logistics", registration_number=None, vat_number=None, now=NOW)
    return replace(org, **overrides)


def field_of(failed: pytest.ExceptionInfo[ValidationFailed]) -> str:
    return str(failed.value.details[0]["field"])


# -- names and numbers ------------------------------------------------------------------------
def test_a_name_is_trimmed_and_two_to_two_hundred_characters():
    assert clean_name("  Windhoek Motors ") == "Windhoek Motors"
    assert clean_name("ab") == "ab"
    assert len(clean_name("x" * 200)) == 200


@pytest.mark.parametrize("name", ["", "  ", "a", " a ", "x" * 201, "Tab\there", "Line\nbreak"])
def test_other_names_are_refused(name):
    with pytest.raises(ValidationFailed) as failed:
        clean_name(name)
    assert field_of(failed) == "name"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("cc/2015/01234", "CC/2015/01234"),
        (" 2019/0456 ", "2019/0456"),
        ("1234567", "1234567"),
        ("ab  12 - 3", "AB 12 - 3"),
        ("x" * 40, "X" * 40),
        (None, None),
    ],
)
def test_reference_numbers_are_stored_trimmed_and_upper_case(given, stored):
    assert clean_reference(given, "vat_number") == stored


@pytest.mark.parametrize("number", ["", "   ", "/2019", "-1", "12#34", "x" * 41, "12.34", "ü1"])
def test_other_reference_numbers_are_refused_naming_the_field(number):
    with pytest.raises(ValidationFailed) as failed:
        clean_reference(number, "registration_number")
    assert field_of(failed) == "registration_number"


def test_details_change_and_clear_but_a_name_cannot_be_cleared():
    org = organization(vat_number="111")
    changed = org.with_details(LATER, {"registration_number": "cc/1", "vat_number": None})
    assert (changed.name, changed.registration_number, changed.vat_number) == (
        "Namib Logistics",
        "CC/1",
        None,
    )
    assert changed.updated_at == LATER
    with pytest.raises(ValidationFailed):
        org.with_details(LATER, {"name": None})


# -- status -----------------------------------------------------------------------------------
def test_a_new_organization_is_active():
    assert organization().status is OrganizationStatus.ACTIVE


def test_suspension_is_reversible_and_closing_is_final():
    org = organization()
    suspended = org.suspend(LATER)
    assert suspended.status is OrganizationStatus.SUSPENDED
    assert suspended.reactivate(LATER).status is OrganizationStatus.ACTIVE
    assert suspended.close(LATER).status is OrganizationStatus.CLOSED
    closed = org.close(LATER)
    for verb in (closed.suspend, closed.reactivate, closed.close):
        with pytest.raises(Conflict) as failed:
            verb(LATER)
        assert failed.value.details == {"status": "closed"}


@pytest.mark.parametrize(("status", "verb"), [("active", "reactivate"), ("suspended", "suspend")])
def test_a_transition_from_the_wrong_state_is_a_conflict(status, verb):
    with pytest.raises(Conflict):
        getattr(organization(status=OrganizationStatus(status)), verb)(LATER)


# -- who may change what ----------------------------------------------------------------------
ORG = uuid.uuid4()
USER = uuid.uuid4()


def membership(org_id: uuid.UUID = ORG, role: OrgRole = OrgRole.MEMBER) -> Membership:
    return Membership(org_id, USER, role, NOW)


def test_standing_follows_the_grant_and_the_membership():
    assert standing_of(ORG, is_platform_manager=True, membership=None) is Standing.MANAGER
    assert standing_of(ORG, is_platform_manager=False, membership=membership(role=OrgRole.ORG_ADMIN)) is (
        Standing.ADMIN
    )
    assert standing_of(ORG, is_platform_manager=False, membership=membership()) is Standing.MEMBER
    scoped = standing_of(ORG, is_platform_manager=False, membership=membership(), holds_scoped_manage=True)
    assert scoped is Standing.ADMIN


@pytest.mark.parametrize("member_of", [None, uuid.uuid4()])
def test_outsiders_are_told_the_organization_does_not_exist(member_of):
    found = None if member_of is None else membership(member_of, OrgRole.ORG_ADMIN)
    with pytest.raises(NotFound):
        standing_of(ORG, is_platform_manager=False, membership=found, holds_scoped_manage=True)


def test_an_active_organization_is_changed_by_managers_and_admins_not_members():
    org = organization()
    org.ensure_changeable_by(Standing.MANAGER)
    org.ensure_changeable_by(Standing.ADMIN)
    with pytest.raises(AccessDenied):
        org.ensure_changeable_by(Standing.MEMBER)


def test_a_suspended_organization_is_changed_by_managers_only():
    org = organization(status=OrganizationStatus.SUSPENDED)
    org.ensure_changeable_by(Standing.MANAGER)
    with pytest.raises(Conflict):
        org.ensure_changeable_by(Standing.ADMIN)


def test_a_closed_organization_is_read_only_except_managers_releasing_members():
    org = organization(status=OrganizationStatus.CLOSED)
    for standing in Standing:
        with pytest.raises(Conflict):
            org.ensure_changeable_by(standing)
    org.ensure_member_removable_by(Standing.MANAGER)
    with pytest.raises(Conflict):
        org.ensure_member_removable_by(Standing.ADMIN)


def test_only_managers_change_status():
    ensure_manager(Standing.MANAGER)
    for standing in (Standing.ADMIN, Standing.MEMBER):
        with pytest.raises(AccessDenied):
            ensure_manager(standing)


def test_the_last_org_admin_stays():
    one, two = uuid.uuid4(), uuid.uuid4()
    ensure_an_org_admin_remains({one, two}, {two})
    ensure_an_org_admin_remains(set(), set())  # an organization created without one
    with pytest.raises(Conflict):
        ensure_an_org_admin_remains({one}, set())


# -- teams ------------------------------------------------------------------------------------
def test_a_team_member_must_belong_to_the_teams_organization():
    team = Team.form(ORG, name=" Dispatch ", description="  ", now=NOW)
    assert (team.name, team.description, team.members) == ("Dispatch", None, frozenset())
    ensure_team_member_belongs(team, membership())
    for other in (None, membership(uuid.uuid4())):
        with pytest.raises(ValidationFailed) as failed:
            ensure_team_member_belongs(team, other)
        assert field_of(failed) == "user_id"


def test_a_team_is_renamed_and_its_description_cleared():
    team = Team.form(ORG, name="Dispatch", description="Trucks", now=NOW)
    renamed = team.with_details({"name": "Logistics", "description": None})
    assert (renamed.name, renamed.description) == ("Logistics", None)
    assert team.with_details({}) == team
    with pytest.raises(ValidationFailed):
        team.with_details({"name": "x"})
    with pytest.raises(ValidationFailed):
        Team.form(ORG, name="Dispatch", description="x" * 1001, now=NOW)
