"""A throw-away blueprint of probe routes, for testing the HTTP plumbing before any
context has routes of its own."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.domain.errors import NotFound
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.auth import authenticated

# How many times each probe note body was really handled (not replayed).
HANDLED: list[dict] = []


class EchoBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=20)
    count: int = Field(ge=0)


def probe_blueprint() -> APIBlueprint:
    bp = APIBlueprint("probe", __name__, url_prefix="/api/v1/probe")

    @bp.post("/echo")
    def echo(body: EchoBody):
        return envelope.success(body.model_dump(), status=201)

    @bp.post("/notes")
    @authenticated
    def create_note(body: EchoBody):
        HANDLED.append(body.model_dump())
        if body.name == "crash":
            raise RuntimeError("the work failed")
        return envelope.created({"n": len(HANDLED)}, location=f"/api/v1/probe/notes/{len(HANDLED)}")

    @bp.get("/ping")
    def ping():
        return envelope.success({"pong": True})

    @bp.get("/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM internals -- must never leak")

    @bp.get("/missing")
    def missing():
        raise NotFound("No such wallet")

    return bp
