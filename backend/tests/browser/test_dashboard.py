"""The staff dashboard in a real Chromium: `make run`'s stack, seeded over HTTP, driven by the
Playwright suite in frontend/e2e/.

Not part of the default run (marker `browser`, deselected by pyproject's addopts); run it
with `pytest -m browser backend/tests/browser` (what `make test` does when Chromium is
installed). `elcorp dev` builds the dashboard when its sources changed.

The seed, all through the public API, as people would do it:
- the demo administrator enrols MFA;
- an approver and a colleague (the `staff` role: payment:approve among others), a
  "customer-support" user (a custom role without payment:approve), each with MFA;
- a customer and a payee; the administrator deposits into the customer's and the approver's
  wallets; the customer, then the approver, make transfers above the approval threshold
  (lowered for this stack to NAD 1 000), which wait in the approvals inbox.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyotp
import pytest

from support.devstack import DevStack

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[3]
FRONTEND = REPO / "frontend"
PASSWORD = "Kalahari-Sunset-2026!"
THRESHOLD = "1000"  # NAD: transfers above it wait for a second person
SUITE_BUDGET = 1500  # seconds for the whole Playwright run
STEP = 30


def chromium() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


@dataclass
class Person:
    username: str
    email: str
    password: str
    id: str = ""
    totp_secret: str | None = None
    # The last TOTP time step the API accepted for this user (each is accepted once).
    totp_last_step: int = 0
    roles: list[str] = field(default_factory=list)
    wallet_id: str | None = None
    access: str | None = field(default=None, repr=False)

    def public(self) -> dict:
        data = asdict(self)
        data.pop("access")
        return data


class Http:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, body: dict | None = None, token: str | None = None, **headers):
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {token}"} if token else {}),
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def ok(self, method: str, path: str, body: dict | None = None, token: str | None = None, **headers):
        status, answer = self.call(method, path, body, token, **headers)
        assert status in (200, 201), f"{method} {path} -> {status}: {answer}"
        return answer["data"]


def step_now() -> int:
    return int(time.time()) // STEP


def code_for(person: Person) -> str:
    """A TOTP code from a time step the API has not accepted for this user yet (waits for it)."""
    assert person.totp_secret
    while step_now() <= person.totp_last_step:
        time.sleep(0.5)
    person.totp_last_step = step_now()
    return pyotp.TOTP(person.totp_secret).at(person.totp_last_step * STEP)


def sign_in(http: Http, person: Person) -> None:
    login = {"email": person.email, "password": person.password, "device_id": str(uuid.uuid4())}
    data = http.ok("POST", "/auth/login", login)
    if data.get("mfa_required"):
        data = http.ok("POST", "/auth/mfa/verify", {"mfa_token": data["mfa_token"], "code": code_for(person)})
    person.access = data["access_token"]


def enrol_mfa(http: Http, person: Person) -> None:
    setup = http.ok("POST", "/auth/mfa/setup", {}, person.access)
    person.totp_secret = setup["secret"]
    http.ok(
        "POST", "/auth/mfa/enable", {"code": code_for(person), "password": person.password}, person.access
    )


def register(http: Http, name: str) -> Person:
    suffix = uuid.uuid4().hex[:6]
    person = Person(username=f"{name}{suffix}", email=f"{name}.{suffix}@example.na", password=PASSWORD)
    body = {
        "username": person.username,
        "full_name": f"{name.capitalize()} Test",
        "email": person.email,
        "password": PASSWORD,
        "phone": f"+26481{uuid.uuid4().int % 10_000_000:07d}",
        "agreed_terms": True,
    }
    person.id = http.ok("POST", "/auth/register", body)["id"]
    sign_in(http, person)
    return person


def nad_wallet(http: Http, person: Person) -> str:
    """The wallet the outbox opens on registration (the worker dispatches it)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        wallets = http.ok("GET", "/wallets", token=person.access)
        nad = [w["id"] for w in wallets if w["currency"] == "NAD"]
        if nad:
            return nad[0]
        time.sleep(0.5)
    pytest.fail(f"no NAD wallet for {person.username} within 60 s")


def money_post(http: Http, path: str, body: dict, token: str | None) -> dict:
    return http.ok("POST", path, body, token, **{"Idempotency-Key": str(uuid.uuid4())})


