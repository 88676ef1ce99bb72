"""Who and where: the request context that audit entries and logs carry.

Set by the HTTP layer (or a job) for the duration of one request; read by adapters such as
the audit log. A contextvar, so threads and greenlets each see their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class RequestContext:
    request_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    actor_id: str | None = None  # set once the caller is authenticated


SYSTEM = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("elcorp_request_context", default=SYSTEM)


def current() -> RequestContext:
    return _current.get()


def set_current(ctx: RequestContext) -> None:
    _current.set(ctx)


def with_actor(actor_id: str) -> None:
    _current.set(replace(_current.get(), actor_id=actor_id))


@contextmanager
def bound(ctx: RequestContext) -> Iterator[RequestContext]:
    """Run a block (e.g. a Celery task) under a given context, restoring the previous one."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


# A per-request memo (e.g. a user's grants, asked for by the permission check and again by
# the use case): set to a fresh dict when a request starts and dropped when it ends, so
# nothing outlives its request. Outside a request there is none and nothing is memoised.
_memo: ContextVar[dict[object, object] | None] = ContextVar("elcorp_request_memo", default=None)


def request_memo() -> dict[object, object] | None:
    return _memo.get()


def start_request_memo() -> None:
    _memo.set({})


def end_request_memo() -> None:
    _memo.set(None)


# The authenticated session of the current request: whose token it is and whether it passed
# MFA. Set by the HTTP layer for every request (None when anonymous), so wherever grants are
# read the caller's own are cut to what a session without MFA may use. Jobs and the CLI run
# with none: they act for the platform, not for a session.
@dataclass(frozen=True, slots=True)
class Session:
    user_id: uuid.UUID
    mfa: bool


_session: ContextVar[Session | None] = ContextVar("elcorp_session", default=None)


def current_session() -> Session | None:
    return _session.get()


def bind_session(session: Session | None) -> None:
    _session.set(session)
