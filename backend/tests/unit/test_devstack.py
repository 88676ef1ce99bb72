"""`elcorp dev`'s steps (cli/devstack.py) without starting anything: the environment the
children get, the commands they run, the summary, supervision and the orderly stop."""

from __future__ import annotations

import json
import signal
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from elcorp.cli import devstack
from elcorp.cli.devstack import STACK_FILE, _Stack, _StopRequest


class FakeChild:
    """A child process: running until `exit_code` is set; a SIGTERM makes it exit."""

    def __init__(self, exit_code: int | None = None) -> None:
        self.returncode = exit_code
        self.signals: list[int] = []

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, signum: int) -> None:
        self.signals.append(signum)
        self.returncode = -signum

    def wait(self, timeout: float | None = None) -> int | None:
        return self.returncode

    def kill(self) -> None:
        self.returncode = -9


class FakeServer:
    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def settings(**values: Any) -> Any:
    defaults = {
        "DATABASE_URL": "postgresql://db/x",
        "REDIS_URL": "redis://r/0",
        "INVOICE_ISSUER_VAT_NUMBER": "",
    }
    return SimpleNamespace(**{**defaults, **values})


def test_external_servers_are_used_as_they_are(tmp_path: Path):
    stack = _Stack(var=tmp_path, env={})

    devstack._start_servers(settings(), stack)

    assert (stack.postgres, stack.redis) == (None, None)
    assert (stack.database_note, stack.redis_note) == ("external (DATABASE_URL)", "external (REDIS_URL)")
    assert stack.env == {}