def seed(http: Http, email: str, password: str) -> dict:
    admin = Person(username="admin", email=email, password=password)
    sign_in(http, admin)
    approver, colleague, support = (register(http, n) for n in ("approver", "colleague", "support"))
    customer, payee = register(http, "customer"), register(http, "payee")
    for person in (admin, approver, colleague, support):
        enrol_mfa(http, person)
    sign_in(http, admin)  # now with MFA: privileged calls need it (waits for the next TOTP step)

    http.ok(
        "POST",
        "/roles",
        {
            "name": "customer-support",
            "description": "Answers customers: reads users and service requests, approves nothing",
            "permissions": ["user:read", "service_request:read", "service_request:create"],
        },
        admin.access,
    )
    for person, roles in (
        (approver, ["user", "staff"]),
        (colleague, ["user", "staff"]),
        (support, ["user", "customer-support"]),
    ):
        person.roles = http.ok("PUT", f"/users/{person.id}/roles", {"roles": roles}, admin.access)["roles"]

    sign_in(http, approver)  # staff act only from an MFA session: its own transfer needs one
    for person in (customer, payee, approver):
        person.wallet_id = nad_wallet(http, person)
    for person, amount in ((customer, "20000.00"), (approver, "5000.00")):
        deposit = money_post(
            http,
            f"/wallets/{person.wallet_id}/deposits",
            {"amount": amount, "external_reference": f"EFT-E2E-{uuid.uuid4().hex[:10]}"},
            admin.access,
        )
        assert deposit["status"] == "completed", deposit

    def pending_transfer(person: Person, amount: str) -> dict:
        body = {
            "source_wallet_id": person.wallet_id,
            "destination_wallet_id": payee.wallet_id,
            "amount": amount,
        }
        sent = money_post(http, "/transfers", body, person.access)
        assert sent["status"] == "pending_approval", sent
        return {"id": sent["id"], "amount": amount, "initiated_by": person.username}

    transfers = {
        "customer_mouse": pending_transfer(customer, "2500.00"),
        "customer_keyboard": pending_transfer(customer, "3100.00"),
        "customer_left": pending_transfer(customer, "4200.00"),
        "approver_own": pending_transfer(approver, "1500.00"),
    }
    people = {"admin": admin, "approver": approver, "colleague": colleague, "support": support}
    return {
        "users": {key: person.public() for key, person in people.items()},
        "customer": customer.public(),
        "payee": payee.public(),
        "transfers": transfers,
        "approval_threshold": THRESHOLD,
    }


def cannot_run(reason: str) -> None:
    """Skip, except in CI (BROWSER_SUITE_REQUIRED=1), where a suite that did not run fails."""
    if os.environ.get("BROWSER_SUITE_REQUIRED") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not os.access(chromium(), os.X_OK):
        cannot_run(f"Chromium not found at {chromium()} (install it: sudo apt-get install chromium)")
    if not shutil.which("npx"):
        cannot_run("Node 20 and npm not found: the dashboard cannot be built or driven")
    base = tmp_path_factory.mktemp("browser")
    os.chmod(base, 0o755)  # the embedded PostgreSQL runs as its own user when we are root
    dev = DevStack(base / "var", {"PAYMENT_TRANSFER_APPROVAL_THRESHOLD": THRESHOLD})
    try:
        dev.wait_healthy("/ready")
        summary = time.monotonic() + 30  # printed just after the API answers
        while "  Dashboard " not in dev.output(tail=None) and time.monotonic() < summary:
            time.sleep(0.25)
        assert "Dashboard    http" in dev.output(tail=None), f"the dashboard is not served:\n{dev.output()}"
        yield dev
    finally:
        left = dev.ctrl_c()
        assert left == [], f"processes left after Ctrl-C: {left}"


def test_the_dashboard_in_chromium(stack, tmp_path):
    fixtures = seed(Http(stack.base), *stack.demo_admin())
    path = tmp_path / "fixtures.json"
    path.write_text(json.dumps(fixtures, indent=2))
    path.chmod(0o600)
    env = {
        **os.environ,
        "E2E_BASE_URL": stack.base,
        "E2E_FIXTURES": str(path),
        "CHROMIUM": chromium(),
        "CI": "1",
    }
    started = time.monotonic()
    run = subprocess.run(
        ["npx", "--no-install", "playwright", "test"],
        cwd=FRONTEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=SUITE_BUDGET,
        check=False,
    )
    took = time.monotonic() - started
    output = f"{run.stdout}\n{run.stderr}"
    saved = FRONTEND / "test-results" / "playwright-output.txt"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(output)
    outcomes = [line for line in output.splitlines() if line.lstrip().startswith(("✓", "✘"))]
    print(f"Playwright suite: exit {run.returncode} in {took:.0f} s")
    print("\n".join(outcomes))
    assert run.returncode == 0, (
        f"the browser suite failed (exit {run.returncode} after {took:.0f} s); whole output: {saved}, "
        "HTML report: frontend/test-results/html\n"
        + "\n".join(outcomes)
        + f"\n...\n{output[-12000:]}\n--- elcorp dev (last lines) ---\n{stack.output(tail=2000)}"
    )


def test_the_initial_javascript_fits_the_budget(stack):
    """The build `make run` serves (frontend/dist, built by the stack above): the entry chunk
    and its static imports stay under 350 KiB gzip; screens and charts load on first use.
    The figures are printed (pytest -s, or the report on failure)."""
    run = subprocess.run(
        ["node", "scripts/bundle-size.mjs", str(FRONTEND / "dist")],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    total = [line for line in run.stdout.splitlines() if line.startswith("Initial JS")]
    print("\n".join(total))
    assert run.returncode == 0, run.stdout + run.stderr
