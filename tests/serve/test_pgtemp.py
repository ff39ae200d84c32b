"""The throwaway PostgreSQL cluster CI and ``make test`` run the store tests against (lupserve/pgtemp.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from lupserve import pgtemp
from tests.conftest import POSTGRES_HINT, POSTGRES_NOT_RUN, in_ci


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _require_postgres_installed() -> None:
    if pgtemp.available():
        return
    message = f"PostgreSQL is not installed ({pgtemp.INSTALL_HINT}); {POSTGRES_HINT}"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(f"{POSTGRES_NOT_RUN}: {message}")


def test_the_runs_postgres_url_reaches_a_live_server(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")
    with psycopg.connect(_libpq(postgres_url), connect_timeout=10) as conn:
        version = conn.execute("select version()").fetchone()[0]
    assert version.startswith("PostgreSQL ")


def test_a_cluster_runs_unprivileged_on_loopback_and_leaves_nothing_behind() -> None:
    _require_postgres_installed()
    cluster = pgtemp.start()
    try:
        pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
        uid_line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                        if line.startswith("Uid:"))
        assert int(uid_line.split()[1]) != 0, "PostgreSQL must not run as root"
        with psycopg.connect(cluster.libpq_url, connect_timeout=10) as conn:
            assert conn.execute("show listen_addresses").fetchone()[0] == "127.0.0.1"
            conn.execute("create table t (x int)")
            conn.execute("insert into t values (1)")
            assert conn.execute("select count(*) from t").fetchone()[0] == 1
        with pytest.raises(psycopg.OperationalError):  # a password is required, even on loopback
            psycopg.connect(f"postgresql://{pgtemp.DB_USER}:wrong@127.0.0.1:{cluster.port}/{pgtemp.DB_NAME}",
                            connect_timeout=10)
    finally:
        pgtemp.stop(cluster)
    assert not Path(cluster.root).exists()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", cluster.port)) != 0, "the server still listens after stop"


def test_run_exports_the_url_to_the_command_and_removes_the_cluster_after() -> None:
    _require_postgres_installed()
    env = {k: v for k, v in os.environ.items() if k != pgtemp.TEST_URL_VAR}
    code = ("import os, psycopg; url = os.environ['LUPE_TEST_POSTGRES_URL']; "
            "print(url.split('@')[1]); "
            "psycopg.connect(url.replace('+psycopg', '', 1)).execute('select 1'); raise SystemExit(7)")
    out = subprocess.run([sys.executable, "-m", "lupserve.pgtemp", "run", "--", sys.executable, "-c", code],
                         cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 7, out.stderr  # the command's own exit code
    host_port = out.stdout.strip().split("/")[0]
    port = int(host_port.split(":")[1])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_the_documented_backup_and_restore_round_trip(postgres_url: str, tmp_path: Path) -> None:
    """docs/deploy.md's pg_dump --format=custom / createdb / pg_restore commands, on real rows."""
    parts = urlsplit(_libpq(postgres_url))
    env = {**os.environ, "PGHOST": parts.hostname or "", "PGPORT": str(parts.port), "PGUSER": parts.username or "",
           "PGPASSWORD": parts.password or ""}
    bindir = pgtemp.find_bindir()
    admin = _libpq(postgres_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        for db in ("lupe_backup_src", "lupe_restored"):
            conn.execute(f"drop database if exists {db}")
        conn.execute("create database lupe_backup_src")
    source = admin.rsplit("/", 1)[0] + "/lupe_backup_src"
    rows = [(i, f"answer {i} — 'quoted' ✓") for i in range(50)]
    with psycopg.connect(source) as conn:
        conn.execute("create table answers (id int primary key, body text not null)")
        with conn.cursor() as cur:
            cur.executemany("insert into answers values (%s, %s)", rows)
    dump = tmp_path / "lupe-backup.dump"
    for argv in ([str(bindir / "pg_dump"), "--format=custom", f"--file={dump}", "lupe_backup_src"],
                 [str(bindir / "createdb"), "-O", parts.username or "", "lupe_restored"],
                 [str(bindir / "pg_restore"), "--no-owner", f"--role={parts.username}", "--dbname=lupe_restored",
                  str(dump)]):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{argv[0]}: {done.stderr}"
    try:
        with psycopg.connect(admin.rsplit("/", 1)[0] + "/lupe_restored") as conn:
            assert conn.execute("select id, body from answers order by id").fetchall() == rows
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for db in ("lupe_backup_src", "lupe_restored"):
                conn.execute(f"drop database if exists {db} with (force)")
