"""A container with some services replaced, and an app serving it, for tests that need
their own variant of a service (one on a clock the test moves, one on doubles)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask.testing import FlaskClient
from flask_openapi3 import OpenAPI

from elcorp.container import Container
from elcorp.main import create_app

MODULES = ("identity_module", "governance_module", "payments_module", "compliance_module")


def replacing(container: Container, **services: Any) -> Container:
    """`container` with the named module fields replaced (event subscriptions stay those of
    the original services: only what the app's routes call changes)."""
    changed: dict[str, Any] = {}
    left = dict(services)
    for name in MODULES:
        module = getattr(container, name)
        mine = {f.name: left.pop(f.name) for f in dataclasses.fields(module) if f.name in left}
        if mine:
            changed[name] = dataclasses.replace(module, **mine)
    assert not left, f"no module has {sorted(left)}"
    return dataclasses.replace(container, **changed)


def serve(client: FlaskClient, container: Container) -> OpenAPI:
    """Point `client` at a new app built on `container` (the run's app is shared: a test
    that needs other services behind the routes gets an app of its own) and return it."""
    app = create_app(container=container)
    client.application = app
    return app
