"""`make run`'s stack for tests over HTTP: `elcorp dev` in its own process group, with its
own VAR_DIR, on a free port; stopped with a terminal's Ctrl-C (SIGINT to the group).

Used by the dev-stack end-to-end test and by the dashboard's browser suite."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

STARTUP_BUDGET = 180  # seconds: the acceptance criterion


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def group_processes(pgid: int) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pgid=,pid=,args="], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.split(None, 1)[0] == str(pgid)]


class DevStack:
    def __init__(self, var_dir: Path, env_overrides: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update({"VAR_DIR": str(var_dir), "GUNICORN_WORKERS": "1", "ENV": "development", **env_overrides})
        self.log = (var_dir.parent / "dev.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "elcorp.cli", "dev", "--port", str(self.port)],
            cwd=var_dir.parent,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal job would be
        )

    def wait_healthy(self, path: str = "/health", budget: float = STARTUP_BUDGET) -> float:
        started = time.monotonic()
        while time.monotonic() - started < budget:
            if self.process.poll() is not None:
                pytest.fail(f"elcorp dev exited early:\n{self.output()}")
            try:
                if get(f"{self.base}{path}")[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.25)
        pytest.fail(f"no {path} within {budget}s:\n{self.output()}")

    def demo_admin(self) -> tuple[str, str]:
        """(email, password) of the demo administrator `elcorp dev` printed once."""
        output = self.output(tail=None)
        email, password = re.search(r"email:\s+(\S+)", output), re.search(r"password:\s+(\S+)", output)
        assert email and password, f"no demo administrator in the output:\n{self.output()}"
        return email.group(1), password.group(1)

    def ctrl_c(self) -> list[str]:
        """Send SIGINT to the whole process group, as a terminal's Ctrl-C does."""
        os.killpg(self.process.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        time.sleep(0.5)
        left = group_processes(self.process.pid)
        if left:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
        return left

    def output(self, tail: int | None = 4000) -> str:
        if not self.log.closed:
            self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return text[-tail:] if tail else text
