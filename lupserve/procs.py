"""Start ``streamlit run`` headless on a loopback port and watch it: the one helper the tests, the
benchmarks and ``make serve`` share.

Every server starts from the repo root, so ``.streamlit/config.toml`` applies to the app and to any
baseline script alike. ``python -m streamlit run`` is the server process itself, so its /proc entry
gives the server's CPU time and resident memory.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
_TICKS = os.sysconf("SC_CLK_TCK")
START_TIMEOUT_S = 60


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)``, also from a thread whose event loop is already running.

    Playwright's sync API (the browser tests) keeps a loop running in pytest's main thread, where
    ``asyncio.run`` refuses to start; then the coroutine runs on a loop of its own in a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def streamlit_argv(script: str, port: int, *options: str, preload: bool = False) -> list[str]:
    """The command line of a headless server for ``script`` on 127.0.0.1:``port``.

    ``preload``: through ``lupserve.replica``, which loads the data before it opens the port.
    """
    command = ["lupserve.replica"] if preload else ["streamlit", "run"]
    return [sys.executable, "-m", *command, script, "--server.headless=true",
            "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none", "--server.runOnSave=false", *options]


def health_ok(url: str, timeout: float = 1) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout) as resp:
            return resp.read() == b"ok"
    except OSError:
        return False


def process_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS line")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time so far (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass(frozen=True)
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    started: float  # perf_counter() just before the process was launched
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.proc.pid)

    def rss_bytes(self) -> int:
        return process_rss_bytes(self.proc.pid)

    def wait_healthy(self, timeout: float = START_TIMEOUT_S, poll: float = 0.02) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; log: {self.log}")
            if health_ok(self.url):
                return
            time.sleep(poll)
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout} s; log: {self.log}")

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM (Streamlit stops its sessions and exits), SIGKILL after ``timeout`` s; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(10)

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything (a crash, as tests need it)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


def launch(script: str = "app.py", *options: str, port: int | None = None, log_dir: str = "lupe-streamlit",
           env: Mapping[str, str] | None = None, new_session: bool = False, preload: bool = False) -> Server:
    """Start a server without waiting for it; its output goes to a log under the temporary folder.

    ``new_session``: its own process group, so a Ctrl+C meant for a supervisor (``make serve``)
    does not reach it before the supervisor has drained it.
    """
    port = port or free_port()
    folder = Path(tempfile.gettempdir()) / log_dir  # an absolute log_dir is used as it is
    folder.mkdir(exist_ok=True)
    log = folder / f"{Path(script).stem}-{port}.log"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(streamlit_argv(script, port, *options, preload=preload), cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=None if env is None else {**os.environ, **env}, start_new_session=new_session)
    return Server(proc, port, started, log)


@contextmanager
def streamlit(script: str = "app.py", *options: str, wait: bool = True, log_dir: str = "lupe-streamlit",
              keep_log: bool = True, env: Mapping[str, str] | None = None, preload: bool = False) -> Iterator[Server]:
    """A headless server for ``script`` (relative to the repo root) with extra ``--option=value`` flags.

    Stopped on exit. With ``keep_log=False`` the log is deleted after a run without an exception
    (a failed run keeps its log for the error message).
    """
    server = launch(script, *options, log_dir=log_dir, env=env, preload=preload)
    try:
        if wait:
            server.wait_healthy()
        yield server
    finally:
        server.stop()
    if not keep_log:
        server.log.unlink(missing_ok=True)
