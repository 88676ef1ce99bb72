"""Operations endpoints: liveness, readiness with named failing checks, metrics, OpenAPI, docs."""

from __future__ import annotations

import base64

import pytest
import redis
from openapi_spec_validator import validate
from pydantic import SecretStr
from sqlalchemy import text

from elcorp.bootstrap import bootstrap
from elcorp.config import Profile
from elcorp.main import create_app


def test_health_is_200_without_io(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["data"] == {"status": "ok"}


def test_ready_when_database_migrated_and_redis_up(client):
    response = client.get("/ready")
    assert response.status_code == 200
    checks = response.get_json()["data"]["checks"]
    assert checks["database"]["ok"] and checks["redis"]["ok"]


def test_ready_names_redis_when_it_is_unreachable(settings, engine, session_factory):
    dead_redis = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    container = bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=dead_redis)
    app = create_app(settings.model_copy(update={"RATE_LIMIT_ENABLED": False}), container=container)
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"]["code"] == "SRV_002"
    assert "redis" in body["error"]["message"]
    assert body["error"]["details"]["checks"]["redis"]["ok"] is False


def test_ready_names_migrations_when_schema_is_behind(own_container, engine):
    container = own_container  # its probe is changed below
    # Pretend the code knows a newer migration than the database has applied.
    container.readiness._heads = frozenset({"9999_not_applied"})
    app = create_app(container=container)
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    assert "migrations" in response.get_json()["error"]["message"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_metrics_count_requests_by_route_and_status(client):
    client.get("/health")
    client.get("/api/v1/nowhere")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text_body = response.get_data(as_text=True)
    assert 'elcorp_http_requests_total{method="GET",route="/health",status="200"}' in text_body
    assert 'route="<unmatched>",status="404"' in text_body
    assert "elcorp_http_request_duration_seconds_bucket" in text_body
    assert "process_cpu_seconds_total" in text_body


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_and_its_assets_are_served_locally_under_a_strict_csp(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    html = page.get_data(as_text=True)
    assert "<script>" not in html  # no inline script
    assert client.get("/api/docs/assets/js/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/init.js").status_code == 200


def test_openapi_marks_only_protected_routes_as_needing_a_bearer_token(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "security" not in paths["/api/v1/auth/login"]["post"]
    assert "security" not in paths["/api/v1/auth/register"]["post"]
    assert paths["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/v1/users"]["get"]["security"] == [{"bearerAuth": []}]


METRICS_TOKEN = "Mt7qR2vX9pL4wZ8nB3cK6dF1gH5jS0aE2yU7iO4"


@pytest.fixture
def production_client(settings, engine, session_factory, redis_client):
    """The production profile (safe settings, this run's servers): /metrics needs its token."""
    production = settings.model_copy(
        update={
            "ENV": Profile.PRODUCTION,
            "ARGON2_TIME_COST": 2,
            "ARGON2_MEMORY_KIB": 19_456,
            "AUDIT_SIGNING_KEYS": [SecretStr("ak1:" + base64.b64encode(bytes(range(32))).decode())],
            "EMAIL_BACKEND": "smtp",
            "PUBLIC_BASE_URL": "https://app.elcorp.na",
            "METRICS_TOKEN": SecretStr(METRICS_TOKEN),
        }
    )
    production.ensure_safe_for_profile()
    container = bootstrap(
        production, engine=engine, session_factory=session_factory, redis_client=redis_client
    )
    return create_app(container=container).test_client()


def test_production_metrics_without_the_token_are_refused(production_client):
    response = production_client.get("/metrics")

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_004"
    assert "elcorp_http_requests_total" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", f"Basic {METRICS_TOKEN}", f"Bearer {METRICS_TOKEN}x"]
)
def test_production_metrics_with_a_wrong_token_are_refused(production_client, header):
    response = production_client.get("/metrics", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.get_json()["error"]["code"] in ("AUTH_003", "AUTH_004")


def test_production_metrics_with_the_token_are_served(production_client):
    production_client.get("/health")

    response = production_client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "elcorp_http_requests_total" in response.get_data(as_text=True)


def test_production_health_and_readiness_stay_open_to_probes(production_client):
    assert production_client.get("/health").status_code == 200
    assert production_client.get("/ready").status_code == 200
