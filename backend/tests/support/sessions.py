"""The session factory of the session-scoped container, pointed at each test's connection."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session


class ReboundSessions:
    """A session factory the container keeps for the whole run; each test binds it to
    sessions on its own rolled-back connection and resets it after, so nothing a test
    writes outlives it and no test runs on another's connection."""

    def __init__(self) -> None:
        self._factory: Callable[[], Session] | None = None

    def __call__(self) -> Session:
        if self._factory is None:
            raise RuntimeError("no test is bound: request the `session_factory` fixture")
        return self._factory()

    def bind(self, factory: Callable[[], Session]) -> None:
        self._factory = factory

    def reset(self) -> None:
        self._factory = None
