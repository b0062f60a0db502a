"""A throwaway PostgreSQL cluster for the tests: initdb in a temp folder, one server, gone after.

The test command starts it itself, so that every PostgreSQL test runs wherever the README's test
command runs: it finds the server binaries (``$PATH``, ``pg_config --bindir``,
``/usr/lib/postgresql/*/bin``), and raises ``ClusterError`` (the tests then fail, loudly) when
there are none or the server does not start. Nothing is skipped for want of a server.

The server never runs as root (PostgreSQL refuses to): under root the data and socket folders
are handed to ``nobody`` and the server runs as that user. It listens on a unix socket in its
own folder only (no TCP port to collide with another run) and trusts local connections. Each
server is told to stop when the process that started it dies (``PR_SET_PDEATHSIG``), so a test
run killed outright leaves no server behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

_PR_SET_PDEATHSIG = 1
_PORT = 5432
_UNPRIVILEGED = "nobody"


class ClusterError(RuntimeError):
    """No PostgreSQL server could be found or started."""


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``postgres``.

    Raises:
        ClusterError: no PostgreSQL server binaries on this machine.
    """
    candidates: list[Path] = []
    for name in ("initdb", "postgres"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(found).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            )
            candidates.append(Path(out.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    candidates += [Path(p) for p in sorted(glob.glob("/usr/pgsql-*/bin"), reverse=True)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    raise ClusterError(
        "no PostgreSQL server binaries (initdb, postgres) found on PATH, through pg_config or "
        "under /usr/lib/postgresql/*/bin; install the PostgreSQL server (e.g. "
        "`apt-get install postgresql`) — the PostgreSQL tests cannot run without one"
    )


def _as_user(uid: int | None, gid: int | None) -> Callable[[], None]:
    """A ``preexec_fn``: drop to ``uid``/``gid`` (when given), then die with the parent.

    The death signal is set after the change of user, which would otherwise clear it.
    """

    def _switch() -> None:
        if gid is not None and uid is not None:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGQUIT)

    return _switch


@dataclass
class Cluster:
    """One running server in a temp folder."""

    root: Path
    bindir: Path
    process: subprocess.Popen[bytes] | None = None
    uid: int | None = None
    gid: int | None = None
    databases: list[str] = field(default_factory=list)
    settings: Mapping[str, str] = field(default_factory=dict)
    """Server settings beyond the test defaults (``-c name=value``), e.g. a benchmark's
    ``shared_buffers``."""

    @property
    def socket_dir(self) -> Path:
        """The folder holding the server's unix socket."""
        return self.root / "socket"

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        """The server's log."""
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        """A libpq URL for ``database`` over the unix socket, as the superuser."""
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://postgres@{host}:{_PORT}/{database}"

    def start(self) -> None:
        """initdb and start the server; return once it accepts connections.

        Raises:
            ClusterError: initdb failed or the server did not come up (its log is quoted).
        """
        self.data_dir.mkdir(mode=0o700)
        self.socket_dir.mkdir(mode=0o700)
        self.log_path.touch(mode=0o600)
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(_UNPRIVILEGED)
            except KeyError:
                raise ClusterError(
                    f"running as root and there is no {_UNPRIVILEGED!r} user to run the "
                    "PostgreSQL test server as (it refuses to run as root)"
                ) from None
            self.uid, self.gid = user.pw_uid, user.pw_gid
            for path in (self.root, self.data_dir, self.socket_dir, self.log_path):
                os.chown(path, self.uid, self.gid)
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "UTC"}
        for name in [name for name in env if name.startswith("PG")]:
            env.pop(name)
        initdb = subprocess.run(
            [str(self.bindir / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            capture_output=True, text=True, env=env, cwd=self.root, check=False, timeout=300,
            preexec_fn=_as_user(self.uid, self.gid),
        )  # fmt: skip
        if initdb.returncode != 0:
            raise ClusterError(
                f"initdb failed in {self.data_dir} (exit {initdb.returncode}):\n"
                f"{initdb.stdout}\n{initdb.stderr}"
            )
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(self.bindir / "postgres"), "-D", str(self.data_dir), "-p", str(_PORT),
             "-k", str(self.socket_dir), "-c", "listen_addresses=", "-c", "fsync=off",
             "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=60", "-c", "shared_buffers=32MB",
             *(f"-c{name}={value}" for name, value in self.settings.items())],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.root,
            # Started before any thread of the test run: the one way to set the death signal.
            preexec_fn=_as_user(self.uid, self.gid),  # noqa: PLW1509
        )  # fmt: skip
        log.close()
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60.0) -> None:
        ready = [str(self.bindir / "pg_isready"), "-q", "-h", str(self.socket_dir),
                 "-p", str(_PORT), "-U", "postgres"]  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                break
            if subprocess.run(ready, check=False, timeout=30).returncode == 0:
                return
            time.sleep(0.1)
        log = self.log_path.read_text("utf-8", errors="replace")
        self.stop()
        raise ClusterError(f"the PostgreSQL test server did not start; its log:\n{log}")

    def stop(self) -> None:
        """Stop the server at once (immediate shutdown) and remove the temp folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(settings: Mapping[str, str] | None = None) -> Cluster:
    """A new running cluster in a fresh temp folder, with ``settings`` beyond the test
    defaults (a benchmark sizes its server as a company's would be).

    Raises:
        ClusterError: no server binaries, or the server did not start.
    """
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="creditfile-pg-"))
    cluster = Cluster(root=root, bindir=bindir, settings=dict(settings or {}))
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
