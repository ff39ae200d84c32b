"""A throwaway PostgreSQL cluster on a free loopback port, data in a temporary folder, for tests and demos.

Debian's ``postgresql`` package (any version under /usr/lib/postgresql) provides ``initdb`` and
``pg_ctl``. PostgreSQL refuses to run as root, so as root the cluster runs as an unprivileged
account (``postgres``, which the Debian package creates, else ``nobody``; ``LUPE_PG_OS_USER``
overrides) through ``runuser``. The cluster listens on 127.0.0.1 only, with a random password
(scram-sha-256), and its Unix socket sits in the same temporary folder, so nothing outside it is touched.

From a shell (``.ci/run`` does this)::

    eval "$(python3 -m lupserve.pgtemp start)"       # exports LUPE_TEST_POSTGRES_URL and LUPE_PGTEMP_DIR
    trap 'python3 -m lupserve.pgtemp stop "$LUPE_PGTEMP_DIR"' EXIT

or around one command (``make test`` does this when PostgreSQL is installed)::

    python3 -m lupserve.pgtemp run -- .venv/bin/python -m pytest

Standard library only: it runs before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

DB_NAME = "lupe"
DB_USER = "lupe"
TEST_URL_VAR = "LUPE_TEST_POSTGRES_URL"
DIR_VAR = "LUPE_PGTEMP_DIR"
INSTALL_HINT = "install Debian's PostgreSQL: apt-get install postgresql"


class PgTempError(RuntimeError):
    """PostgreSQL is missing or the cluster could not start; the message says what to do."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_bindir() -> Path:
    """The folder with ``initdb`` and ``pg_ctl``: ``PG_BINDIR``, else the newest /usr/lib/postgresql/N/bin."""
    if os.environ.get("PG_BINDIR"):
        given = Path(os.environ["PG_BINDIR"])
        if not (given / "initdb").is_file():
            raise PgTempError(f"PG_BINDIR={given} has no initdb: {INSTALL_HINT}")
        return given
    versions = sorted((p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").is_file()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise PgTempError(f"PostgreSQL's initdb was not found: {INSTALL_HINT}")


def available() -> bool:
    try:
        find_bindir()
    except PgTempError:
        return False
    return True


def _os_user() -> pwd.struct_passwd | None:
    """The account the server runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in (os.environ.get("LUPE_PG_OS_USER"), "postgres", "nobody"):
        if not name:
            continue
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PgTempError("running as root and no unprivileged account (postgres or nobody) exists to run PostgreSQL")


@dataclass(frozen=True)
class Cluster:
    root: str  # the temporary folder: data/, the socket, the log, cluster.json
    port: int
    password: str
    bindir: str
    os_user: str  # "" when the server runs as the calling user

    @property
    def data(self) -> Path:
        return Path(self.root) / "data"

    @property
    def log(self) -> Path:
        return Path(self.root) / "postgres.log"

    @property
    def url(self) -> str:
        """A SQLAlchemy URL for psycopg 3 (``postgresql+psycopg://``)."""
        return f"postgresql+psycopg://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{DB_NAME}"

    @property
    def libpq_url(self) -> str:
        """The same database as a libpq URL (psql, pg_dump)."""
        return f"postgresql://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{DB_NAME}"


def _as_user(cluster_user: str, argv: list[str]) -> list[str]:
    return ["runuser", "-u", cluster_user, "--", *argv] if cluster_user else argv


def _run(cluster_user: str, argv: list[str], cwd: str, env: dict[str, str] | None = None) -> None:
    # a session of its own: a Ctrl+C meant for the caller must not stop the server under it
    out = subprocess.run(_as_user(cluster_user, argv), cwd=cwd, capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, start_new_session=True)
    if out.returncode != 0:
        raise PgTempError(f"{Path(argv[0]).name} failed ({out.returncode}): {(out.stderr or out.stdout).strip()}")


def start(durable: bool = False, max_connections: int = 200) -> Cluster:
    """Create and start a cluster with database ``lupe`` owned by role ``lupe``; ``stop`` removes it.

    ``durable=False`` (tests) turns fsync off: the data never outlive the run, and an application
    killed with SIGKILL still leaves its committed rows in PostgreSQL (only a machine crash would not).
    """
    bindir = find_bindir()
    user = _os_user()
    root = tempfile.mkdtemp(prefix="lupe-pg-")
    try:
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
        password = secrets.token_urlsafe(18)
        pwfile = Path(root) / "pwfile"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        if user is not None:
            os.chown(pwfile, user.pw_uid, user.pw_gid)
        cluster = Cluster(root, free_port(), password, str(bindir), user.pw_name if user else "")
        (Path(root) / "cluster.json").write_text(json.dumps(asdict(cluster)))
        _run(cluster.os_user, [str(bindir / "initdb"), "-D", str(cluster.data), "-U", DB_USER, f"--pwfile={pwfile}",
                               "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-sync"], cwd=root)
        pwfile.unlink()
        options = [f"-c port={cluster.port}", "-c listen_addresses=127.0.0.1", f"-c unix_socket_directories={root}",
                   f"-c max_connections={max_connections}"]
        if not durable:
            options += ["-c fsync=off", "-c full_page_writes=off"]
        _run(cluster.os_user, [str(bindir / "pg_ctl"), "-D", str(cluster.data), "-l", str(cluster.log), "-w",
                               "-t", "60", "-o", " ".join(options), "start"], cwd=root)
        _run(cluster.os_user, [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", DB_USER,
                               DB_NAME], cwd=root, env={"PGPASSWORD": password})
        return cluster
    except BaseException:
        _stop_root(root)
        raise


def stop(cluster: Cluster | str | Path) -> None:
    """Stop the server (fast shutdown) and delete its folder; safe to call twice."""
    _stop_root(cluster.root if isinstance(cluster, Cluster) else str(cluster))


def _stop_root(root: str) -> None:
    meta = Path(root) / "cluster.json"
    if meta.is_file():
        info = json.loads(meta.read_text())
        data = Path(root) / "data"
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_user(info["os_user"], [str(Path(info["bindir"]) / "pg_ctl"), "-D", str(data),
                                                      "-m", "fast", "-w", "-t", "30", "stop"]),
                           cwd=root, capture_output=True)
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def cluster(durable: bool = False) -> Iterator[Cluster]:
    c = start(durable=durable)
    try:
        yield c
    finally:
        stop(c)


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m lupserve.pgtemp", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start", help="start a cluster; print shell `export` lines for its URL and folder")
    p_start.add_argument("--var", default=TEST_URL_VAR, help=f"variable to export the URL in (default {TEST_URL_VAR})")
    p_start.add_argument("--durable", action="store_true", help="keep fsync on (default off: throwaway data)")
    p_stop = sub.add_parser("stop", help="stop the cluster in FOLDER and delete the folder")
    p_stop.add_argument("folder")
    p_run = sub.add_parser("run", help="start a cluster, run COMMAND with the URL exported, stop the cluster")
    p_run.add_argument("--var", default=TEST_URL_VAR)
    p_run.add_argument("--if-available", action="store_true",
                       help=f"if {TEST_URL_VAR} is already set, or PostgreSQL is not installed, just run COMMAND "
                            "(the PostgreSQL tests then say loudly that they did not run)")
    p_run.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "start":
        c = start(durable=args.durable)
        print(f"export {args.var}={shlex.quote(c.url)}")
        print(f"export {DIR_VAR}={shlex.quote(c.root)}")
        print(f"echo 'PostgreSQL {Path(c.bindir).parent.name} on 127.0.0.1:{c.port} (folder {c.root})' >&2")
        return 0
    if args.command == "stop":
        stop(args.folder)
        return 0
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("run: give a command after --")
    if args.if_available and (os.environ.get(args.var) or not available()):
        if not os.environ.get(args.var):
            print(f"\n*** PostgreSQL not found ({INSTALL_HINT}): the PostgreSQL tests will NOT run. ***\n",
                  file=sys.stderr, flush=True)
        return subprocess.call(cmd)
    signal.signal(signal.SIGTERM, _raise_exit)
    with cluster() as c:
        print(f"[pgtemp] PostgreSQL on 127.0.0.1:{c.port} for this run ({args.var})", file=sys.stderr, flush=True)
        return subprocess.call(cmd, env={**os.environ, args.var: c.url})


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PgTempError as exc:
        print(f"pgtemp: {exc}", file=sys.stderr)
        sys.exit(1)
