"""The built staff dashboard (frontend/, a single-page app) served under /dashboard/.

Files come from `DASHBOARD_DIST` (the Vite build output). A path that is not a file falls
back to index.html, so the app's own routes (/dashboard/users/42) survive a reload; a path
that names a missing file (it has an extension, or lies under assets/) is a 404, and so is
anything that would leave the directory. Hashed build assets are cached for a year; the
page itself is revalidated on every load so a new build is picked up at once.

The page runs under a strict CSP: scripts only from this origin (the build emits no inline
script); inline styles are allowed because MUI's emotion engine injects <style> elements.
Frames may show only `blob:` documents: the object URLs of PDFs the app itself fetched with
its token (an invoice's preview); no other origin can be framed, and plugins stay off
(`object-src 'none'`). It shares the API's origin, so the API's CORS settings stay as they are.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from flask import Blueprint, Response, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from elcorp.shared.domain.errors import ErrorCode
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.auth import public

PREFIX = "/dashboard"
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
ASSET_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "no-cache"
NOT_BUILT = (
    "The dashboard is not built: run `make run`, or `cd frontend && npm ci && npm run build` "
    "(or point DASHBOARD_DIST at a build)"
)


def dashboard_blueprint(dist: Path) -> Blueprint:
    """GET /dashboard/ and /dashboard/<path>, public (the app signs in through the API)."""
    bp = Blueprint("dashboard", __name__)

    @bp.get(f"{PREFIX}/", defaults={"path": ""})
    @bp.get(f"{PREFIX}/<path:path>")
    @public
    def serve_dashboard(path: str) -> Response:
        """Serve the staff dashboard's files; unknown app routes get index.html."""
        index = dist / "index.html"
        if not index.is_file():
            return envelope.error(ErrorCode.RESOURCE_NOT_FOUND, NOT_BUILT, status=404)
        target = safe_join(str(dist), path) if path else None
        if path and target is None:
            raise NotFound()  # it would leave the build directory
        if target is not None and Path(target).is_file():
            return _file(dist, path)
        if path and _names_a_file(path):
            raise NotFound()
        return _file(dist, "index.html")

    return bp


def _names_a_file(path: str) -> bool:
    """Build output (assets/, or a name with an extension), not one of the app's routes."""
    pure = PurePosixPath(path)
    return pure.parts[:1] == ("assets",) or bool(pure.suffix)


def _file(dist: Path, path: str) -> Response:
    response = send_from_directory(dist, path, max_age=0)
    response.headers["Content-Security-Policy"] = DASHBOARD_CSP
    response.headers["Cache-Control"] = ASSET_CACHE if path.startswith("assets/") else PAGE_CACHE
    return response
