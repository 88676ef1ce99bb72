"""Role administration asks the policy engine: with the business-hours policy on, a role
change on a Saturday or a Namibian public holiday (Windhoek time) is refused unless it
carries an emergency reason, which lets it through, audits it and raises an alert."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import datetime

import pytest
from sqlalchemy import text

from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.roles import RoleAdministration
from elcorp.governance.infrastructure.calendar import CountryHolidayCalendar
from elcorp.governance.infrastructure.unit_of_work import SqlGovernanceUnitOfWork
from elcorp.main import create_app
from support.audit import audit_entries
from support.containers import replacing
from support.identity import signed_in, staff_with_mfa

ROLES = "/api/v1/roles"
SATURDAY = datetime.fromisoformat("2026-05-02T10:00:00+02:00")
TUESDAY = datetime.fromisoformat("2026-05-05T10:00:00+02:00")
HEROES_DAY = datetime.fromisoformat("2026-08-26T09:30:00+02:00")  # a Wednesday


@dataclasses.dataclass
class FixedClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock():
    return FixedClock(TUESDAY)


@pytest.fixture
def app(container, clock):
    """The application with the policy engine reading `clock` instead of the wall clock."""
    uow = lambda: SqlGovernanceUnitOfWork(container.session_factory)  # noqa: E731
    settings = container.settings
    policies = PolicyAdministration(
        uow,
        container.access,
        container.users,
        holidays=CountryHolidayCalendar(settings.BUSINESS_HOLIDAYS_COUNTRY, settings.BUSINESS_HOLIDAYS_EXTRA),
        clock=clock,
    )
    roles = RoleAdministration(uow, container.access, container.users, gate=policies)
    return create_app(container=replacing(container, policies=policies, roles=roles))


@pytest.fixture
def admin(client, container):
    admin = staff_with_mfa(client, container, "admin")
    response = client.put("/api/v1/policies/business_hours", headers=admin.auth, json={"enabled": True})
    assert response.status_code == 200, response.get_json()
    return admin


def assign(client, admin, user, reason: str | None = None):
    headers = {**admin.auth, **({"X-Emergency-Reason": reason} if reason else {})}
    return client.put(f"/api/v1/users/{user.id}/roles", headers=headers, json={"roles": ["user", "staff"]})


def test_role_changes_inside_business_hours_pass(client, container, admin, clock):
    user = signed_in(client)
    clock.moment = TUESDAY
    assert assign(client, admin, user).status_code == 200
    assert audit_entries(container, "policy.denied") == []


@pytest.mark.parametrize(
    ("moment", "why"), [(SATURDAY, "not a business day"), (HEROES_DAY, "public holiday")]
)
def test_role_changes_outside_business_hours_are_refused_and_change_nothing(
    client, container, admin, clock, moment, why
):
    user = signed_in(client)
    clock.moment = moment
    refused = assign(client, admin, user)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "ACC_001"
    assert why in refused.get_json()["error"]["message"]
    created = client.post(ROLES, headers=admin.auth, json={"name": "weekend-role", "permissions": []})
    assert created.status_code == 403
    with container.session_factory() as session:
        roles = session.execute(
            text("SELECT r.name FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = :u"),
            {"u": user.id},
        ).scalars()
        assert sorted(roles) == ["user"]
        assert session.execute(text("SELECT count(*) FROM role WHERE name = 'weekend-role'")).scalar() == 0
    denied = audit_entries(container, "policy.denied")
    assert len(denied) == 2
    assert denied[0]["changes"]["after"]["action"] == "role:manage"
    assert denied[0]["resource_type"] == "user" and denied[0]["resource_id"] == user.id


def test_an_emergency_reason_lets_a_weekend_change_through_with_an_alert(
    client, container, admin, clock, caplog
):
    user = signed_in(client)
    clock.moment = SATURDAY
    with caplog.at_level(logging.WARNING, logger="elcorp.governance.application.policies"):
        response = assign(client, admin, user, reason="Branch manager suspended, cover needed today")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["roles"] == ["staff", "user"]
    emergency = audit_entries(container, "policy.emergency_access")
    assert len(emergency) == 1
    assert emergency[0]["reason"] == "Branch manager suspended, cover needed today"
    assert emergency[0]["actor_id"] == admin.id
    assert any("policy.emergency_access" in r.getMessage() for r in caplog.records)
    with container.session_factory() as session:
        events = session.execute(
            text("SELECT payload FROM outbox_message WHERE event_type = 'governance.EmergencyAccessUsed'")
        ).scalars()
        assert [e["user_id"] for e in events] == [admin.id]
    assert len(audit_entries(container, "user.roles_assigned")) == 1


def test_an_overlong_emergency_reason_is_a_422_naming_the_header(client, admin, clock):
    user = signed_in(client)
    clock.moment = SATURDAY
    response = assign(client, admin, user, reason="x" * 501)
    assert response.status_code == 422
    assert response.get_json()["status"] == "validation_error"
    assert response.get_json()["error"]["details"][0]["field"] == "X-Emergency-Reason"


def test_a_saturday_refusal_gives_the_policys_reason_and_the_header_to_override_it(client, admin, clock):
    user = signed_in(client)
    clock.moment = SATURDAY
    refused = assign(client, admin, user)
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "ACC_001"
    assert error["message"] == (
        "Role change refused: allowed only in business hours (Mon-Fri 08:00-17:00 Africa/Windhoek, "
        "not on public holidays); sat 2026-05-02 10:00 Africa/Windhoek is not a business day; "
        "send the X-Emergency-Reason header to override"
    )
    assert "Missing permission" not in error["message"]
    (hint,) = error["details"]
    assert hint["header"] == "X-Emergency-Reason" and "business hours" in hint["message"]
    for method, path, body in (
        ("post", ROLES, {"name": "weekend-role", "permissions": []}),
        ("delete", f"{ROLES}/{uuid.uuid4()}", None),
    ):
        other = getattr(client, method)(path, headers=admin.auth, json=body)
        assert other.status_code == 403 and other.get_json()["error"]["details"] == error["details"]
    passed = assign(client, admin, user, reason="Branch manager suspended, cover needed today")
    assert passed.status_code == 200, passed.get_json()
    assert passed.get_json()["data"] == {"user_id": user.id, "roles": ["staff", "user"]}
