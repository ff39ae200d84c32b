"""``python -m lupserve.replica``: a replica's health check answers only once the data is loaded.

HAProxy (and the systemd unit in docs/deploy.md) put a replica in rotation as soon as
``/_stcore/health`` says ok, so that answer must mean the replica can draw a page without first
loading the data for its visitor.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.wsclient import StSession
from lupserve.procs import ROOT, health_ok, launch, run_async

LOADED = "[replica] data and page modules loaded"


def test_health_answers_only_after_the_data_is_loaded() -> None:
    server = launch("app.py", preload=True, log_dir="lupe-replica-test")
    try:
        deadline = time.monotonic() + 120
        while not health_ok(server.url, timeout=0.5):
            assert server.proc.poll() is None, server.log.read_text()
            assert time.monotonic() < deadline, "the replica never became healthy"
            time.sleep(0.01)
        assert LOADED in server.log.read_text(), "healthy before the data was loaded"

        async def first_page() -> list[str]:
            session = await StSession(server.port, query_string="area=E08000030").connect()
            try:
                return (await session.first_run(timeout=60)).headings
            finally:
                await session.close()

        assert "Walsall" in run_async(first_page())
    finally:
        server.stop()


def test_without_a_script_it_says_how_to_use_it() -> None:
    out = subprocess.run([sys.executable, "-m", "lupserve.replica"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2
    assert "usage: python -m lupserve.replica app.py" in out.stderr


def test_preload_hides_the_long_lived_objects_from_the_collector_and_leaves_it_on() -> None:
    """After ``preload`` a full collection walks only what pages create, not the data and the libraries."""
    code = ("import gc; from lupserve.replica import preload; preload(); "
            "gc.collect(); "
            "print(gc.isenabled(), gc.get_freeze_count(), len(gc.get_objects()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    enabled, frozen, tracked = out.stdout.split()
    assert enabled == "True"
    assert int(frozen) > 100_000 and int(tracked) < int(frozen) / 10, (frozen, tracked)


def test_memory_arenas_are_limited_unless_the_operator_chose() -> None:
    """glibc's arenas per thread made a replica's memory grow 14-21% in a soak; the launcher asks for two."""
    code = "from lupserve.replica import limit_memory_arenas; print(limit_memory_arenas())"
    chosen = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    limited = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=chosen)
    assert limited.stdout.strip() == "True", limited.stderr
    kept = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**chosen, "MALLOC_ARENA_MAX": "4"})
    assert kept.stdout.strip() == "False", kept.stderr


def test_a_bad_pool_size_stops_a_replica_and_make_serve_with_one_sentence() -> None:
    env = {**os.environ, "LUPE_DB_POOL_SIZE": "lots"}
    for command in (["-m", "lupserve.replica", "app.py"], ["-m", "lupserve", "--replicas", "1"]):
        out = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, env=env,
                             timeout=120)
        assert out.returncode == 2, out.stderr
        assert "LUPE_DB_POOL_SIZE='lots': give a whole number from 1 to 100" in out.stderr
        assert "Traceback" not in out.stderr
