"""HAProxy in front of the replicas: its configuration, its process and its runtime API.

Debian's ``haproxy`` package (2.6 on bookworm). The configuration follows docs/deploy.md:
health checks on ``/_stcore/health``, websocket-friendly ``timeout tunnel``, stickiness by an
inserted cookie (never by client IP: a whole room shares one venue network), ``option redispatch``
so a visitor whose replica died is sent to a live one. The runtime API (a Unix socket,
``stats socket … level admin``) drains a replica before it stops and reports each one's state.
"""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BACKEND = "replicas"
COOKIE = "SERVERID"
INSTALL_HINT = "install Debian's HAProxy: apt-get install haproxy"


def haproxy_binary() -> str:
    path = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").is_file() else None)
    if path is None:
        raise RuntimeError(f"haproxy not found: {INSTALL_HINT}")
    return path


def config(bind: str, servers: Sequence[tuple[str, int]], stats_socket: Path, check_interval_ms: int = 1000) -> str:
    """The configuration text: one frontend on ``bind`` (``host:port``), one backend with ``servers``.

    ``servers`` are ``(name, port)`` on 127.0.0.1; each name is also its cookie value.
    """
    lines = [
        "global",
        f"    stats socket {stats_socket} mode 600 level admin",
        "    maxconn 4096",
        "    hard-stop-after 30s",
        "",
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    timeout http-request 10s",
        "    timeout client 30s",
        "    timeout server 60s",
        "    timeout queue 30s",
        "    # a websocket is a tunnel once upgraded: a participant's page stays open for hours",
        "    timeout tunnel 1h",
        "    timeout client-fin 30s",
        "    option redispatch",
        "    retries 2",
        "",
        "frontend lupe",
        f"    bind {bind}",
        f"    default_backend {BACKEND}",
        "",
        f"backend {BACKEND}",
        "    # long-lived websockets: the replica with the fewest sessions gets the next newcomer",
        "    balance leastconn",
        "    option httpchk GET /_stcore/health",
        "    http-check expect string ok",
        "    # stickiness by cookie: uploads, downloads and the websocket must reach the session's replica",
        f"    cookie {COOKIE} insert indirect nocache httponly attr \"SameSite=Lax\"",
        f"    default-server check inter {check_interval_ms} fall 2 rise 1",
    ]
    lines += [f"    server {name} 127.0.0.1:{port} cookie {name}" for name, port in servers]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ServerState:
    name: str
    status: str  # "UP", "DOWN", "DRAIN", "MAINT", "no check" …
    current_sessions: int
    total_sessions: int


class HAProxy:
    """One ``haproxy -db`` process (foreground) with its runtime API."""

    def __init__(self, folder: Path, bind_host: str, port: int, servers: Sequence[tuple[str, int]],
                 check_interval_ms: int = 1000) -> None:
        self.folder = folder
        self.port = port
        self.bind_host = bind_host
        self.socket_path = folder / "haproxy.sock"
        self.config_path = folder / "haproxy.cfg"
        self.log = folder / "haproxy.log"
        self.config_path.write_text(config(f"{bind_host}:{port}", servers, self.socket_path, check_interval_ms))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.bind_host in ("0.0.0.0", "*", "") else self.bind_host
        return f"http://{host}:{self.port}"

    def check_config(self) -> None:
        out = subprocess.run([haproxy_binary(), "-c", "-f", str(self.config_path)], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"haproxy rejected {self.config_path}: {out.stdout}{out.stderr}")

    def start(self, timeout: float = 10) -> None:
        self.check_config()
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen([haproxy_binary(), "-db", "-f", str(self.config_path)], stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"haproxy exited with {self.proc.returncode}: {self.log.read_text()}")
            if self.socket_path.exists():
                try:
                    self.command("show info")
                    return
                except OSError:
                    pass
            time.sleep(0.02)
        raise RuntimeError(f"haproxy did not open its runtime socket within {timeout} s")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # hard stop: the replicas behind it are already gone
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def command(self, line: str) -> str:
        """One runtime API command (``show stat``, ``set server replicas/r1 state drain`` …); its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(self.socket_path))
            s.sendall(line.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def states(self) -> dict[str, ServerState]:
        """Each replica's state as HAProxy sees it (``show stat``)."""
        text = self.command("show stat").lstrip("# ")
        states = {}
        for row in csv.DictReader(io.StringIO(text)):
            if row.get("pxname") == BACKEND and row.get("svname") not in ("FRONTEND", "BACKEND"):
                states[row["svname"]] = ServerState(row["svname"], row["status"], int(row["scur"] or 0),
                                                    int(row["stot"] or 0))
        return states

    def set_state(self, server: str, state: str) -> None:
        """``ready``, ``drain`` (no new visitors; sticky ones still come) or ``maint`` (no traffic at all)."""
        answer = self.command(f"set server {BACKEND}/{server} state {state}").strip()
        if answer:
            raise RuntimeError(f"haproxy refused state {state} for {server}: {answer}")

    def wait_status(self, server: str, status: str, timeout: float = 15) -> float:
        """Wait until ``server``'s status is exactly ``status`` ("UP", "DOWN"; not a transition such
        as "UP 1/2", which is up but failing checks); seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.states()[server].status == status:
                return time.monotonic() - start
            time.sleep(0.05)
        raise TimeoutError(f"{server} still {self.states()[server].status} after {timeout} s (wanted {status})")
