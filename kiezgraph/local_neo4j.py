"""The local default database: a real Neo4j 5.26 Community engine resolved from Maven Central.

``neo4j-local/pom.xml`` names the engine (``org.neo4j:neo4j``, which brings the Bolt connector
and the server's ``CommunityEntryPoint``). Maven writes the classpath once; its cache keeps the
jars, so only the first start downloads anything. :class:`LocalNeo4j` then
- writes a ``neo4j.conf`` bound to 127.0.0.1 on the chosen port, sized by the settings,
- sets a generated initial password before the very first start (stored 0600 beside the data),
- starts the JVM, returns once Bolt answers a query, and stops it gracefully;
- pauses and resumes the JVM (SIGSTOP/SIGCONT) for fault tests: a Neo4j that hangs, not one that is gone;
- asks the kernel to stop the JVM when its parent dies (``PR_SET_PDEATHSIG``), so no run or
  test session — passed, failed, interrupted or killed — leaves a JVM behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
import neo4j.exceptions as n4e

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parents[1] / "neo4j-local"
CLASSPATH_FILE = PROJECT_DIR / "target" / "classpath.txt"
SERVER_MAIN = "org.neo4j.server.CommunityEntryPoint"
ADMIN_MAIN = "org.neo4j.server.startup.Neo4jAdminCommand"
_PR_SET_PDEATHSIG = 1


class LocalNeo4jError(RuntimeError):
    """The local Neo4j could not be resolved, started or stopped; the message says why."""


def resolve_classpath(project_dir: Path = PROJECT_DIR) -> str:
    """The engine's classpath, resolved by Maven on first use (or when the pom changed)."""
    out = project_dir / "target" / "classpath.txt"
    pom = project_dir / "pom.xml"
    if out.exists() and out.stat().st_mtime >= pom.stat().st_mtime:
        classpath = out.read_text().strip()
        if all(Path(jar).exists() for jar in classpath.split(os.pathsep)):
            return classpath
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalNeo4jError("Maven (mvn) is needed to fetch Neo4j; install it or set NEO4J_URI")
    log.info("resolving Neo4j from Maven Central (first run downloads about 150 MB)")
    done = subprocess.run(
        [mvn, "-q", "-B", "-f", str(pom), "dependency:build-classpath", f"-Dmdep.outputFile={out}"],
        check=False,  # a failure is reported with Maven's own output below
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise LocalNeo4jError(f"Maven could not resolve Neo4j:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return out.read_text().strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _is_stopped(pid: int) -> bool:
    # /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces, so split after its ")".
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] in ("T", "t")


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: the JVM gets SIGTERM (a clean shutdown)
    # when the Python process that started it dies, however it dies.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class LocalNeo4j:
    """One Neo4j engine whose data, logs and password live under ``home``."""

    home: Path
    port: int = 7687
    heap: str = "512m"
    pagecache: str = "256m"
    user: str = "neo4j"
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def password(self) -> str:
        return (self.home / "password").read_text().strip()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, timeout: float = 180.0) -> None:
        if self._process is not None:
            return
        classpath = resolve_classpath()
        if _port_taken(self.port):
            raise LocalNeo4jError(
                f"port {self.port} on 127.0.0.1 is in use; stop what runs there or set KIEZGRAPH_NEO4J_PORT"
            )
        for sub in ("conf", "data", "logs"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        self._write_config()
        self._ensure_password(classpath)
        console = open(self.home / "logs" / "console.log", "ab")  # noqa: SIM115 - handed to the child
        self._process = subprocess.Popen(
            [
                "java",
                f"-Xms{self.heap}",
                f"-Xmx{self.heap}",
                "-XX:+UseG1GC",
                "-XX:-OmitStackTraceInFastThrow",
                "-Dfile.encoding=UTF-8",
                "-cp",
                classpath,
                SERVER_MAIN,
                f"--home-dir={self.home}",
                f"--config-dir={self.home / 'conf'}",
            ],
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            env=self._java_env(),
            # Runs only prctl() between fork and exec; the service starts the JVM before any thread of its own.
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - see the line above
            # Its own process group: a terminal's Ctrl-C reaches us, and we stop it in order.
            start_new_session=True,
        )
        console.close()
        (self.home / "neo4j.pid").write_text(str(self._process.pid))
        try:
            self._wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def pause(self, timeout: float = 30.0) -> None:
        """Freeze the JVM (SIGSTOP), as a hung machine or a long GC pause would; for fault tests.

        Returns once the kernel reports the process stopped, so nothing sent afterwards is answered
        until :meth:`resume`. Its sockets stay open: clients see silence, not a refused connection.
        """
        self._signal_and_wait(signal.SIGSTOP, stopped=True, timeout=timeout)

    def resume(self, timeout: float = 30.0) -> None:
        """Let a paused JVM run on (SIGCONT)."""
        self._signal_and_wait(signal.SIGCONT, stopped=False, timeout=timeout)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Neo4j frozen for the ``with`` block, and running again after it, however it ends."""
        self.pause()
        try:
            yield
        finally:
            self.resume()

    def _signal_and_wait(self, signum: signal.Signals, stopped: bool, timeout: float) -> None:
        if self._process is None or self._process.poll() is not None:
            raise LocalNeo4jError("Neo4j is not running")
        self._process.send_signal(signum)
        deadline = time.monotonic() + timeout
        while _is_stopped(self._process.pid) != stopped:
            if time.monotonic() > deadline:
                raise LocalNeo4jError(f"Neo4j did not {'stop' if stopped else 'continue'} within {timeout:.0f} s")
            time.sleep(0.01)

    def stop(self, timeout: float = 60.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)  # a paused JVM would not act on SIGTERM
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("Neo4j did not stop within %.0f s; killing it", timeout)
                process.kill()
                process.wait()
        (self.home / "neo4j.pid").unlink(missing_ok=True)

    def __enter__(self) -> LocalNeo4j:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _java_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.home)
        env["NEO4J_CONF"] = str(self.home / "conf")
        return env

    def _write_config(self) -> None:
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.default_advertised_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.port}",
            "server.http.enabled": "false",
            "server.https.enabled": "false",
            "server.directories.data": str(self.home / "data"),
            "server.directories.logs": str(self.home / "logs"),
            "server.memory.pagecache.size": self.pagecache,
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "db.tx_log.rotation.retention_policy": "2 files",
            # Without these the Bolt server waits 2 × 5 s for idle threads on every shutdown.
            "internal.server.bolt.thread_pool_shutdown_wait_time": "0s",
            "internal.server.bolt.connection_shutdown_wait_time": "0s",
        }
        text = "".join(f"{key}={value}\n" for key, value in settings.items())
        (self.home / "conf" / "neo4j.conf").write_text("# written by kiezgraph on every start\n" + text)

    def _ensure_password(self, classpath: str) -> None:
        password_file = self.home / "password"
        if password_file.exists():
            return
        if (self.home / "data" / "databases").exists():
            raise LocalNeo4jError(
                f"{self.home}/data holds a database but {password_file} is missing; "
                "restore the file or delete the folder to start afresh"
            )
        # Hex, not urlsafe base64: a password starting with "-" would be read as an option.
        password = secrets.token_hex(24)
        done = subprocess.run(
            ["java", "-cp", classpath, ADMIN_MAIN, "dbms", "set-initial-password", password],
            check=False,  # a failure is reported with the tool's own output below
            capture_output=True,
            text=True,
            env=self._java_env(),
        )
        if done.returncode != 0:
            raise LocalNeo4jError(f"could not set Neo4j's initial password:\n{done.stdout}{done.stderr}")
        fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password), connection_timeout=1.0) as driver:
            while True:
                assert self._process is not None
                if self._process.poll() is not None:
                    raise LocalNeo4jError(f"Neo4j exited during start-up:\n{self._log_tail()}")
                try:
                    # A plain session run: execute_query would retry (and wait) on its own.
                    with driver.session(database="neo4j") as session:
                        session.run("RETURN 1").consume()
                    return
                except (n4e.ServiceUnavailable, n4e.SessionExpired, n4e.TransientError, OSError):
                    pass
                except n4e.Neo4jError as exc:  # e.g. DatabaseUnavailable while the store recovers
                    log.debug("Neo4j not ready yet: %s", exc.code)
                if time.monotonic() > deadline:
                    raise LocalNeo4jError(f"Neo4j did not answer on {self.uri} within {timeout:.0f} s")
                time.sleep(0.2)

    def _log_tail(self, lines: int = 30) -> str:
        parts = []
        for name in ("console.log", "neo4j.log"):
            path = self.home / "logs" / name
            if path.exists():
                parts.append("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(parts)
