"""The authorization matrix (OWASP API1/API5, ASVS 8.2): every route of the app, called by
every kind of caller, gets the outcome its declaration promises.

Each view declares its access where it is defined: `@public`, `@authenticated` or
`@require_permission(...)`; a route with no declaration fails `test_every_route_declares_its_access`.
Expected outcomes are derived, not listed:
- `public`: nobody is refused (no 401/403) and nothing breaks (no 5xx);
- `require_permission(p, ...)`: anonymous 401; a permission the caller's session may not
  use without MFA 403 AUTH_006; one the caller does not hold 403 ACC_001; else allowed
  (any outcome but 401/403/5xx: a made-up id gives 404, an empty body 422), all computed
  from the caller's session grants by the platform's own RBAC rules;
- `authenticated`: anonymous 401, everyone else allowed, unless `AUTHENTICATED_EXCEPTIONS`
  below says which permission the use case itself checks.
The object-level rows at the end are the findings of the assessment, each against a real
object owned by somebody else.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from flask import Flask

from elcorp.bootstrap import bootstrap
from elcorp.governance.domain.rbac import Grants, Scope
from elcorp.main import container_of, create_app
from elcorp.shared.domain.money import Money
from support.authorization import ANONYMOUS, Caller, add_roles, headers_for, session_grants, stored_role
from support.governance import join, make_organization
from support.identity import register
from support.probe import probe_blueprint

API = "/api/v1"
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


# -- declarations -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Declaration:
    access: str  # "public" | "authenticated" | "permission"
    permissions: tuple[str, ...] = ()


def declaration_of(view: object) -> Declaration | None:
    """What the view (or any decorator layer around it) declares; None if nothing, or if
    its layers contradict each other (public and yet authenticated)."""
    public = authenticated = False
    permissions: tuple[str, ...] = ()
    layer: object = view
    while layer is not None:
        public = public or bool(getattr(layer, "allows_anonymous", False))
        authenticated = authenticated or bool(getattr(layer, "requires_authentication", False))
        permissions = permissions or tuple(getattr(layer, "required_permissions", ()))
        layer = getattr(layer, "__wrapped__", None)
    if public and (authenticated or permissions):
        return None
    if public:
        return Declaration("public")
    if permissions:
        return Declaration("permission", permissions)
    if authenticated:
        return Declaration("authenticated")
    return None


@dataclass(frozen=True)
class Route:
    method: str
    rule: str
    endpoint: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.rule)


def routes_of(app: Flask) -> Iterator[Route]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            yield Route(method, rule.rule, rule.endpoint)


# -- expectations -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """`allowed`: any status but 401/403 and never 5xx; else exactly `status` (and `code`)."""

    allowed: bool
    status: int | None = None
    code: str | None = None

    def accepts(self, status: int, code: str | None) -> bool:
        if status >= 500:
            return False
        if self.allowed:
            return status not in (401, 403)
        return status == self.status and (self.code is None or code == self.code)

    def __str__(self) -> str:
        if self.allowed:
            return "allowed"
        return f"{self.status} {self.code or ''}".strip()


ALLOWED = Outcome(True)
UNAUTHENTICATED = Outcome(False, 401)
MFA_REQUIRED = Outcome(False, 403, "AUTH_006")
NOT_HELD = Outcome(False, 403, "ACC_001")
REFUSED = Outcome(False, 403)  # refused by the use case (whatever its message)


def gate_outcome(grants: Grants, permissions: tuple[str, ...]) -> Outcome:
    """The permission gate's answer, from the caller's session grants."""
    for permission in permissions:
        if permission in grants.withheld:
            return MFA_REQUIRED
        if not grants.allows(permission):
            return NOT_HELD
    return ALLOWED


def staff_only(grants: Grants) -> Outcome:
    """Ledger reports: `payment:approve`, or `payment:create` at scope `all`."""
    staff = grants.allows("payment:approve") or grants.scope_of("payment:create") is Scope.ALL
    return ALLOWED if staff else REFUSED


# Routes behind `@authenticated` whose use case decides by a permission of its own.
AUTHENTICATED_EXCEPTIONS: dict[tuple[str, str], Callable[[Grants], Outcome]] = {
    ("GET", f"{API}/ledger/trial-balance"): staff_only,
    ("GET", f"{API}/ledger/verify"): staff_only,
    ("GET", f"{API}/transactions/daily"): staff_only,
}


def expected(declaration: Declaration, route: Route, caller: Caller, grants: Grants | None) -> Outcome:
    if declaration.access == "public":
        # The one public route that can refuse: with METRICS_TOKEN set (production), /metrics
        # answers 401 to anyone without that operations token. The test settings leave it unset.
        return ALLOWED
    if caller.anonymous or grants is None:
        return UNAUTHENTICATED
    if declaration.access == "permission":
        return gate_outcome(grants, declaration.permissions)
    exception = AUTHENTICATED_EXCEPTIONS.get(route.key)
    return exception(grants) if exception else ALLOWED


# -- requests ---------------------------------------------------------------------------------
PLAUSIBLE: dict[str, str] = {
    "vin": "1HGCM82633A004352",
    "case_type": "service_request",
    "report_type": "transactions",
    "filename": "missing.js",
    "version": "9999",
}


PATH_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def concrete_path(route: Route) -> str:
    """The rule with each variable filled: a fresh UUID, or a plausible value by name."""

    def value(match: re.Match[str]) -> str:
        if match["converter"] == "uuid":
            return str(uuid.uuid4())
        return PLAUSIBLE.get(match["name"], f"matrix-{uuid.uuid4().hex[:8]}")

    return PATH_VARIABLE.sub(value, route.rule)


@dataclass
class Failure:
    method: str
    path: str
    caller: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} as {self.caller}: expected {self.expected}, got {self.got}"


def call(client, container, caller: Caller, method: str, path: str, body: dict | None = None):
    headers = headers_for(container, caller)
    if method == "POST":
        headers["Idempotency-Key"] = str(uuid.uuid4())
    send = getattr(client, method.lower())
    if method in ("POST", "PUT", "PATCH"):
        return send(path, headers=headers, json={} if body is None else body)
    return send(path, headers=headers)


def error_code(response) -> str | None:
    if not response.is_json:
        return None
    body = response.get_json(silent=True) or {}
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def outcome_text(response) -> str:
    return f"{response.status_code} {error_code(response) or ''}".strip()


# -- the world --------------------------------------------------------------------------------
@pytest.fixture
def matrix_app(settings, engine, session_factory, redis_client) -> Flask:
    """The app without rate limits (the matrix sends hundreds of anonymous requests), and
    with a low approval threshold so a small transfer waits for a checker."""
    quiet = settings.model_copy(
        update={"RATE_LIMIT_ENABLED": False, "PAYMENT_TRANSFER_APPROVAL_THRESHOLD": Decimal("100")}
    )
    container = bootstrap(quiet, engine=engine, session_factory=session_factory, redis_client=redis_client)
    return create_app(container=container)


@dataclass
class World:
    app: Flask
    container: object
    org_a: uuid.UUID
    callers: dict[str, Caller]

    @property
    def client(self):
        return self.app.test_client()


ORG_DESK = {
    "service_request:read": "organization",
    "service_request:manage": "organization",
    "service_request:approve": "organization",
    "user:read": "organization",
    "audit:view": "organization",
}


@pytest.fixture
def world(matrix_app) -> World:
    container = container_of(matrix_app)
    client = matrix_app.test_client()
    names = ("customer", "other_customer", "org_staff", "staff", "admin", "maker_checker", "legacy_narrow")
    accounts = {name: register(client) for name in names}
    ids = {name: uuid.UUID(a.id) for name, a in accounts.items()}
    org_a = make_organization(container, "Matrix Org A")
    org_b = make_organization(container, "Matrix Org B")
    join(container, org_a, accounts["customer"], accounts["org_staff"], accounts["legacy_narrow"])
    join(container, org_b, accounts["other_customer"])
    stored_role(container, "matrix-org-desk", ORG_DESK)
    add_roles(container, ids["org_staff"], "matrix-org-desk")
    add_roles(container, ids["staff"], "staff")
    add_roles(container, ids["admin"], "admin")
    stored_role(container, "matrix-maker-checker", MAKER_CHECKER)
    add_roles(container, ids["maker_checker"], "matrix-maker-checker")
    stored_role(container, "matrix-legacy-narrow", LEGACY_NARROW_GRANTS)
    add_roles(container, ids["legacy_narrow"], "matrix-legacy-narrow")
    container.outbox.dispatch_pending()  # wallets are opened from the registration event
    callers = {
        "anonymous": ANONYMOUS,
        "customer": Caller("customer", ids["customer"]),
        "other_org_customer": Caller("other_org_customer", ids["other_customer"]),
        "org_staff": Caller("org_staff", ids["org_staff"], mfa=True),
        "staff_without_mfa": Caller("staff_without_mfa", ids["staff"]),
        "staff": Caller("staff", ids["staff"], mfa=True),
        "admin_without_mfa": Caller("admin_without_mfa", ids["admin"]),
        "admin": Caller("admin", ids["admin"], mfa=True),
        # Beyond the eight columns, for the object-level rows:
        "maker_checker_without_mfa": Caller("maker_checker_without_mfa", ids["maker_checker"]),
        "legacy_narrow": Caller("legacy_narrow", ids["legacy_narrow"], mfa=True),
    }
    return World(matrix_app, container, org_a, callers)


COLUMNS = (
    "anonymous",
    "customer",
    "other_org_customer",
    "org_staff",
    "staff_without_mfa",
    "staff",
    "admin_without_mfa",
    "admin",
)


# -- the matrix -------------------------------------------------------------------------------
def undeclared_routes(app: Flask) -> list[str]:
    return [
        f"{route.method} {route.rule} ({route.endpoint})"
        for route in routes_of(app)
        if declaration_of(app.view_functions[route.endpoint]) is None
    ]


def test_every_route_declares_its_access(app):
    undeclared = undeclared_routes(app)
    assert not undeclared, "routes without @public, @authenticated or @require_permission:\n" + "\n".join(
        undeclared
    )


def test_a_new_route_without_a_declaration_is_caught(own_app):
    app = own_app  # a probe route is registered on it
    app.register_api(probe_blueprint())  # throw-away routes that declare nothing
    assert "POST /api/v1/probe/echo (probe.echo)" in undeclared_routes(app)


def test_every_route_answers_every_caller_as_declared(world):
    app, container, client = world.app, world.container, world.client
    grants = {
        name: None if world.callers[name].anonymous else session_grants(container, world.callers[name])
        for name in COLUMNS
    }
    failures: list[Failure] = []
    columns = [world.callers[name] for name in COLUMNS]
    for route, caller in itertools.product(list(routes_of(app)), columns):
        declaration = declaration_of(app.view_functions[route.endpoint])
        if declaration is None:
            continue  # reported by test_every_route_declares_its_access
        want = expected(declaration, route, caller, grants[caller.name])
        path = concrete_path(route)
        response = call(client, container, caller, route.method, path)
        if not want.accepts(response.status_code, error_code(response)):
            failures.append(Failure(route.method, route.rule, caller.name, str(want), outcome_text(response)))
    assert not failures, f"{len(failures)} cells of the matrix disagree:\n" + "\n".join(map(str, failures))


# -- object-level rows: the assessment's findings, each against somebody else's object --------
@dataclass(frozen=True)
class Check:
    """What a row expects of the response, and how to say it in a failure message."""

    text: str
    holds: Callable[[object], bool]


def answers(status: int, code: str | None = None) -> Check:
    outcome = Outcome(False, status, code)
    return Check(str(outcome), lambda r: outcome.accepts(r.status_code, error_code(r)))


def refused_or_hidden() -> Check:
    """403 or 404: either way the caller neither acts on the object nor reads it."""
    return Check("403 or 404", lambda r: r.status_code in (403, 404))


def succeeds(status: int = 200) -> Check:
    return Check(str(status), lambda r: r.status_code == status)


def listed_without(object_id: str) -> Check:
    return Check(
        f"200 without {object_id}",
        lambda r: r.status_code == 200 and object_id not in {item["id"] for item in r.get_json()["data"]},
    )


def listed_with(object_id: str) -> Check:
    return Check(
        f"200 with {object_id}",
        lambda r: r.status_code == 200 and object_id in {item["id"] for item in r.get_json()["data"]},
    )


@dataclass(frozen=True)
class Row:
    caller: Caller
    method: str
    path: str
    expect: Check
    body: dict | None = None


# Grants the role API now refuses (an unsupported scope), as a role stored before that still has them.
LEGACY_NARROW_GRANTS = {
    "privacy:read": "own",
    "privacy:manage": "own",
    "sla:read": "organization",
    "incident:read": "own",
    "risk:read": "own",
    "audit:export": "organization",
}
MAKER_CHECKER = {"role:manage": "all", "payment:approve": "all"}


@pytest.fixture
def objects(world) -> dict[str, str]:
    """Real objects owned by the customer (organization A) or the other customer (organization B)."""
    client, container, callers = world.client, world.container, world.callers
    customer, other = callers["customer"], callers["other_org_customer"]

    def ok(response, status: int = 200) -> dict:
        assert response.status_code == status, response.get_json()
        return response.get_json()["data"]

    def send(caller: Caller, method: str, path: str, body: dict | None = None) -> dict:
        return ok(call(client, container, caller, method, path, body), 201 if method == "POST" else 200)

    def wallet(caller: Caller) -> str:
        found = ok(client.get(f"{API}/wallets", headers=headers_for(container, caller)))
        return next(w["id"] for w in found if w["currency"] == "NAD")

    found: dict[str, str] = {"customer_wallet": wallet(customer), "other_wallet": wallet(other)}
    container.payments.deposit(
        callers["admin"].user_id,
        key=str(uuid.uuid4()),
        body={"amount": "500.00"},
        wallet_id=uuid.UUID(found["customer_wallet"]),
        amount=Money.of("500.00"),
        external_reference="BANK-MATRIX-1",
    )
    transfer = {"source_wallet_id": found["customer_wallet"], "destination_wallet_id": found["other_wallet"]}
    paid = ok(
        call(client, container, customer, "POST", f"{API}/transfers", {**transfer, "amount": "20.00"}), 201
    )
    found["transaction"] = paid["id"]
    pending = call(client, container, customer, "POST", f"{API}/transfers", {**transfer, "amount": "150.00"})
    assert pending.status_code in (201, 202), pending.get_json()
    assert pending.get_json()["data"]["status"] == "pending_approval"
    found["pending_transaction"] = pending.get_json()["data"]["id"]

    requests = f"{API}/service-requests"
    submitted = send(other, "POST", requests, {"category": "general", "title": "New SIM card"})
    found["submitted_request"] = submitted["id"]
    ok(call(client, container, other, "POST", f"{requests}/{submitted['id']}/submit", {}))
    in_review = send(other, "POST", requests, {"category": "general", "title": "Replacement card"})
    found["request_in_review"] = in_review["id"]
    ok(call(client, container, other, "POST", f"{requests}/{in_review['id']}/submit", {}))
    staff = callers["staff"]
    ok(
        call(
            client,
            container,
            staff,
            "POST",
            f"{requests}/{in_review['id']}/assign",
            {"user_id": str(staff.user_id)},
        )
    )
    container.outbox.dispatch_pending()  # opens the requests' SLA cases

    found["privacy_request"] = send(customer, "POST", f"{API}/me/privacy-requests", {"type": "access"})["id"]
    return found


def finding_rows(world: World, objects: dict[str, str]) -> list[Row]:
    c = world.callers
    wallet, txn = objects["customer_wallet"], objects["transaction"]
    org_a, sr_submitted, sr_review = world.org_a, objects["submitted_request"], objects["request_in_review"]
    sla_case = f"{API}/sla/cases/service_request/{sr_submitted}"
    category = {"name": "matrix_takeover", "levels": [{"required_role": "user"}]}
    chain = {"levels": [{"required_role": "user"}]}
    customer_id = str(c["customer"].user_id)
    rows = [
        # Another customer's wallet and statement: only its owner and staff in an MFA session see it.
        *(
            Row(c[name], "GET", path, refused_or_hidden())
            for path in (f"{API}/wallets/{wallet}", f"{API}/wallets/{wallet}/statement")
            for name in ("other_org_customer", "org_staff", "staff_without_mfa", "admin_without_mfa")
        ),
        Row(c["customer"], "GET", f"{API}/wallets/{wallet}", succeeds()),
        Row(c["staff"], "GET", f"{API}/wallets/{wallet}/statement", succeeds()),
        # The platform's transactions: staff without MFA see their own only, like a customer.
        *(
            Row(c[name], "GET", f"{API}/transactions", listed_without(txn))
            for name in ("org_staff", "staff_without_mfa", "admin_without_mfa")
        ),
        Row(c["staff_without_mfa"], "GET", f"{API}/transactions/{txn}", refused_or_hidden()),
        Row(c["staff"], "GET", f"{API}/transactions", listed_with(txn)),
        # Ledger reports are for staff in an MFA session.
        *(
            Row(c[name], "GET", f"{API}/ledger/trial-balance", answers(403))
            for name in (
                "customer",
                "other_org_customer",
                "org_staff",
                "staff_without_mfa",
                "admin_without_mfa",
            )
        ),
        Row(c["staff"], "GET", f"{API}/ledger/trial-balance", succeeds()),
        # The dashboard's transaction figures cover everyone's transfers: staff in an MFA session.
        *(
            Row(c[name], "GET", f"{API}/transactions/daily", answers(403))
            for name in ("customer", "org_staff", "staff_without_mfa", "admin_without_mfa")
        ),
        Row(c["staff"], "GET", f"{API}/transactions/daily", succeeds()),
        # An organization is changed by its org_admins and platform managers only; a member
        # cannot make themself its org_admin.
        *(
            Row(c[name], "PATCH", f"{API}/organizations/{org_a}", refused_or_hidden(), {"name": "Taken over"})
            for name in (
                "customer",
                "other_org_customer",
                "org_staff",
                "staff_without_mfa",
                "admin_without_mfa",
            )
        ),
        Row(
            c["customer"],
            "PUT",
            f"{API}/organizations/{org_a}/members/{customer_id}",
            refused_or_hidden(),
            {"org_role": "org_admin"},
        ),
        Row(
            c["other_org_customer"],
            "PUT",
            f"{API}/organizations/{org_a}/members/{c['other_org_customer'].user_id}",
            refused_or_hidden(),
            {"org_role": "org_admin", "reason": "joining"},
        ),
        # Categories and approval chains: workflow managers in an MFA session only.
        *(
            Row(c[name], method, path, answers(403), body)
            for method, path, body in (
                ("POST", f"{API}/service-request-categories", category),
                ("PUT", f"{API}/service-request-categories/general/chain", chain),
            )
            for name in ("customer", "org_staff", "staff_without_mfa", "staff", "admin_without_mfa")
        ),
        # Another organization's service request: organization-scoped staff cannot see it,
        # staff without MFA cannot work on it.
        *(
            Row(
                c[name],
                "POST",
                f"{API}/service-requests/{sr_submitted}/assign",
                refused_or_hidden(),
                assignee,
            )
            for name, assignee in (
                ("org_staff", {"user_id": str(c["org_staff"].user_id)}),
                ("customer", {"user_id": customer_id}),
                ("staff_without_mfa", {"user_id": str(c["staff_without_mfa"].user_id)}),
                ("admin_without_mfa", {"user_id": str(c["admin_without_mfa"].user_id)}),
            )
        ),
        *(
            Row(c[name], "POST", f"{API}/service-requests/{sr_review}/approve", refused_or_hidden(), {})
            for name in (
                "org_staff",
                "customer",
                "other_org_customer",
                "staff_without_mfa",
                "admin_without_mfa",
            )
        ),
        # Money and roles need an MFA session, whatever role grants them (a custom one here).
        Row(
            c["maker_checker_without_mfa"],
            "POST",
            f"{API}/transactions/{objects['pending_transaction']}/approve",
            answers(403, "AUTH_006"),
            {},
        ),
        Row(
            c["staff_without_mfa"],
            "POST",
            f"{API}/transactions/{objects['pending_transaction']}/approve",
            answers(403, "AUTH_006"),
            {},
        ),
        Row(
            c["maker_checker_without_mfa"],
            "PUT",
            f"{API}/users/{customer_id}/roles",
            answers(403, "AUTH_006"),
            {"roles": ["user", "admin"]},
        ),
        Row(
            c["admin_without_mfa"],
            "PUT",
            f"{API}/users/{customer_id}/roles",
            answers(403, "AUTH_006"),
            {"roles": ["user", "admin"]},
        ),
        # Grants stored at a scope their use case cannot filter by grant nothing (no fail-open).
        Row(c["legacy_narrow"], "GET", f"{API}/privacy-requests", answers(403, "ACC_001")),
        Row(
            c["legacy_narrow"],
            "GET",
            f"{API}/privacy-requests/{objects['privacy_request']}/bundle",
            answers(403, "ACC_001"),
        ),
        Row(
            c["other_org_customer"],
            "GET",
            f"{API}/me/privacy-requests/{objects['privacy_request']}/bundle",
            refused_or_hidden(),
        ),
        Row(
            c["legacy_narrow"],
            "POST",
            f"{sla_case}/pause",
            answers(403, "ACC_001"),
            {"reason": "awaiting_customer"},
        ),
        Row(c["legacy_narrow"], "POST", f"{sla_case}/resume", answers(403, "ACC_001"), {}),
        Row(c["legacy_narrow"], "GET", f"{API}/incidents", answers(403, "ACC_001")),
        Row(c["legacy_narrow"], "GET", f"{API}/risks", answers(403, "ACC_001")),
        Row(c["legacy_narrow"], "GET", f"{API}/audit-logs/export", answers(403, "ACC_001")),
        # ...and the role API refuses to store such a grant at all.
        Row(
            c["admin"],
            "POST",
            f"{API}/roles",
            answers(422, "VAL_001"),
            {
                "name": "matrix-own-incidents",
                "permissions": ["incident:read"],
                "scopes": {"incident:read": "own"},
            },
        ),
        # A user's signed-in devices: staff reach only the users their user:read / user:update
        # scope reaches; signing a device out needs user:update.
        *(
            Row(c[name], "GET", f"{API}/users/{c['other_org_customer'].user_id}/devices", refused_or_hidden())
            for name in ("customer", "org_staff")
        ),
        Row(c["org_staff"], "GET", f"{API}/users/{customer_id}/devices", succeeds()),
        *(
            Row(
                c[name],
                "DELETE",
                f"{API}/users/{customer_id}/devices/{uuid.uuid4()}",
                answers(403, "ACC_001"),
            )
            for name in ("other_org_customer", "org_staff", "staff")
        ),
        Row(c["admin"], "DELETE", f"{API}/users/{customer_id}/devices/{uuid.uuid4()}", answers(404)),
        # Last, a change that succeeds: the platform manager may rename the organization.
        Row(
            c["admin"], "PATCH", f"{API}/organizations/{org_a}", succeeds(), {"name": "Matrix Org A renamed"}
        ),
    ]
    return rows


def test_nobody_reaches_an_object_that_is_not_theirs(world, objects):
    failures = []
    for row in finding_rows(world, objects):
        response = call(world.client, world.container, row.caller, row.method, row.path, row.body)
        if not row.expect.holds(response):
            failures.append(
                Failure(row.method, row.path, row.caller.name, row.expect.text, outcome_text(response))
            )
    assert not failures, f"{len(failures)} object-level rows failed:\n" + "\n".join(map(str, failures))
