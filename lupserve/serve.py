"""``make serve REPLICAS=2``: N Streamlit replicas of ``app.py`` behind HAProxy, against PostgreSQL.

The database is ``LUPE_DATABASE_URL`` when it is set; otherwise a throwaway PostgreSQL cluster is
started for the run (``lupserve.pgtemp``) and removed at the end: say so loudly, its rooms are lost.
Every replica gets the same ``server.cookieSecret`` (through the environment, never the command
line) and the repo's ``.streamlit/config.toml``, and draws one page before it takes visitors (a
fresh process spends seconds loading data on its first page). HAProxy listens on ``--port`` and
keeps a browser on its replica with a cookie.

Signals: SIGTERM or SIGINT stops everything gracefully (each replica is set to ``drain`` in HAProxy,
given ``--grace`` seconds to finish what it is doing, taken out of rotation, then sent SIGTERM);
SIGHUP restarts the replicas one at a time (a rolling restart, e.g. after a code update).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from lupserve import pgtemp
from lupserve.haproxy import HAProxy
from lupserve.procs import ROOT, Server, free_port, health_ok, launch, run_async

DATABASE_VAR = "LUPE_DATABASE_URL"
WARM_QUERY = "area=E08000030"  # any council: the data and the shared caches are what a first page loads


def log(message: str) -> None:
    print(f"[serve] {message}", file=sys.stderr, flush=True)


@dataclass
class Deployment:
    replicas: int = 2
    port: int = 0  # 0: a free port
    bind_host: str = "127.0.0.1"
    database_url: str | None = None  # None: LUPE_DATABASE_URL, else a throwaway cluster
    grace_s: float = 2.0
    check_interval_ms: int = 1000
    script: str = "app.py"
    servers: dict[str, Server] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="lupe-serve-"))
        self.cluster: pgtemp.Cluster | None = None
        self.haproxy: HAProxy | None = None
        self.cookie_secret = secrets.token_urlsafe(32)
        self.names = [f"r{i + 1}" for i in range(self.replicas)]
        self.ports = {name: free_port() for name in self.names}
        self._lock = threading.Lock()

    # ----- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Deployment:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        url = self.database_url or os.environ.get(DATABASE_VAR)
        if not url:
            log("LUPE_DATABASE_URL is not set: starting a THROWAWAY PostgreSQL cluster; its rooms are deleted "
                "when this command ends")
            self.cluster = pgtemp.start(durable=True)
            url = self.cluster.url
        self.database_url = url
        self.migrate()
        for name in self.names:
            self.servers[name] = self._launch(name)
        for name in self.names:
            self.servers[name].wait_healthy()
            self.warm(name)
        self.port = self.port or free_port()
        self.haproxy = HAProxy(self.folder, self.bind_host, self.port, list(self.ports.items()),
                               self.check_interval_ms)
        self.haproxy.start()
        for name in self.names:
            self.haproxy.wait_status(name, "UP")

    def close(self) -> None:
        try:
            self.stop_replicas(list(self.servers))
        finally:
            if self.haproxy is not None:
                self.haproxy.stop()
            if self.cluster is not None:
                pgtemp.stop(self.cluster)
            shutil.rmtree(self.folder, ignore_errors=True)

    # ----- the database ---------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        return {DATABASE_VAR: self.database_url or "", "STREAMLIT_SERVER_COOKIE_SECRET": self.cookie_secret}

    def migrate(self) -> None:
        """Bring the schema to the newest migration once, before any replica starts (no race between them).

        The workshop store applies its Alembic migrations when it is opened (``open_store``); this
        opens it once in a child process with the deployment's URL.
        """
        if importlib.util.find_spec("lupcore.workshop.store") is None:
            log("no workshop store in this checkout: no schema to migrate")
            return
        out = subprocess.run([sys.executable, "-c", "from lupcore.workshop.store import open_store; open_store()"],
                             cwd=ROOT, capture_output=True, text=True, env={**os.environ, **self.env})
        if out.returncode != 0:
            raise RuntimeError(f"migrating the workshop database failed: {out.stderr or out.stdout}")

    # ----- replicas -------------------------------------------------------------------------

    def _launch(self, name: str) -> Server:
        return launch(self.script, port=self.ports[name], log_dir=str(self.folder), env=self.env, new_session=True,
                      preload=True)

    def launch_replica(self, name: str) -> Server:
        """Start replica ``name``'s process on its port without waiting (``admit`` puts it in rotation)."""
        with self._lock:
            server = self._launch(name)
            self.servers[name] = server
        return server

    def warm(self, name: str) -> float:
        """Draw a first page on replica ``name`` directly (not through HAProxy); seconds it took.

        A fresh process loads the data and fills its caches on its first page (seconds of CPU): this
        way that page is drawn for nobody, before the replica takes visitors.
        """
        from bench.wsclient import StSession  # websockets is a dependency of Streamlit itself

        async def visit() -> float:
            session = StSession(self.servers[name].port, query_string=WARM_QUERY)
            try:
                await session.connect()
                return (await session.first_run(timeout=120)).seconds
            finally:
                await session.close()

        return run_async(visit())

    def admit(self, name: str) -> None:
        """Once healthy and warmed: back in rotation (out of ``maint``), and UP."""
        self.servers[name].wait_healthy(poll=0.01)
        self.warm(name)
        if self.haproxy is not None:
            self.haproxy.set_state(name, "ready")
            self.haproxy.wait_status(name, "UP")

    def start_replica(self, name: str) -> Server:
        """Start (or restart) replica ``name`` on its port; return once warmed and HAProxy routes to it."""
        if self.haproxy is not None and self.haproxy.running:
            self.haproxy.set_state(name, "maint")  # no visitor reaches it before it is warm
        server = self.launch_replica(name)
        self.admit(name)
        return server

    def stop_replica(self, name: str) -> int:
        """Graceful: drain in HAProxy, wait ``grace_s``, take it out of rotation, SIGTERM; its exit code."""
        return self.stop_replicas([name])[name]

    def stop_replicas(self, names: list[str]) -> dict[str, int]:
        live = [n for n in names if n in self.servers and self.servers[n].proc.poll() is None]
        if self.haproxy is not None and self.haproxy.running and live:
            for name in live:
                self.haproxy.set_state(name, "drain")  # no newcomers; its own visitors still reach it
            time.sleep(self.grace_s)
            for name in live:
                self.haproxy.set_state(name, "maint")  # from now on its visitors are redispatched
        return {name: self.servers[name].stop() for name in names if name in self.servers}

    def kill_replica(self, name: str) -> None:
        """SIGKILL, as a crash: nothing is drained or finished."""
        self.servers[name].kill()

    def rolling_restart(self) -> None:
        for name in self.names:
            log(f"restarting {name}")
            self.stop_replica(name)
            started = time.perf_counter()
            self.start_replica(name)
            log(f"{name} back in rotation after {time.perf_counter() - started:.1f} s")

    @property
    def url(self) -> str:
        assert self.haproxy is not None
        return self.haproxy.url

    def healthy(self) -> dict[str, bool]:
        return {name: health_ok(server.url) for name, server in self.servers.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lupserve", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (about one per core; default 2)")
    parser.add_argument("--port", type=int, default=8080, help="HAProxy's port (default 8080)")
    parser.add_argument("--bind", default="127.0.0.1", help="HAProxy's address (default 127.0.0.1; 0.0.0.0 for a LAN)")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds a draining replica gets to finish")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    from lupcore.workshop.store import pool_settings

    try:
        pool_settings()  # a bad LUPE_DB_POOL_SIZE stops here, before any cluster or replica starts
    except ValueError as exc:
        parser.error(str(exc))

    stop = threading.Event()
    restart = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGHUP, lambda *_: restart.set())
    with Deployment(args.replicas, args.port, args.bind, grace_s=args.grace) as deployment:
        log(f"{args.replicas} replica(s) on ports {', '.join(str(p) for p in deployment.ports.values())} "
            f"(logs in {deployment.folder})")
        log(f"open {deployment.url}/  ·  stop: Ctrl+C or SIGTERM  ·  rolling restart: kill -HUP {os.getpid()}")
        while not stop.is_set():
            stop.wait(1)
            if restart.is_set():
                restart.clear()
                deployment.rolling_restart()
            for name, server in deployment.servers.items():
                if server.proc.poll() is not None and not stop.is_set():
                    log(f"{name} exited with {server.proc.returncode}; starting it again")
                    deployment.start_replica(name)
        log("stopping: draining every replica")
    return 0


if __name__ == "__main__":
    sys.exit(main())
