"""docs/LEARNING_GUIDE.md walks the code by its file paths: every path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GUIDE = ROOT / "docs" / "LEARNING_GUIDE.md"
FILE_NAME = re.compile(r"^[\w.-]+\.(?:py|sql|md|toml|ts|json|ini|sh|cfg|txt|yml|yaml)$")
# Made by `make run` at run time (git-ignored), named as places to look, not as code.
RUNTIME = {"var/mail/"}


def backticked_paths(text: str) -> list[str]:
    """Spans in backticks that name a file or folder of the repository: a relative path
    (with a slash) or a bare file name; not URLs, API paths, commands or placeholders."""
    found = []
    for span in re.findall(r"`([^`\n]+)`", text):
        if any(c in span for c in " <>{}*$") or span.startswith(("/", "http", "-")):
            continue
        if "/" in span or FILE_NAME.match(span):
            found.append(span)
    return found


def test_every_backticked_path_in_the_learning_guide_exists() -> None:
    paths = backticked_paths(GUIDE.read_text(encoding="utf-8"))
    assert len(paths) >= 40, "the guide walks the code by its paths"
    missing = [p for p in paths if p not in RUNTIME and not (ROOT / p).exists()]
    assert not missing, "paths named in docs/LEARNING_GUIDE.md that do not exist: " + ", ".join(missing)


def test_the_walk_covers_the_request_and_the_event_end_to_end() -> None:
    paths = set(backticked_paths(GUIDE.read_text(encoding="utf-8")))
    for stop in (
        "backend/src/elcorp/shared/interfaces/middleware.py",
        "backend/src/elcorp/shared/interfaces/auth.py",
        "backend/src/elcorp/payments/interfaces/http.py",
        "backend/src/elcorp/payments/application/payments.py",
        "backend/src/elcorp/shared/infrastructure/unit_of_work.py",
        "backend/src/elcorp/payments/infrastructure/sql/payments_execute.v3.sql",
        "backend/src/elcorp/shared/infrastructure/outbox.py",
        "backend/src/elcorp/shared/interfaces/envelope.py",
        "backend/src/elcorp/jobs/tasks.py",
        "backend/src/elcorp/shared/application/message_bus.py",
    ):
        assert stop in paths, stop


def test_the_path_finder_skips_what_is_not_a_path() -> None:
    text = "`POST /api/v1/transfers` `/health` `a/<b>/c` `make run` `Idempotency-Key` `x/y.py` `Makefile.py`"
    assert backticked_paths(text) == ["x/y.py", "Makefile.py"]