def test_the_environment_gets_a_fresh_metrics_directory_a_demo_vat_number_and_is_published(tmp_path: Path):
    stale = tmp_path / "prometheus" / "counter_1.db"
    stale.parent.mkdir()
    stale.write_text("old")
    stack = _Stack(var=tmp_path, env={"DATABASE_URL": "postgresql://db/x", "REDIS_URL": "redis://r/0"})

    devstack._prepare_environment(settings(), stack)

    assert stack.env["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "prometheus")
    assert list((tmp_path / "prometheus").iterdir()) == []
    assert stack.env["INVOICE_ISSUER_VAT_NUMBER"] == devstack.DEMO_VAT_NUMBER
    published = tmp_path / STACK_FILE
    assert json.loads(published.read_text()) == {
        "DATABASE_URL": "postgresql://db/x",
        "REDIS_URL": "redis://r/0",
    }
    assert stat.S_IMODE(published.stat().st_mode) == 0o600
    assert devstack.running_stack_urls(tmp_path) == ("postgresql://db/x", "redis://r/0")


def test_a_configured_vat_number_is_left_alone(tmp_path: Path):
    stack = _Stack(var=tmp_path, env={"DATABASE_URL": "d", "REDIS_URL": "r"})

    devstack._prepare_environment(settings(INVOICE_ISSUER_VAT_NUMBER="NA-123"), stack)

    assert "INVOICE_ISSUER_VAT_NUMBER" not in stack.env


def test_the_children_are_the_api_a_worker_and_beat(tmp_path: Path):
    stack = _Stack(var=tmp_path, env={"GUNICORN_WORKERS": "1"})

    commands = devstack._child_commands("127.0.0.1", 8123, stack)

    assert list(commands) == ["api", "worker", "beat"]
    api = commands["api"]
    assert api[api.index("--bind") + 1] == "127.0.0.1:8123"
    assert api[api.index("--workers") + 1] == "1"
    assert api[-1] == "elcorp.wsgi:app"
    assert commands["worker"][4:6] == ["elcorp.jobs.celery_app", "worker"]
    beat = commands["beat"]
    assert beat[beat.index("--schedule") + 1] == str(tmp_path / "celerybeat-schedule")


def test_gunicorn_runs_two_workers_unless_told_otherwise(tmp_path: Path):
    api = devstack._child_commands("0.0.0.0", 8000, _Stack(var=tmp_path, env={}))["api"]  # noqa: S104

    assert api[api.index("--workers") + 1] == "2"


def test_the_summary_shows_the_demo_admin_before_the_urls(tmp_path: Path):
    stack = _Stack(var=tmp_path, env={})
    text = devstack._summary("http://127.0.0.1:8000", stack, "Demo administrator: admin@example.com")
    assert text.index("Demo administrator") < text.index("http://127.0.0.1:8000/api/v1")


def test_mail_links_follow_the_port_served_unless_the_url_is_set():
    unset = SimpleNamespace(model_fields_set=set(), PUBLIC_BASE_URL="http://127.0.0.1:8000")
    assert devstack.public_base_url(unset, "127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert devstack.public_base_url(unset, "0.0.0.0", 9000) == "http://127.0.0.1:9000"  # noqa: S104
    chosen = SimpleNamespace(model_fields_set={"PUBLIC_BASE_URL"}, PUBLIC_BASE_URL="https://elcorp.example")
    assert devstack.public_base_url(chosen, "127.0.0.1", 8123) == "https://elcorp.example"


def test_children_run_in_sessions_of_their_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """So a terminal's Ctrl-C reaches only `elcorp dev`, which stops each child gracefully."""
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(devstack.subprocess, "Popen", lambda argv, **kw: started.append(kw) or FakeChild())
    stack = _Stack(var=tmp_path, env={"A": "1"})
    devstack._start_children({"api": ["gunicorn"], "worker": ["celery"]}, stack)
    assert [kw["start_new_session"] for kw in started] == [True, True]
    assert all(kw["preexec_fn"] is devstack.die_with_parent for kw in started)


def test_the_summary_lists_every_url_and_the_demo_admin_again(tmp_path: Path):
    stack = _Stack(var=tmp_path, env={}, database_note="embedded, data in var/postgres")

    text = devstack._summary("http://127.0.0.1:8000", stack, "demo admin: admin@example.com / s3cret")

    assert "  API          http://127.0.0.1:8000/api/v1" in text
    assert "  API docs     http://127.0.0.1:8000/api/docs" in text
    assert "  PostgreSQL   embedded, data in var/postgres" in text
    assert "  Redis        external (REDIS_URL)" in text
    assert "demo admin: admin@example.com / s3cret" in text
    assert text.endswith("Press Ctrl-C to stop everything.\n")


def test_supervision_ends_with_1_naming_the_child_that_died(capsys: pytest.CaptureFixture[str]):
    children = {"api": FakeChild(), "worker": FakeChild(exit_code=3), "beat": FakeChild()}

    assert devstack._supervise(children, _StopRequest()) == 1  # type: ignore[arg-type]

    assert "error: the worker process exited (code 3); stopping" in capsys.readouterr().err


def test_supervision_ends_with_0_on_a_stop_request():
    stop = _StopRequest()
    stop(signal.SIGTERM, None)

    assert devstack._supervise({"api": FakeChild(exit_code=1)}, stop) == 0  # type: ignore[dict-item]


def test_stopping_ends_the_children_then_the_servers_and_withdraws_the_urls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    (tmp_path / STACK_FILE).write_text("{}")
    postgres, redis = FakeServer(), FakeServer()
    running, finished = FakeChild(), FakeChild(exit_code=0)
    stack = _Stack(var=tmp_path, env={}, postgres=postgres, redis=redis)  # type: ignore[arg-type]
    stack.children = {"api": running, "worker": finished}  # type: ignore[dict-item]

    devstack._stop_stack(stack)

    assert running.signals == [signal.SIGTERM] and finished.signals == []
    assert postgres.stopped and redis.stopped
    assert not (tmp_path / STACK_FILE).exists()
    assert capsys.readouterr().out == "stopped: API, worker, beat, Redis, PostgreSQL\n"


def test_stopping_with_external_servers_names_only_the_children(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    devstack._stop_stack(_Stack(var=tmp_path, env={}))

    assert capsys.readouterr().out == "stopped: API, worker, beat\n"


def _frontend(tmp_path: Path) -> Path:
    """A frontend/ checkout; the fake `npm run build` writes dist/index.html like vite."""
    frontend = tmp_path / "frontend"
    (frontend / "src").mkdir(parents=True)
    (frontend / "src" / "main.tsx").write_text("render()")
    (frontend / "package.json").write_text("{}")
    (frontend / "package-lock.json").write_text("{}")
    return frontend


def _fake_npm(monkeypatch: pytest.MonkeyPatch, frontend: Path, fail: str = "") -> list[list[str]]:
    ran: list[list[str]] = []

    def run(argv: list[str], cwd: Path, check: bool) -> Any:
        ran.append(argv[1:])
        if argv[1] == "ci":
            (frontend / "node_modules").mkdir(exist_ok=True)
            (frontend / "node_modules" / ".package-lock.json").write_text("{}")
        if argv[1:] == ["run", "build"] and fail != "build":
            (frontend / "dist").mkdir(exist_ok=True)
            (frontend / "dist" / "index.html").write_text("<html>")
        return SimpleNamespace(returncode=1 if fail == argv[1] or fail == argv[-1] else 0)

    monkeypatch.setattr(devstack.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(devstack.subprocess, "run", run)
    return ran


def test_the_dashboard_is_installed_and_built_once_then_only_when_its_sources_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    frontend = _frontend(tmp_path)
    ran = _fake_npm(monkeypatch, frontend)

    assert devstack.build_dashboard(frontend) is True
    assert ran == [["ci", "--no-audit", "--no-fund"], ["run", "build"]]
    assert (frontend / "dist" / devstack.BUILD_STAMP).read_text() == devstack.frontend_digest(frontend)

    ran.clear()
    assert devstack.build_dashboard(frontend) is True
    assert ran == []  # nothing changed: no install, no build

    (frontend / "src" / "main.tsx").write_text("render(<App />)")
    assert devstack.build_dashboard(frontend) is True
    assert ran == [["run", "build"]]  # sources changed, the lockfile did not


def test_the_source_digest_follows_contents_and_file_names(tmp_path: Path):
    frontend = _frontend(tmp_path)
    first = devstack.frontend_digest(frontend)
    (frontend / "dist").mkdir()
    (frontend / "dist" / "index.html").write_text("built")
    assert devstack.frontend_digest(frontend) == first  # build output is not a source
    (frontend / "src" / "extra.ts").write_text("")
    assert devstack.frontend_digest(frontend) != first


def test_without_node_the_dashboard_is_skipped_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    frontend = _frontend(tmp_path)
    monkeypatch.setattr(devstack.shutil, "which", lambda name: None)
    monkeypatch.setattr(devstack.subprocess, "run", lambda *a, **k: pytest.fail("npm must not run"))

    assert devstack.build_dashboard(frontend) is False
    assert capsys.readouterr().err.strip() == devstack.NODE_MISSING


def test_a_failed_build_is_reported_and_leaves_no_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    frontend = _frontend(tmp_path)
    _fake_npm(monkeypatch, frontend, fail="build")

    assert devstack.build_dashboard(frontend) is False
    assert "`npm run build` failed in frontend/" in capsys.readouterr().err
    assert not (frontend / "dist" / devstack.BUILD_STAMP).exists()


def test_the_summary_shows_the_dashboard_url_when_built(tmp_path: Path):
    built = _Stack(var=tmp_path, env={}, dashboard_built=True)
    assert "  Dashboard    http://127.0.0.1:8000/dashboard/" in devstack._summary(
        "http://127.0.0.1:8000", built, ""
    )
    missing = _Stack(var=tmp_path, env={})
    assert "  Dashboard    not built" in devstack._summary("http://127.0.0.1:8000", missing, "")
