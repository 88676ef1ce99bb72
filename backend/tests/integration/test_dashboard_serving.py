"""The built staff dashboard served under /dashboard/: files from DASHBOARD_DIST, the page for
the app's own routes, strict CSP, long cache for hashed assets, nothing outside the build."""

from __future__ import annotations

import pytest

from elcorp.main import create_app

INDEX = (
    '<!doctype html><html><head><script type="module" src="/dashboard/assets/app-3f9a.js">'
    "</script></head></html>"
)


@pytest.fixture
def dist(tmp_path):
    build = tmp_path / "dist"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text(INDEX)
    (build / "assets" / "app-3f9a.js").write_text("console.log('dashboard')")
    (tmp_path / "secret.txt").write_text("outside the build")
    return build


def client_for(container, dist):
    settings = container.settings.model_copy(update={"DASHBOARD_DIST": dist})
    return create_app(settings, container=container).test_client()


def test_the_page_is_served_with_a_strict_csp_and_no_cache(container, dist):
    client = client_for(container, dist)
    for url in ("/dashboard/", "/dashboard"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/html"
        assert response.get_data(as_text=True) == INDEX
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
        # Frames: only the app's own object URLs (the invoice PDF preview); no plugins.
        assert "frame-src blob:;" in csp and "object-src 'none'" in csp
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_hashed_assets_are_cached_for_a_year(container, dist):
    response = client_for(container, dist).get("/dashboard/assets/app-3f9a.js")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "console.log('dashboard')"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_app_routes_fall_back_to_the_page_and_missing_files_are_404(container, dist):
    client = client_for(container, dist)
    deep = client.get("/dashboard/approvals/3b1f0c8e")
    assert deep.status_code == 200 and deep.get_data(as_text=True) == INDEX
    assert deep.headers["Cache-Control"] == "no-cache"
    assert client.get("/dashboard/assets/gone-1234.js").status_code == 404
    assert client.get("/dashboard/favicon.ico").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/../secret.txt",
        "/dashboard/%2e%2e/secret.txt",
        "/dashboard/..%2fsecret.txt",
        "/dashboard/assets/../../secret.txt",
    ],
)
def test_paths_leaving_the_build_are_refused(container, dist, url):
    response = client_for(container, dist).get(url)
    assert "outside the build" not in response.get_data(as_text=True)
    assert response.status_code == 404


def test_a_missing_build_answers_a_json_404_saying_how_to_build(container, tmp_path):
    response = client_for(container, tmp_path / "nothing-here").get("/dashboard/")
    assert response.status_code == 404
    body = response.get_json()
    assert body["status"] == "error" and body["error"]["code"] == "RES_001"
    assert "npm run build" in body["error"]["message"]
